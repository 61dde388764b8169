using FFMpegCore;
using FFMpegCore.Pipes;

namespace JengaFleet.Pipeline.Video;

/// <summary>
/// Encodes a clip to an mp4 through the ffmpeg executable: H.264, yuv420p (plays everywhere), the moov atom
/// in front (faststart, so browsers and object-storage previews stream it).
/// </summary>
public static class Mp4Writer
{
    public static async Task WriteAsync(VideoClip clip, string path, CancellationToken cancellationToken = default)
    {
        if (clip.Width % 2 != 0 || clip.Height % 2 != 0)
            throw new ArgumentException($"H.264 with yuv420p needs even sizes, got {clip.Width}x{clip.Height}");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var source = new RawVideoPipeSource(Frames(clip)) { FrameRate = clip.FramesPerSecond };
        try
        {
            await FFMpegArguments
                .FromPipeInput(source)
                .OutputToFile(path, overwrite: true, options => options
                    .WithVideoCodec("libx264")
                    .ForcePixelFormat("yuv420p")
                    .WithFastStart())
                .CancellableThrough(cancellationToken)
                .ProcessAsynchronously(throwOnError: true);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or FileNotFoundException || e.InnerException is System.ComponentModel.Win32Exception)
        {
            // FFMpegCore wraps the failed process start in its own exception type; the cause is a missing executable.
            throw new InvalidOperationException($"ffmpeg could not be started: {FfmpegLocator.InstallHint}", e);
        }
    }

    private static IEnumerable<IVideoFrame> Frames(VideoClip clip)
    {
        for (var i = 0; i < clip.Frames; i++)
            yield return new RgbFrame(clip, i);
    }

    private sealed class RgbFrame(VideoClip clip, int index) : IVideoFrame
    {
        public int Width => clip.Width;

        public int Height => clip.Height;

        public string Format => "rgb24";

        public void Serialize(Stream pipe) => pipe.Write(clip.Frame(index).Span);

        public Task SerializeAsync(Stream pipe, CancellationToken token) => pipe.WriteAsync(clip.Frame(index), token).AsTask();
    }
}
