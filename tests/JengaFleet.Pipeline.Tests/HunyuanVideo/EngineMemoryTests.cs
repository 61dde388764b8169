using JengaFleet.Pipeline.Engine;
using JengaFleet.Pipeline.HunyuanVideo;
using TorchSharp;
using Xunit;

namespace JengaFleet.Pipeline.Tests.HunyuanVideo;

/// <summary>Counts live tensors process-wide, so it runs alone (no other test may create tensors meanwhile).</summary>
[CollectionDefinition(nameof(TensorCountCollection), DisableParallelization = true)]
public sealed class TensorCountCollection;

[Collection(nameof(TensorCountCollection))]
public class EngineMemoryTests(TinyModelFixture tiny) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public async Task Live_tensors_after_many_generations_equal_those_after_one()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = new HunyuanVideoEngine(new HunyuanVideoEngineOptions(HunyuanTinyModel.Name, tiny.Layout, torch.CPU, tiny.CropStart));
        await engine.LoadAsync(ct);
        var path = Path.Combine(tiny.OutputFolder, "repeat.mp4");
        GenerationRequest Request(long seed) => new("a lighthouse at night", null, HunyuanTinyModel.Name, "turbo", 128, 96, 9, 8, seed, 6.0);

        await engine.GenerateAsync(Request(0), path, NullGenerationObserver.Instance, ct);
        var afterOne = LiveTensorsAfterCollection();
        for (var i = 1; i <= 3; i++)
            await engine.GenerateAsync(Request(i), path, NullGenerationObserver.Instance, ct);
        Assert.Equal(afterOne, torch.Tensor.TotalCount); // no collection here: a tensor left undisposed still counts
    }

    /// <summary>Live tensors after earlier tests' garbage is finalised, so its finalisers cannot run during the measurement.</summary>
    private static long LiveTensorsAfterCollection()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return torch.Tensor.TotalCount;
    }
}
