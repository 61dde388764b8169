using JengaFleet.Pipeline.HunyuanVideo;
using JengaFleet.Testing;

namespace JengaFleet.Pipeline.Tests.HunyuanVideo;

/// <summary>One hunyuan-tiny written to a temporary folder, shared by the tests of a class.</summary>
public sealed class TinyModelFixture : IDisposable
{
    private readonly TempDirectory _dir = new();

    public TinyModelFixture()
    {
        Root = Path.Combine(_dir.Path, "hunyuan-tiny");
        (Layout, CropStart) = HunyuanTinyModel.EnsureWritten(Root);
    }

    public string Root { get; }

    public HunyuanVideoWeightLayout Layout { get; }

    public int CropStart { get; }

    public string OutputFolder => _dir.Path;

    public void Dispose() => _dir.Dispose();
}
