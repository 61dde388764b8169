using System.CommandLine;
using System.Diagnostics;
using JengaFleet.Jenga.Attention;
using JengaFleet.Jenga.Blocks;
using JengaFleet.Jenga.Carving;
using JengaFleet.Jenga.Curves;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Cli.Commands;

/// <summary>
/// <c>jenga bench carving</c>: the plain-TorchSharp block-sparse backend against dense attention on the
/// same inputs, at several kept fractions. Kept blocks per query block are fixed by the top-k floor
/// (p = 0, no adjacency), so the fraction is exact. Memory is the process's peak resident set during
/// the call, measured with /proc/self (peak reset before every call).
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var grid = new Option<string>("--grid") { Description = "Token grid TxHxW of the video part", DefaultValueFactory = _ => "16x16x32" };
        var heads = new Option<int>("--heads") { Description = "Attention heads", DefaultValueFactory = _ => 4 };
        var dim = new Option<int>("--head-dim") { Description = "Head dimension", DefaultValueFactory = _ => 64 };
        var text = new Option<int>("--text") { Description = "Condition (text) tokens", DefaultValueFactory = _ => 256 };
        var keep = new Option<string>("--keep") { Description = "Kept fractions of video key blocks, comma separated", DefaultValueFactory = _ => "0.05,0.1,0.2,0.3,0.5,1.0" };
        var repeats = new Option<int>("--repeats") { Description = "Timed repetitions per setting (median reported)", DefaultValueFactory = _ => 3 };
        var budget = new Option<long>("--chunk-mb") { Description = "Chunk budget of the block-sparse backend in MiB", DefaultValueFactory = _ => 4096 };
        var carving = new Command("carving", "CPU benchmark: block-sparse (gather) attention vs dense attention at several kept fractions.")
        {
            grid, heads, dim, text, keep, repeats, budget,
        };
        carving.SetAction(parse => Run(
            ParseGrid(parse.GetValue(grid)!),
            parse.GetValue(heads),
            parse.GetValue(dim),
            parse.GetValue(text),
            parse.GetValue(keep)!.Split(',').Select(double.Parse).ToArray(),
            parse.GetValue(repeats),
            parse.GetValue(budget) << 20));
        var curves = new Command("curves", "Time to build each production grid's curve (both directions) and block adjacency, uncached.");
        curves.SetAction(_ => RunCurves());
        return new Command("bench", "Benchmarks measured in this repository.") { carving, curves, BenchEnqueueCommand.Create() };
    }

    private static int RunCurves()
    {
        (string Name, TokenGrid Grid, CurveKind Kind)[] grids =
        [
            ("HunyuanVideo 720p", new TokenGrid(32, 45, 80), CurveKind.Gilbert),
            ("HunyuanVideo 720p x0.75", new TokenGrid(32, 33, 60), CurveKind.Gilbert),
            ("HunyuanVideo 720p x0.5", new TokenGrid(32, 22, 40), CurveKind.Gilbert),
            ("Wan 1280x720", new TokenGrid(21, 45, 80), CurveKind.SlicedGilbert),
            ("Wan 832x480", new TokenGrid(21, 30, 52), CurveKind.SlicedGilbert),
        ];
        var table = new Table().AddColumns("grid", "curve", "tokens", "curve ms", "curve + inverse + adjacency ms (cached path)");
        foreach (var (name, grid, kind) in grids)
        {
            var watch = Stopwatch.StartNew();
            var order = kind == CurveKind.Gilbert ? GilbertCurve.Order(grid.W, grid.H, grid.T) : SlicedGilbertCurve.Order(grid.T, grid.H, grid.W);
            var curveMs = watch.Elapsed.TotalMilliseconds;
            // The cached path builds the inverse and the adjacency on first use of a grid.
            watch.Restart();
            var adjacency = BlockAdjacency.For(CurvePermutation.For(grid, kind));
            var cachedMs = watch.Elapsed.TotalMilliseconds;
            table.AddRow($"{name} {grid}", kind.ToString(), order.Length.ToString("N0"), curveMs.ToString("0.0"), $"{cachedMs:0.0} ({adjacency.Blocks} blocks)");
        }

        AnsiConsole.Write(table);
        return 0;
    }

    private static TokenGrid ParseGrid(string text)
    {
        var parts = text.Split('x').Select(int.Parse).ToArray();
        return parts.Length == 3 ? new TokenGrid(parts[0], parts[1], parts[2]) : throw new ArgumentException($"grid must be TxHxW, got '{text}'");
    }

    private static int Run(TokenGrid grid, int heads, int dim, int textTokens, double[] keptFractions, int repeats, long chunkBudget)
    {
        var layout = new BlockLayout(grid.TokenCount, textTokens);
        AnsiConsole.MarkupLineInterpolated($"[bold]carving benchmark[/]: grid {grid} = {layout.VideoTokens} video + {textTokens} text tokens, {heads} heads x {dim}, float32, {Environment.ProcessorCount} cores, torch threads {get_num_threads()}");

        manual_seed(1);
        using var q = randn(1, heads, layout.SequenceLength, dim);
        using var k = randn(1, heads, layout.SequenceLength, dim);
        using var v = randn(1, heads, layout.SequenceLength, dim);
        var dense = new AttentionCall(layout, [textTokens]);
        var backend = new BlockSparseAttention(chunkBudget);
        Measure(backend, q, k, v, dense); // warm-up

        var (denseSeconds, denseMemory) = Measure(backend, q, k, v, dense, repeats);
        var table = new Table().AddColumns("kept video blocks", "mean kept / query block", "block-sparse s", "vs dense", "peak RSS MiB");
        table.AddRow("dense (SDPA)", layout.VideoBlocks.ToString(), denseSeconds.ToString("0.000"), "1.00x", (denseMemory / 1048576.0).ToString("0"));

        AnsiConsole.Progress().Start(progress =>
        {
            var task = progress.AddTask("kept fractions", maxValue: keptFractions.Length);
            foreach (var fraction in keptFractions)
            {
                var topK = Math.Max(1, (int)Math.Round(fraction * layout.VideoBlocks));
                var stats = new CarvingStatistics();
                var call = new AttentionCall(layout, [textTokens], new CarvingSettings(topK, 0.0), stats);
                var (seconds, memory) = Measure(backend, q, k, v, call, repeats);
                table.AddRow(
                    $"{stats.KeptFraction:P0}",
                    stats.MeanKeptBlocks.ToString("0.0"),
                    seconds.ToString("0.000"),
                    $"{seconds / denseSeconds:0.00}x",
                    (memory / 1048576.0).ToString("0"));
                task.Increment(1);
            }
        });

        AnsiConsole.Write(table);
        return 0;
    }

    private static (double Seconds, long PeakBytes) Measure(IAttentionBackend backend, Tensor q, Tensor k, Tensor v, AttentionCall call, int repeats = 1)
    {
        var times = new List<double>();
        long peak = 0;
        for (var i = 0; i < repeats; i++)
        {
            ResetPeakResidentSet();
            var baseline = ResidentBytes("VmRSS");
            var watch = Stopwatch.StartNew();
            using (var scope = NewDisposeScope())
                backend.Attend(q, k, v, call);
            times.Add(watch.Elapsed.TotalSeconds);
            peak = Math.Max(peak, ResidentBytes("VmHWM") - baseline);
        }

        times.Sort();
        return (times[times.Count / 2], peak);
    }

    /// <summary>Linux: writing 5 to clear_refs resets the peak resident set size (VmHWM).</summary>
    private static void ResetPeakResidentSet()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static long ResidentBytes(string field)
    {
        if (!File.Exists("/proc/self/status"))
            return 0;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }
}
