using FFMpegCore;
using JengaFleet.Pipeline.Engine;
using JengaFleet.Testing;
using Xunit;

namespace JengaFleet.Pipeline.Tests.Engine;

/// <summary>The placeholder engine behaves like an engine where the fleet can tell (real ffmpeg, real stage plan).</summary>
public class SyntheticVideoEngineTests
{
    private static readonly GenerationRequest Request = new("a cat", null, SyntheticVideoEngine.DefaultModelName, "3stage", 128, 64, 9, 10, 5, 6.0);

    private sealed class Recorder : IGenerationObserver
    {
        public List<StageTime> Stages { get; } = [];

        public List<DenoiseStepTime> Steps { get; } = [];

        public void StageCompleted(StageTime stage) => Stages.Add(stage);

        public void StepCompleted(DenoiseStepTime step) => Steps.Add(step);
    }

    private static async Task<SyntheticVideoEngine> Loaded(SyntheticVideoEngineOptions? options = null)
    {
        var engine = new SyntheticVideoEngine(options);
        await engine.LoadAsync(TestContext.Current.CancellationToken);
        return engine;
    }

    [Fact]
    public async Task It_says_it_is_a_placeholder()
    {
        await using var engine = await Loaded();
        Assert.True(engine.Info.IsPlaceholder);
        Assert.Contains("placeholder", engine.Info.Description);
    }

    [Fact]
    public async Task It_writes_an_mp4_of_the_requested_size_and_reports_every_stage_and_step()
    {
        using var dir = new TempDirectory();
        await using var engine = await Loaded();
        var observer = new Recorder();
        var video = await engine.GenerateAsync(Request, dir.File("a.mp4"), observer, TestContext.Current.CancellationToken);

        var probe = await FFProbe.AnalyseAsync(video.Mp4Path, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal((128, 64), (probe.PrimaryVideoStream!.Width, probe.PrimaryVideoStream.Height));
        Assert.Equal("h264", probe.PrimaryVideoStream.CodecName);
        Assert.Equal(["text_encode", "denoise_0", "denoise_1", "denoise_2", "vae_decode", "video_encode"], video.Timings.Select(t => t.Stage));
        Assert.Equal(video.Timings, observer.Stages);
        Assert.Equal(Enumerable.Range(0, 10), observer.Steps.Select(s => s.Step));
        Assert.Equal([0, 1, 2], observer.Steps.Select(s => s.ProResStage).Distinct());
    }

    [Fact]
    public async Task The_same_request_gives_the_same_bytes_and_another_seed_other_bytes()
    {
        using var dir = new TempDirectory();
        await using var engine = await Loaded();
        var ct = TestContext.Current.CancellationToken;
        var a = await engine.GenerateAsync(Request, dir.File("a.mp4"), NullGenerationObserver.Instance, ct);
        var b = await engine.GenerateAsync(Request, dir.File("b.mp4"), NullGenerationObserver.Instance, ct);
        var c = await engine.GenerateAsync(Request with { Seed = 6 }, dir.File("c.mp4"), NullGenerationObserver.Instance, ct);
        Assert.Equal(await File.ReadAllBytesAsync(a.Mp4Path, ct), await File.ReadAllBytesAsync(b.Mp4Path, ct));
        Assert.NotEqual(await File.ReadAllBytesAsync(a.Mp4Path, ct), await File.ReadAllBytesAsync(c.Mp4Path, ct));
    }

    [Fact]
    public async Task It_refuses_invalid_requests_and_stops_when_cancelled()
    {
        using var dir = new TempDirectory();
        await using var engine = await Loaded(new SyntheticVideoEngineOptions { StepDelay = TimeSpan.FromMilliseconds(200) });
        Assert.Equal(RejectionReason.InvalidFrames, engine.Validate(Request with { Frames = 8 }).Reason);
        await Assert.ThrowsAsync<ArgumentException>(() => engine.GenerateAsync(Request with { Frames = 8 }, dir.File("x.mp4"), NullGenerationObserver.Instance, TestContext.Current.CancellationToken));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.GenerateAsync(Request, dir.File("y.mp4"), NullGenerationObserver.Instance, cts.Token));
    }

    [Fact]
    public async Task It_must_be_loaded_first()
    {
        using var dir = new TempDirectory();
        await using var engine = new SyntheticVideoEngine();
        await Assert.ThrowsAsync<InvalidOperationException>(() => engine.GenerateAsync(Request, dir.File("z.mp4"), NullGenerationObserver.Instance, TestContext.Current.CancellationToken));
    }
}
