using FFMpegCore;
using JengaFleet.Pipeline.Engine;
using JengaFleet.Pipeline.HunyuanVideo;
using TorchSharp;
using Xunit;

namespace JengaFleet.Pipeline.Tests.HunyuanVideo;

/// <summary>The whole text-to-video pipeline with hunyuan-tiny on the CPU, through the real ffmpeg.</summary>
public class HunyuanVideoEngineTests(TinyModelFixture tiny) : IClassFixture<TinyModelFixture>
{
    private static GenerationRequest Request(string preset, long seed = 7) =>
        new("a red fox running through snow", null, HunyuanTinyModel.Name, preset, 128, 96, 9, 8, seed, 6.0);

    private async Task<HunyuanVideoEngine> LoadedEngine()
    {
        var engine = new HunyuanVideoEngine(new HunyuanVideoEngineOptions(HunyuanTinyModel.Name, tiny.Layout, torch.CPU, tiny.CropStart));
        await engine.LoadAsync(TestContext.Current.CancellationToken);
        return engine;
    }

    [Theory]
    [InlineData("dense", new[] { "text_encode", "denoise_0", "vae_decode", "video_encode" })]
    [InlineData("turbo", new[] { "text_encode", "denoise_0", "denoise_1", "vae_decode", "video_encode" })]
    [InlineData("3stage", new[] { "text_encode", "denoise_0", "denoise_1", "denoise_2", "vae_decode", "video_encode" })]
    public async Task Writes_an_mp4_with_stage_timings(string preset, string[] stages)
    {
        await using var engine = await LoadedEngine();
        var path = Path.Combine(tiny.OutputFolder, $"{preset}.mp4");
        var observer = new RecordingObserver();
        var video = await engine.GenerateAsync(Request(preset), path, observer, TestContext.Current.CancellationToken);

        Assert.Equal(stages, video.Timings.Select(t => t.Stage));
        Assert.Equal(stages, observer.Stages);
        Assert.Equal(8, observer.Steps);
        var probe = await FFProbe.AnalyseAsync(path, cancellationToken: TestContext.Current.CancellationToken);
        var stream = Assert.Single(probe.VideoStreams);
        Assert.Equal(("h264", "yuv420p", 128, 96), (stream.CodecName, stream.PixelFormat, stream.Width, stream.Height));
        Assert.Equal(24, stream.FrameRate, 3);
        Assert.Equal(9, video.Frames);
    }

    [Fact]
    public async Task Same_seed_same_video_other_seed_other_video()
    {
        await using var engine = await LoadedEngine();
        var ct = TestContext.Current.CancellationToken;
        string Path_(string n) => Path.Combine(tiny.OutputFolder, n);
        await engine.GenerateAsync(Request("base", seed: 1), Path_("a.mp4"), NullGenerationObserver.Instance, ct);
        await engine.GenerateAsync(Request("base", seed: 1), Path_("b.mp4"), NullGenerationObserver.Instance, ct);
        await engine.GenerateAsync(Request("base", seed: 2), Path_("c.mp4"), NullGenerationObserver.Instance, ct);
        Assert.Equal(File.ReadAllBytes(Path_("a.mp4")), File.ReadAllBytes(Path_("b.mp4")));
        Assert.NotEqual(File.ReadAllBytes(Path_("a.mp4")), File.ReadAllBytes(Path_("c.mp4")));
    }

    [Fact]
    public async Task Invalid_requests_are_rejected_with_a_reason()
    {
        await using var engine = await LoadedEngine();
        var validation = engine.Validate(Request("turbo") with { Width = 100 });
        Assert.Equal(RejectionReason.InvalidSize, validation.Reason);
        Assert.Contains("multiples of 16", validation.Message);
        Assert.Equal(RejectionReason.UnsupportedModel, engine.Validate(Request("turbo") with { Model = "other" }).Reason);
        await Assert.ThrowsAsync<ArgumentException>(() => engine.GenerateAsync(Request("nope"), Path.Combine(tiny.OutputFolder, "x.mp4"), NullGenerationObserver.Instance, TestContext.Current.CancellationToken));
    }

    private sealed class RecordingObserver : IGenerationObserver
    {
        public List<string> Stages { get; } = [];

        public int Steps { get; private set; }

        public void StageCompleted(StageTime stage) => Stages.Add(stage.Stage);

        public void StepCompleted(DenoiseStepTime step) => Steps++;
    }
}
