using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Vae.Modules;

/// <summary>
/// The mid-block attention mask over <c>frames · positionsPerFrame</c> tokens (frame-major): a query in frame f
/// sees every key of frames ≤ f. Additive: 0 where allowed, −∞ elsewhere, shape [L, L].
/// </summary>
public static class BlockCausalMask
{
    // mask[q, k] = 0 if frame(k) <= frame(q) else -inf
    public static Tensor Create(long frames, long positionsPerFrame, ScalarType dtype, Device device)
    {
        using var scope = NewDisposeScope();
        var frameOf = arange(frames, int32, device).repeat_interleave(positionsPerFrame);
        var hidden = frameOf.unsqueeze(0).gt(frameOf.unsqueeze(1));
        var mask = zeros([frameOf.shape[0], frameOf.shape[0]], dtype, device).masked_fill_(hidden, double.NegativeInfinity);
        return mask.MoveToOuterDisposeScope();
    }
}
