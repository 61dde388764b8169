using FFMpegCore;
using JengaFleet.Testing;
using Xunit;

namespace JengaFleet.Cli.Tests;

/// <summary><c>jenga generate</c> as a user runs it: hunyuan-tiny on the CPU, the real ffmpeg, checked with ffprobe.</summary>
public class GenerateCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private Dictionary<string, string> Environment => new() { ["JENGA_CACHE_DIR"] = Path.Combine(_dir.Path, "cache") };

    [Theory]
    [InlineData("dense")]
    [InlineData("turbo")]
    public async Task Writes_a_valid_mp4_with_the_tiny_model(string preset)
    {
        var output = Path.Combine(_dir.Path, $"{preset}.mp4");
        var (code, text) = await JengaProcess.RunAsync(_dir.Path, Environment,
            "generate", "--prompt", "a red fox in the snow", "--model", "hunyuan-tiny", "--preset", preset,
            "--width", "96", "--height", "64", "--frames", "9", "--steps", "6", "--output", output);
        Assert.True(code == 0, text);
        Assert.Contains("video_encode", text);
        Assert.Contains("the video is noise", text);

        var probe = await FFProbe.AnalyseAsync(output, cancellationToken: TestContext.Current.CancellationToken);
        var stream = Assert.Single(probe.VideoStreams);
        Assert.Equal(("h264", 96, 64), (stream.CodecName, stream.Width, stream.Height));
        Assert.Equal(TimeSpan.FromSeconds(9 / 24.0).TotalSeconds, probe.Duration.TotalSeconds, 0.05);
    }

    [Theory]
    [InlineData("unknown preset 'nope'", "--preset", "nope")]
    [InlineData("unknown model 'sora'", "--model", "sora")]
    [InlineData("multiples of 16", "--width", "100")]
    [InlineData("4k+1", "--frames", "10")]
    [InlineData("mp_rank_00_model_states.pt", "--model", "hunyuan-video", "--weights", "/nonexistent/ckpts")]
    public async Task Bad_input_gives_one_clear_line_and_a_nonzero_exit_code(string expected, params string[] arguments)
    {
        var (code, text) = await JengaProcess.RunAsync(_dir.Path, Environment,
            ["generate", "--prompt", "x", "--output", Path.Combine(_dir.Path, "x.mp4"), .. arguments]);
        Assert.Equal(2, code);
        Assert.Contains(expected, text);
        Assert.Single(text.Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(_dir.Path, "x.mp4")));
    }

    [Fact]
    public async Task A_missing_ffmpeg_is_reported_before_any_model_loads()
    {
        // PATH with dotnet only: the command must stop at its checks, naming ffmpeg.
        var dotnet = Path.GetDirectoryName(System.Diagnostics.Process.GetCurrentProcess().MainModule!.FileName)!;
        var environment = new Dictionary<string, string>(Environment) { ["PATH"] = dotnet };
        var (code, text) = await JengaProcess.RunAsync(_dir.Path, environment,
            "generate", "--prompt", "x", "--output", Path.Combine(_dir.Path, "x.mp4"));
        Assert.Equal(2, code);
        Assert.Contains("ffmpeg was not found on PATH", text);
        Assert.DoesNotContain("loading", text);
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "cache", "hunyuan-tiny")), "no model may be written or loaded");
    }

    public void Dispose() => _dir.Dispose();
}
