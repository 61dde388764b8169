using JengaFleet.Models.HunyuanVideo.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Pipeline.Video;

/// <summary>From the VAE's output tensor to an RGB clip.</summary>
public static class VideoTensorConversion
{
    /// <summary>
    /// The first video of a decoded batch <c>[B, 3, F, H, W]</c> in [-1, 1] → packed RGB24 frames, with the
    /// reference's truncating uint8 conversion (<see cref="VideoFrames.ToUint8"/>).
    /// </summary>
    public static VideoClip ToClip(Tensor decoded, double framesPerSecond)
    {
        using var frames = VideoFrames.ToUint8(decoded);
        return new VideoClip((int)frames.shape[0], (int)frames.shape[1], (int)frames.shape[2], frames.data<byte>().ToArray(), framesPerSecond);
    }
}
