using System.Diagnostics;
using JengaFleet.Jenga.Attention;
using JengaFleet.Jenga.Presets;
using JengaFleet.Jenga.ProRes;
using JengaFleet.Models.HunyuanVideo.Transformer;
using JengaFleet.Pipeline.Engine;
using JengaFleet.Pipeline.Video;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Pipeline.HunyuanVideo;

/// <summary>
/// Text to video with HunyuanVideo and Jenga: prompt → LLM + CLIP text encoders → ProRes denoise loop over the
/// transformer (carved attention, step skipping) → tiled VAE decode → mp4 (24 fps). Models load once in
/// <see cref="LoadAsync"/> and stay resident.
/// </summary>
public sealed class HunyuanVideoEngine : IVideoGenerationEngine
{
    /// <summary>HunyuanVideo's output frame rate.</summary>
    public const double FramesPerSecond = 24;

    /// <summary>The release's flow shift of stage 0 (every official script passes 7).</summary>
    public const double FlowShift = 7.0;

    private readonly HunyuanVideoEngineOptions _options;
    private readonly ILogger _logger;
    private HunyuanVideoModelSet? _models;

    public HunyuanVideoEngine(HunyuanVideoEngineOptions options, ILogger<HunyuanVideoEngine>? logger = null)
    {
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Info = new EngineInfo(options.ModelName, options.Description, options.Device.ToString(), options.Device.type == DeviceType.CUDA ? "cuda" : "cpu", IsPlaceholder: false);
    }

    public EngineInfo Info { get; }

    public EngineLimits Limits => _options.Limits;

    /// <summary>The attention backend carved calls use (the plain TorchSharp block-sparse one unless configured).</summary>
    public IAttentionBackend Attention => _options.Attention;

    public Task LoadAsync(CancellationToken cancellationToken)
    {
        if (_models is not null)
            return Task.CompletedTask;
        FfmpegLocator.EnsureAvailable(); // a worker without an encoder must not report ready
        var watch = Stopwatch.StartNew();
        _models = HunyuanVideoModelSet.Load(_options.Weights, _options.Device, _options.CropStart);
        _logger.LogInformation("Loaded {Model} from {WeightsRoot} on {Device} in {LoadSeconds:0.0} s; attention backend {Attention}",
            Info.Model, _options.Weights.Root, _options.Device, watch.Elapsed.TotalSeconds, _options.Attention.Name);
        return Task.CompletedTask;
    }

    public RequestValidation Validate(GenerationRequest request) => GenerationRequestValidator.Validate(request, Info.Model, Limits);

    public async Task<GeneratedVideo> GenerateAsync(GenerationRequest request, string outputPath, IGenerationObserver observer, CancellationToken cancellationToken)
    {
        var models = _models ?? throw new InvalidOperationException("LoadAsync must complete before the first generation");
        var validation = Validate(request);
        if (!validation.IsValid)
            throw new ArgumentException($"invalid request ({validation.Reason}): {validation.Message}", nameof(request));

        var timings = new List<StageTime>();
        void Completed(string stage, TimeSpan duration)
        {
            var time = new StageTime(stage, duration);
            timings.Add(time);
            observer.StageCompleted(time);
        }

        VideoClip clip;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var watch = Stopwatch.StartNew();
            var text = EncodeText(models, request.Prompt);
            Sync(models.Device);
            Completed(GenerationStages.TextEncode, watch.Elapsed);

            var plan = ProgressiveResolutionPlan.Create(
                new VideoRequestGeometry(request.Height, request.Width, request.Frames),
                JengaPresets.ByName(request.Preset),
                request.Steps,
                FlowShift,
                request.Guidance);
            // One CPU generator per job, seeded: the same request draws the same noise on every device (then copied over).
            using var generator = new Generator((ulong)request.Seed, CPU);
            Tensor DrawNoise(long[] shape) => randn(shape, ScalarType.Float32, CPU, generator: generator).to(models.Device);

            var stepTimer = new DenoiseTimer(plan, models.Device, observer, Completed);
            using var velocity = new HunyuanVideoVelocityModel(models.Transformer, text, _options.Attention);
            using var latent = ProgressiveDenoiser.Run(plan, DrawNoise(plan.Stages[0].LatentShape), DrawNoise, velocity.Velocity, stepTimer, cancellationToken); // detached: ours to dispose
            stepTimer.Finish();

            watch.Restart();
            var decoded = models.Vae.DecodeLatents(latent.to(models.VaeDType));
            clip = VideoTensorConversion.ToClip(decoded, FramesPerSecond);
            Completed(GenerationStages.VaeDecode, watch.Elapsed);
        }

        var encode = Stopwatch.StartNew();
        await Mp4Writer.WriteAsync(clip, outputPath, cancellationToken);
        Completed(GenerationStages.VideoEncode, encode.Elapsed);
        return new GeneratedVideo(outputPath, clip.Width, clip.Height, clip.Frames, FramesPerSecond, timings);
    }

    /// <summary>The LLM states and mask (video template, 256 tokens) and the CLIP pooled vector of one prompt.</summary>
    private static TextConditioning EncodeText(HunyuanVideoModelSet models, string prompt)
    {
        var llm = models.Llm.Encode([prompt]);
        var pooled = models.Clip.Encode([prompt]);
        return new TextConditioning(llm.States, llm.Mask, pooled);
    }

    private static void Sync(Device device)
    {
        if (device.type == DeviceType.CUDA)
            cuda.synchronize();
    }

    public ValueTask DisposeAsync()
    {
        _models?.Dispose();
        _models = null;
        return ValueTask.CompletedTask;
    }

    /// <summary>Reports every step and one denoise timing per ProRes stage.</summary>
    private sealed class DenoiseTimer(ProgressiveResolutionPlan plan, Device device, IGenerationObserver observer, Action<string, TimeSpan> completed) : IDenoiseObserver
    {
        private readonly Stopwatch _step = new();
        private readonly Stopwatch _stage = new();
        private int _currentStage = -1;

        public void OnCall(DenoiseCall call)
        {
            if (call.Stage.Index != _currentStage)
            {
                if (_currentStage >= 0)
                    completed(GenerationStages.Denoise(_currentStage), _stage.Elapsed);
                _currentStage = call.Stage.Index;
                _stage.Restart();
            }

            _step.Restart();
        }

        public void OnStepEnd(DenoiseCall call, Tensor latent)
        {
            Sync(device);
            observer.StepCompleted(new DenoiseStepTime(call.Stage.Index, call.Step, plan.Steps, _step.Elapsed));
        }

        public void Finish()
        {
            if (_currentStage >= 0)
                completed(GenerationStages.Denoise(_currentStage), _stage.Elapsed);
        }
    }
}
