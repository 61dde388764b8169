using JengaFleet.Jenga.Attention;
using JengaFleet.Jenga.Carving;
using static TorchSharp.torch;

namespace JengaFleet.Models.Tests.HunyuanVideo;

/// <summary>
/// Passes every call to an inner backend and keeps, for carved calls, the block mask the core's selector picks
/// for the same q and k (what the fixtures record per layer), as uint8 in call order.
/// </summary>
internal sealed class RecordingAttention(IAttentionBackend inner) : IAttentionBackend, IDisposable
{
    public string Name => $"recording({inner.Name})";

    public List<Tensor> BlockMasks { get; } = [];

    public int Calls { get; private set; }

    public Tensor Attend(Tensor query, Tensor key, Tensor value, AttentionCall call)
    {
        Calls++;
        if (call.Carving is not null)
        {
            using var selection = BlockImportanceSelector.Select(query, key, call.Layout, call.Carving);
            BlockMasks.Add(selection.Mask.to(ScalarType.Byte).DetachFromDisposeScope());
        }

        return inner.Attend(query, key, value, call);
    }

    public void Dispose()
    {
        foreach (var mask in BlockMasks)
            mask.Dispose();
    }
}
