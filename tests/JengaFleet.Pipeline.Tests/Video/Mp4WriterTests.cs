using System.Diagnostics;
using FFMpegCore;
using JengaFleet.Pipeline.Video;
using JengaFleet.Testing;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace JengaFleet.Pipeline.Tests.Video;

/// <summary>Encodes with the real ffmpeg and checks the result with the real ffprobe / a decode.</summary>
public class Mp4WriterTests
{
    private static VideoClip SolidColours(int frames, int height, int width)
    {
        var rgb = new byte[frames * height * width * 3];
        for (var f = 0; f < frames; f++)
        for (var p = 0; p < height * width; p++)
        {
            rgb[(f * height * width + p) * 3 + 0] = (byte)(f * 25);
            rgb[(f * height * width + p) * 3 + 1] = 128;
            rgb[(f * height * width + p) * 3 + 2] = (byte)(255 - f * 25);
        }

        return new VideoClip(frames, height, width, rgb, 24);
    }

    [Fact]
    public async Task Writes_h264_yuv420p_with_every_frame()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "out", "clip.mp4");
        await Mp4Writer.WriteAsync(SolidColours(9, 48, 64), path, TestContext.Current.CancellationToken);

        var probe = await FFProbe.AnalyseAsync(path, cancellationToken: TestContext.Current.CancellationToken);
        var stream = Assert.Single(probe.VideoStreams);
        Assert.Equal("h264", stream.CodecName);
        Assert.Equal("yuv420p", stream.PixelFormat);
        Assert.Equal((64, 48), (stream.Width, stream.Height));
        Assert.Equal(24, stream.FrameRate, 3);
        Assert.Equal(9, CountFrames(path));
    }

    [Fact]
    public async Task Decoded_frames_keep_their_colours()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "clip.mp4");
        var clip = SolidColours(5, 32, 32);
        await Mp4Writer.WriteAsync(clip, path, TestContext.Current.CancellationToken);

        var decoded = Decode(path, 32, 32);
        Assert.Equal(clip.Rgb.Length, decoded.Length);
        for (var f = 0; f < 5; f++)
        {
            var (r, g, b) = MeanColour(decoded, f, 32 * 32);
            Assert.InRange(r, f * 25 - 6, f * 25 + 6);
            Assert.InRange(g, 122, 134);
            Assert.InRange(b, 255 - f * 25 - 6, 255 - f * 25 + 6);
        }
    }

    [Fact]
    public void Tensor_frames_truncate_like_the_reference()
    {
        using var scope = NewDisposeScope();
        // x = 2*(v/255) - 1 would round-trip; 0.999/255 below a step must truncate down.
        var values = tensor(new float[] { -1f, 1f, 0f, (2f * 200.999f / 255f) - 1f, 2f, -3f }).view(1, 1, 1, 1, 6).expand(1, 3, 1, 1, 6);
        var clip = VideoTensorConversion.ToClip(values, 24);
        Assert.Equal((1, 1, 6), (clip.Frames, clip.Height, clip.Width));
        Assert.Equal(new byte[] { 0, 255, 127, 200, 255, 0 }, Enumerable.Range(0, 6).Select(i => clip.Rgb[i * 3]).ToArray());
    }

    [Fact]
    public async Task Odd_sizes_are_rejected_before_ffmpeg_runs()
    {
        using var dir = new TempDirectory();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Mp4Writer.WriteAsync(SolidColours(1, 33, 64), Path.Combine(dir.Path, "x.mp4"), TestContext.Current.CancellationToken));
        Assert.Contains("even", error.Message);
    }

    private static int CountFrames(string path)
    {
        var output = Run("ffprobe", $"-v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 \"{path}\"");
        return int.Parse(output.Trim());
    }

    private static byte[] Decode(string path, int width, int height)
    {
        var raw = Path.ChangeExtension(path, ".rgb");
        Run("ffmpeg", $"-v error -y -i \"{path}\" -f rawvideo -pix_fmt rgb24 -s {width}x{height} \"{raw}\"");
        return File.ReadAllBytes(raw);
    }

    private static (double R, double G, double B) MeanColour(byte[] rgb, int frame, int pixels)
    {
        double r = 0, g = 0, b = 0;
        for (var p = 0; p < pixels; p++)
        {
            var i = (frame * pixels + p) * 3;
            r += rgb[i];
            g += rgb[i + 1];
            b += rgb[i + 2];
        }

        return (r / pixels, g / pixels, b / pixels);
    }

    private static string Run(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {arguments} failed: {error}");
        return output;
    }
}
