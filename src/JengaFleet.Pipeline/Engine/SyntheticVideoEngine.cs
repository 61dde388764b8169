using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using JengaFleet.Jenga.Presets;
using JengaFleet.Jenga.ProRes;
using JengaFleet.Pipeline.Video;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace JengaFleet.Pipeline.Engine;

/// <summary>
/// A PLACEHOLDER engine with no model: it draws a moving test pattern (colour bars and a square whose colours
/// and path come from the seed and the prompt) and encodes it with the real <see cref="Mp4Writer"/> (ffmpeg).
/// It exists so that the fleet — queue, worker, storage, metrics, the embedded demo — runs end to end until the
/// real HunyuanVideo pipeline (hunyuan-tiny on CPU) lands behind <see cref="IVideoGenerationEngine"/>.
/// It behaves like an engine where the fleet can tell: the same validation, the ProRes stage plan of the
/// requested preset (one <c>denoise_s</c> timing per stage, one step report per step), cancellation, and
/// identical bytes for identical requests. Its result records say "placeholder" in the engine field.
/// </summary>
public sealed class SyntheticVideoEngine : IVideoGenerationEngine
{
    public const string DefaultModelName = "synthetic";

    private readonly SyntheticVideoEngineOptions _options;
    private readonly ILogger _logger;
    private bool _loaded;

    public SyntheticVideoEngine(SyntheticVideoEngineOptions? options = null, ILogger<SyntheticVideoEngine>? logger = null)
    {
        _options = options ?? new SyntheticVideoEngineOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Info = new EngineInfo(_options.ModelName, "synthetic-test-pattern (placeholder: draws test frames, runs no model)", "cpu", "cpu", IsPlaceholder: true);
    }

    public EngineInfo Info { get; }

    public EngineLimits Limits => _options.Limits;

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        _logger.LogWarning("Engine {Engine} serves model {Model}: a placeholder that draws test-pattern videos without any model; results are not generated videos", Info.Description, Info.Model);
        if (_options.LoadDelay > TimeSpan.Zero)
            await Task.Delay(_options.LoadDelay, cancellationToken);
        _loaded = true;
    }

    public RequestValidation Validate(GenerationRequest request) => GenerationRequestValidator.Validate(request, Info.Model, Limits);

    public async Task<GeneratedVideo> GenerateAsync(GenerationRequest request, string outputPath, IGenerationObserver observer, CancellationToken cancellationToken)
    {
        if (!_loaded)
            throw new InvalidOperationException("LoadAsync must complete before the first generation");
        var validation = Validate(request);
        if (!validation.IsValid)
            throw new ArgumentException($"invalid request ({validation.Reason}): {validation.Message}", nameof(request));

        var timings = new List<StageTime>();
        void Completed(string stage, Stopwatch watch)
        {
            var time = new StageTime(stage, watch.Elapsed);
            timings.Add(time);
            observer.StageCompleted(time);
        }

        // text_encode: the prompt becomes two colours (a stand-in for text embeddings).
        var watch = Stopwatch.StartNew();
        var promptHash = SHA256.HashData(Encoding.UTF8.GetBytes(request.Prompt + "\u0000" + (request.NegativePrompt ?? "")));
        Completed(GenerationStages.TextEncode, watch);

        // denoise: walk the preset's real stage plan; each step moves a tiny "latent" (the pattern's parameters).
        var preset = JengaPresets.ByName(request.Preset);
        var plan = ProgressiveResolutionPlan.Create(new VideoRequestGeometry(request.Height, request.Width, request.Frames), preset, request.Steps);
        var random = new SplitMix64((ulong)request.Seed);
        var latent = new double[8];
        for (var i = 0; i < latent.Length; i++)
            latent[i] = random.NextDouble();
        var stageIndex = 0;
        watch.Restart();
        foreach (var call in plan.Calls)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stepWatch = Stopwatch.StartNew();
            var t = call.Timestep / 1000.0;
            for (var i = 0; i < latent.Length; i++)
                latent[i] = latent[i] * (1 - 0.1 * (1 - t)) + 0.1 * (1 - t) * (promptHash[i] / 255.0); // pulls toward the prompt colours as t falls
            if (_options.StepDelay > TimeSpan.Zero)
                await Task.Delay(_options.StepDelay, cancellationToken);
            observer.StepCompleted(new DenoiseStepTime(call.Stage.Index, call.Step, plan.Steps, stepWatch.Elapsed));
            if (call.After != StageTransition.None || call.Step == plan.Steps - 1)
            {
                Completed(GenerationStages.Denoise(stageIndex), watch);
                stageIndex++;
                watch.Restart();
            }
        }

        // vae_decode: draw the frames.
        watch.Restart();
        var clip = TestPattern.Draw(request.Width, request.Height, request.Frames, _options.FramesPerSecond, latent, request.Seed);
        Completed(GenerationStages.VaeDecode, watch);

        cancellationToken.ThrowIfCancellationRequested();
        watch.Restart();
        await Mp4Writer.WriteAsync(clip, outputPath, cancellationToken);
        Completed(GenerationStages.VideoEncode, watch);

        return new GeneratedVideo(outputPath, request.Width, request.Height, request.Frames, _options.FramesPerSecond, timings);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>splitmix64: a fixed, documented generator, so the pattern of a seed never changes with the runtime.</summary>
    private struct SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        public double NextDouble()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (z >> 11) * (1.0 / (1UL << 53));
        }
    }

    /// <summary>Colour bars that scroll and a square that travels across the frame.</summary>
    private static class TestPattern
    {
        private static readonly (byte R, byte G, byte B)[] Bars =
            [(192, 192, 192), (192, 192, 0), (0, 192, 192), (0, 192, 0), (192, 0, 192), (192, 0, 0), (0, 0, 192)];

        public static VideoClip Draw(int width, int height, int frames, double fps, double[] latent, long seed)
        {
            var rgb = new byte[(long)frames * height * width * 3];
            var square = Math.Max(4, Math.Min(width, height) / 4);
            var colour = ((byte)(latent[0] * 255), (byte)(latent[1] * 255), (byte)(latent[2] * 255));
            var startX = latent[3] * (width - square);
            var startY = latent[4] * (height - square);
            var speedX = (latent[5] - 0.5) * width / 8.0;
            var speedY = (latent[6] - 0.5) * height / 8.0;
            var scroll = (int)(seed % 7);
            for (var f = 0; f < frames; f++)
            {
                var x0 = (int)Bounce(startX + speedX * f, width - square);
                var y0 = (int)Bounce(startY + speedY * f, height - square);
                for (var y = 0; y < height; y++)
                for (var x = 0; x < width; x++)
                {
                    var inSquare = x >= x0 && x < x0 + square && y >= y0 && y < y0 + square;
                    var bar = Bars[((x * Bars.Length / width) + scroll + f) % Bars.Length];
                    var (r, g, b) = inSquare ? colour : bar;
                    var o = (((long)f * height + y) * width + x) * 3;
                    rgb[o] = r;
                    rgb[o + 1] = g;
                    rgb[o + 2] = b;
                }
            }

            return new VideoClip(frames, height, width, rgb, fps);
        }

        /// <summary>Position moving back and forth in [0, max].</summary>
        private static double Bounce(double p, double max)
        {
            if (max <= 0)
                return 0;
            var period = 2 * max;
            var m = ((p % period) + period) % period;
            return m <= max ? m : period - m;
        }
    }
}
