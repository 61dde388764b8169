using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Pipeline.Video;

/// <summary>From the VAE's output tensor to RGB bytes, as the reference saves videos.</summary>
public static class VideoTensorConversion
{
    /// <summary>
    /// <c>[3, T, H, W]</c> (or <c>[1, 3, T, H, W]</c>) in [-1, 1] → packed RGB24 frames:
    /// uint8(clamp(x/2 + 0.5, 0, 1) * 255) with truncation, like the reference (not rounding).
    /// </summary>
    public static VideoClip ToClip(Tensor video, double framesPerSecond)
    {
        using var scope = NewDisposeScope();
        var x = video.ndim == 5 ? video.squeeze(0) : video;
        if (x.ndim != 4 || x.shape[0] != 3)
            throw new ArgumentException($"expected a video tensor [3, T, H, W] or [1, 3, T, H, W], got [{string.Join(", ", video.shape)}]");
        var bytes = x.to(ScalarType.Float32).div(2).add(0.5).clamp(0, 1).mul(255).to(ScalarType.Byte) // float→uint8 truncates
            .permute(1, 2, 3, 0).contiguous().cpu();
        return new VideoClip((int)x.shape[1], (int)x.shape[2], (int)x.shape[3], bytes.data<byte>().ToArray(), framesPerSecond);
    }
}
