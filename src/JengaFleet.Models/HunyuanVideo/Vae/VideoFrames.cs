using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Vae;

/// <summary>Decoder output → 8-bit frames, as the reference saves its videos.</summary>
public static class VideoFrames
{
    /// <summary>
    /// One video of a decoded batch [B, 3, F, H, W] (values about [−1, 1]) → uint8 [F, H, W, 3] on the CPU:
    /// <c>clamp(x/2 + 0.5, 0, 1)</c> in the decoder's dtype, then float32, then <c>uint8(x · 255)</c>, which
    /// truncates rather than rounds (0.999 → 254).
    /// </summary>
    public static Tensor ToUint8(Tensor sample, int batchIndex = 0)
    {
        if (sample.ndim != 5 || sample.shape[1] != 3)
            throw new ArgumentException($"sample must be [B, 3, F, H, W]; got [{string.Join(", ", sample.shape)}]", nameof(sample));
        using var scope = NewDisposeScope();
        var video = sample[batchIndex];
        var unit = (video / 2 + 0.5).clamp_(0, 1).to(float32, CPU);
        // [3, F, H, W] -> [F, H, W, 3]; the float -> uint8 conversion truncates toward zero.
        var frames = (unit * 255).permute(1, 2, 3, 0).to(uint8).contiguous();
        return frames.MoveToOuterDisposeScope();
    }
}
