using System.Diagnostics;
using System.Globalization;
using JengaFleet.Jenga.Attention;
using JengaFleet.Jenga.Blocks;
using JengaFleet.Jenga.Carving;
using JengaFleet.Jenga.Curves;
using JengaFleet.Jenga.Presets;
using JengaFleet.Jenga.ProRes;
using JengaFleet.Models.HunyuanVideo.Transformer;
using JengaFleet.Models.HunyuanVideo.Transformer.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.GpuBench;

/// <summary>
/// <c>jenga-gpubench transformer [--tiny] [--chunk-mb N] [--p P] [--presets]</c>: the full-size HunyuanVideo
/// transformer with random bf16 weights on CUDA, one warm-up step, then one timed step per setting (dense 720p,
/// carved 720p at Turbo's full-resolution drop, carved on Turbo's 0.75 grid). <c>--presets</c> instead times every
/// stage of dense, base, turbo and flash at 720x1280x125 and projects each preset's 50-step transformer time from
/// its computed calls per stage. Carved attention uses the CUDA kernel where it loads (JENGA_ATTENTION_BACKEND=gather
/// forces the plain TorchSharp backend). <c>--tiny</c> runs a tiny model on small grids (CPU smoke test).
/// </summary>
internal static class Program
{
    /// <param name="UnfusedQk">Prepare q/k with the TorchSharp formulas instead of the fused kernel (the previous version, for comparison).</param>
    /// <param name="UnfusedAdaLn">Modulated LayerNorm and gated residuals as TorchSharp formulas instead of the fused kernels (the previous version).</param>
    private sealed record Phase(string Name, TokenGrid Grid, double DropRate, double TextAmp, double? KeepProbability = null, bool UnfusedQk = false, bool UnfusedAdaLn = false);

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] != "transformer")
        {
            Console.Error.WriteLine("usage: jenga-gpubench transformer [--tiny] [--chunk-mb N] [--p P] [--valid-text N]");
            return 2;
        }

        var tiny = args.Contains("--tiny");
        var chunkMiB = Option(args, "--chunk-mb", 2048);
        var p = Option(args, "--p", 0.3);
        var validText = (int)Option(args, "--valid-text", 77);

        var cudaAvailable = !tiny && InitCuda();
        var device = cudaAvailable ? CUDA : CPU;
        var dtype = cudaAvailable ? ScalarType.BFloat16 : ScalarType.Float32;
        var config = tiny
            ? new HunyuanVideoTransformerConfig { HiddenSize = 64, HeadsNum = 2, DoubleBlocks = 2, SingleBlocks = 2, RopeDims = [8, 12, 12], TextStatesDim = 64, TextStatesDim2 = 32 }
            : HunyuanVideoTransformerConfig.T2V720p;
        var presetRun = args.Contains("--presets");
        Phase[] phases = presetRun
            ? PresetPhases(tiny)
            : tiny
            ? [new("carved 0.75 grid", new TokenGrid(4, 12, 24), 0.7, 0.4312), new("carved full grid", new TokenGrid(4, 16, 32), 0.8, 0), new("dense full grid", new TokenGrid(4, 16, 32), 0, 0)]
            // Turbo: stage 1 at 0.75 (drop 0.7, text_amp 0.4312), stage 2 at full size (drop 0.8 -> top_k 179).
            : [new("carved 0.75 grid (Turbo stage 1)", new TokenGrid(32, 33, 60), 0.7, 0.431248), new("carved 720p (Turbo stage 2)", new TokenGrid(32, 45, 80), 0.8, 0), new("dense 720p", new TokenGrid(32, 45, 80), 0, 0),
               new("carved 720p (Turbo stage 2), q/k norm + RoPE unfused (previous version)", new TokenGrid(32, 45, 80), 0.8, 0, UnfusedQk: true),
               new("carved 720p (Turbo stage 2), adaLN modulation + gated residual unfused (previous version)", new TokenGrid(32, 45, 80), 0.8, 0, UnfusedAdaLn: true)];

        Console.WriteLine($"device {device.type}, dtype {dtype}, config hidden {config.HiddenSize} heads {config.HeadsNum} blocks {config.DoubleBlocks}+{config.SingleBlocks}, p {p}, chunk budget {chunkMiB} MiB, valid text {validText}/256");
        using var memory = new GpuMemorySampler();
        manual_seed(0);
        if (cudaAvailable)
            cuda.manual_seed_all(0);

        var build = Stopwatch.StartNew();
        using var model = new HunyuanVideoTransformer(config, new ParameterPlacement(device, dtype));
        foreach (var parameter in model.parameters())
            parameter.requires_grad = false;
        Sync(device);
        var parameters = model.parameters().Sum(t => t.numel());
        Console.WriteLine($"built {parameters:N0} parameters in {build.Elapsed.TotalSeconds:F1} s; GPU memory in use {(memory.Available ? memory.PeakMiB() + " MiB" : "n/a")}");

        var mask = zeros([1, 256], ScalarType.Byte, device);
        mask.narrow(1, 0, validText).fill_(1);
        var text = new TextConditioning(randn([1, 256, config.TextStatesDim], dtype, device), mask, randn([1, config.TextStatesDim2], dtype, device));
        var timestep = tensor(new[] { 900f }, device: device);
        var guidance = tensor(new[] { 6016f }, device: device);
        var backend = cudaAvailable ? JengaFleet.Jenga.Cuda.AttentionBackendFactory.Create(device, Console.WriteLine).Backend : new BlockSparseAttention(chunkMiB << 20);
        var timed = new TimedAttention(backend, device);

        (double Seconds, double Attention, double Kept) Step(Phase phase)
        {
            using var scope = NewDisposeScope();
            var latent = randn([1, config.InChannels, phase.Grid.T, phase.Grid.H * 2, phase.Grid.W * 2], dtype, device);
            var curve = CurvePermutation.For(phase.Grid, CurveKind.Gilbert);
            var statistics = new CarvingStatistics();
            CarvingSettings? carving = phase.DropRate == 0
                ? null
                : new CarvingSettings(TopKRule.FromDropRate(phase.DropRate, BlockLayout.BlocksFor(phase.Grid.TokenCount)), phase.KeepProbability ?? p, BlockAdjacency.For(curve), phase.TextAmp);
            timed.Reset();
            QkNormRope.UseFusedKernel = !phase.UnfusedQk;
            AdaLn.UseFusedKernel = !phase.UnfusedAdaLn;
            Sync(device);
            var watch = Stopwatch.StartNew();
            using var velocity = model.Forward(latent, timestep, text, guidance, new TransformerCallContext(timed, curve, carving, Statistics: statistics));
            Sync(device);
            var seconds = watch.Elapsed.TotalSeconds;
            if (!velocity.isfinite().all().item<bool>())
                throw new InvalidOperationException($"{phase.Name}: velocity has non-finite values");
            return (seconds, timed.Elapsed.TotalSeconds, carving is null ? 1.0 : statistics.KeptFraction);
        }

        var warm = Step(phases[0]);
        Console.WriteLine($"warm-up ({phases[0].Name}): {warm.Seconds:F2} s");

        var rows = new List<string>();
        var seconds = new Dictionary<Phase, double>();
        foreach (var phase in phases)
        {
            memory.Reset();
            var (stepSeconds, attention, kept) = Step(phase);
            seconds[phase] = stepSeconds;
            var peak = memory.Available ? memory.PeakMiB() / 1024.0 : double.NaN;
            var topK = phase.DropRate == 0 ? "-" : TopKRule.FromDropRate(phase.DropRate, BlockLayout.BlocksFor(phase.Grid.TokenCount)).ToString(CultureInfo.InvariantCulture);
            var row = $"| {phase.Name} | {phase.Grid} ({phase.Grid.TokenCount:N0} + 256) | {phase.DropRate:0.##} | {topK} | {kept:P1} | {stepSeconds:F2} | {attention:F2} ({attention / stepSeconds:P0}) | {peak:F1} |";
            Console.WriteLine(row);
            rows.Add(row);
        }

        Console.WriteLine();
        Console.WriteLine("| setting | token grid | drop | top_k | kept video key blocks | s / step | attention s (share) | peak GPU memory GiB (nvidia-smi) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        rows.ForEach(Console.WriteLine);
        if (presetRun && !tiny)
            PrintProjection(seconds);
        return 0;
    }

    /// <summary>Every distinct stage setting of dense, base, turbo and flash at 720x1280x125.</summary>
    private static Phase[] PresetPhases(bool tiny)
    {
        var geometry = tiny ? new VideoRequestGeometry(128, 256, 13) : new VideoRequestGeometry(720, 1280, 125);
        return new[] { "dense", "base", "turbo", "flash" }
            .SelectMany(name => StagePhases(name, ProgressiveResolutionPlan.Create(geometry, JengaPresets.ByName(name))))
            .DistinctBy(p => (p.Grid, p.DropRate, p.TextAmp, p.KeepProbability))
            .ToArray();
    }

    private static IEnumerable<Phase> StagePhases(string preset, ProgressiveResolutionPlan plan) =>
        plan.Stages.Select(stage =>
        {
            var call = plan.Calls.First(c => c.Stage.Index == stage.Index);
            return new Phase($"{preset} stage {stage.Index}", stage.Grid, stage.DropRate, call.TextAmp, plan.Preset.KeepProbability);
        });

    /// <summary>50-step transformer time per preset: each stage's computed calls times its measured step (skipped calls ~0).</summary>
    private static void PrintProjection(Dictionary<Phase, double> seconds)
    {
        Console.WriteLine();
        Console.WriteLine("| preset | computed calls per stage | projected transformer s (50 steps) | vs dense |");
        Console.WriteLine("|---|---|---|---|");
        double? dense = null;
        foreach (var name in new[] { "dense", "base", "turbo", "flash" })
        {
            var plan = ProgressiveResolutionPlan.Create(new VideoRequestGeometry(720, 1280, 125), JengaPresets.ByName(name));
            var perStage = plan.Stages.Select(stage =>
            {
                var call = plan.Calls.First(c => c.Stage.Index == stage.Index);
                var phase = seconds.Keys.First(p => p.Grid == stage.Grid && p.DropRate == stage.DropRate && p.TextAmp == call.TextAmp && p.KeepProbability == plan.Preset.KeepProbability);
                return (Calls: plan.Calls.Count(c => c.Stage.Index == stage.Index && c.ComputeBlocks), Seconds: seconds[phase]);
            }).ToList();
            var total = perStage.Sum(s => s.Calls * s.Seconds);
            dense ??= total;
            Console.WriteLine($"| {name} | {string.Join(" + ", perStage.Select(s => $"{s.Calls} x {s.Seconds:F2} s"))} | {total:F0} | {dense / total:F2}x |");
        }
    }

    private static bool InitCuda()
    {
        try
        {
            InitializeDeviceType(DeviceType.CUDA);
            return cuda.is_available();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"CUDA unavailable ({e.Message}); running on the CPU");
            return false;
        }
    }

    private static void Sync(Device device)
    {
        if (device.type == DeviceType.CUDA)
            cuda.synchronize();
    }

    private static double Option(string[] args, string name, double fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static long Option(string[] args, string name, long fallback) => (long)Option(args, name, (double)fallback);
}
