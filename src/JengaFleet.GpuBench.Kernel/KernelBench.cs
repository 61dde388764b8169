using JengaFleet.Jenga.Attention;
using JengaFleet.Jenga.Blocks;
using JengaFleet.Jenga.Carving;
using JengaFleet.Jenga.Cuda;
using JengaFleet.Jenga.Curves;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.GpuBench.Kernel;

/// <summary>
/// Speed on the HunyuanVideo 720p attention shape [1, 24, 115200 + 256, D]: dense SDPA, the kernel at
/// kept fractions 10–50 % (TFLOP/s counting only kept block pairs), the gather backend at one fraction,
/// and the block selection (selector + list building) against the attention it feeds.
/// </summary>
internal static class KernelBench
{
    private const int Heads = 24;
    private const int ConditionTokens = 256;
    private static readonly TokenGrid Grid = new(32, 45, 80);

    public static void Run(IReadOnlyList<(string Label, CudaBlockSparseAttention Backend)> backends, bool quick, TextWriter log)
    {
        var table = new List<string>();
        void Row(string line)
        {
            table.Add(line);
            log.WriteLine(line);
            log.Flush();
            Console.WriteLine(line);
        }

        var layout = new BlockLayout(Grid.TokenCount, ConditionTokens);
        var call = new AttentionCall(layout, [ConditionTokens], new CarvingSettings(1, 0, null, 0.4312));
        var fractions = quick ? new[] { 0.25 } : new[] { 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 1.0 };
        var reps = quick ? 3 : 5;
        var best = backends[0].Backend;
        var bestTflops = 0.0;

        foreach (var dim in new[] { 128, 64 })
        {
            using var scope = NewDisposeScope();
            manual_seed(3);
            var shape = new long[] { 1, Heads, layout.SequenceLength, dim };
            var q = Gpu.Random(shape, ScalarType.BFloat16);
            var k = Gpu.Random(shape, ScalarType.BFloat16);
            var v = Gpu.Random(shape, ScalarType.BFloat16);

            var denseFlops = 4.0 * Heads * (double)layout.SequenceLength * layout.SequenceLength * dim;
            var denseMs = Gpu.MedianMs(() => nn.functional.scaled_dot_product_attention(q, k, v), 1, reps);
            var denseTflops = denseFlops / denseMs / 1e9;
            Row($"| D={dim} | dense SDPA (TorchSharp) | 100% | {denseMs:F2} | {denseTflops:F0} | 100% |");

            foreach (var (label, backend) in backends)
            {
                if (!backend.Kernels.Variants.Any(x => x.HeadDim == dim))
                    continue;
                foreach (var fraction in fractions)
                {
                    using var inner = NewDisposeScope();
                    var mask = Masks.Random(1, Heads, layout.VideoBlocks, layout.ConditionBlocks, fraction);
                    var flops = Masks.KeptFlops(mask, dim);
                    var kept = Masks.VideoFraction(mask, layout.VideoBlocks);
                    using var lists = backend.BuildLists(mask);
                    var order = backend.RowOrder(lists);
                    var keyValid = CudaBlockSparseAttention.KeyValidLengths(call, q);
                    var output = empty(q.shape, q.dtype, q.device);
                    var ms = Gpu.MedianMs(() => backend.LaunchKernelOnly(q, k, v, call, lists, order, keyValid, output), 1, reps);
                    var tflops = flops / ms / 1e9;
                    Row($"| D={dim} | kernel {label} {backend.Kernels.Variants.First(x => x.HeadDim == dim).Shape} | {kept:P1} | {ms:F2} | {tflops:F0} | {tflops / denseTflops:P0} |");
                    if (dim == 128 && Math.Abs(fraction - 0.25) < 1e-9 && tflops > bestTflops)
                        (bestTflops, best) = (tflops, backend);
                }
            }

            // CTA order: the default against the other one (longest lists first, or plain row order, which keeps one
            // head's rows together so that they share K/V blocks in L2).
            if (dim == 128)
            {
                var standard = backends[0].Backend;
                var other = new CudaBlockSparseAttention(standard.Kernels) { LongestRowsFirst = !standard.LongestRowsFirst };
                foreach (var fraction in quick ? new[] { 0.25 } : new[] { 0.2, 0.25, 0.3 })
                {
                    using var inner = NewDisposeScope();
                    var mask = Masks.Random(1, Heads, layout.VideoBlocks, layout.ConditionBlocks, fraction);
                    using var lists = other.BuildLists(mask);
                    var order = other.RowOrder(lists);
                    var keyValid = CudaBlockSparseAttention.KeyValidLengths(call, q);
                    var output = empty(q.shape, q.dtype, q.device);
                    var ms = Gpu.MedianMs(() => other.LaunchKernelOnly(q, k, v, call, lists, order, keyValid, output), 1, reps);
                    var tflops = Masks.KeptFlops(mask, dim) / ms / 1e9;
                    var label = other.LongestRowsFirst ? "longest lists first" : "plain row order";
                    Row($"| D={dim} | kernel default {other.Kernels.Variants.First(x => x.HeadDim == dim).Shape}, {label} | {Masks.VideoFraction(mask, layout.VideoBlocks):P1} | {ms:F2} | {tflops:F0} | {tflops / denseTflops:P0} |");
                }
            }
        }

        // The rest uses the variant that was fastest at 25 % kept (D = 128).
        Row($"| D=128 | fastest kernel variant at 25 % kept: {best.ShapeLabel} (used below) | | | {bestTflops:F0} | |");

        // Whole carved call (lists, order, kernel, text rows) vs the gather backend at one fraction; D = 128.
        {
            using var scope = NewDisposeScope();
            manual_seed(4);
            var shape = new long[] { 1, Heads, layout.SequenceLength, 128 };
            var q = Gpu.Random(shape, ScalarType.BFloat16);
            var k = Gpu.Random(shape, ScalarType.BFloat16);
            var v = Gpu.Random(shape, ScalarType.BFloat16);
            var mask = Masks.Random(1, Heads, layout.VideoBlocks, layout.ConditionBlocks, 0.2);
            var kept = Masks.VideoFraction(mask, layout.VideoBlocks);
            var flops = Masks.KeptFlops(mask, 128);
            var backend = best;
            var fullMs = Gpu.MedianMs(() => backend.AttendMasked(q, k, v, call, mask), 1, reps);
            Row($"| D=128 | whole carved call, CUDA (lists + kernel + text rows) | {kept:P1} | {fullMs:F2} | {flops / fullMs / 1e9:F0} | |");
            var textMs = Gpu.MedianMs(() => nn.functional.scaled_dot_product_attention(q.narrow(2, layout.VideoTokens, layout.ConditionTokens), k, v), 1, reps);
            Row($"| D=128 | of which: text rows alone, SDPA of {ConditionTokens} queries over all keys | | {textMs:F2} | | |");
            var gather = new BlockSparseAttention();
            var gatherMs = Gpu.MedianMs(() => gather.AttendMasked(q, k, v, call, mask), 1, quick ? 1 : 2);
            Row($"| D=128 | whole carved call, TorchSharp gather backend | {kept:P1} | {gatherMs:F2} | {flops / gatherMs / 1e9:F0} | |");
        }

        // Selection cost with the real selector at Turbo's full-resolution setting (drop 0.8 -> top_k 179, p = 0.3) on random q/k.
        {
            using var scope = NewDisposeScope();
            manual_seed(5);
            var shape = new long[] { 1, Heads, layout.SequenceLength, 128 };
            var q = Gpu.Random(shape, ScalarType.BFloat16);
            var k = Gpu.Random(shape, ScalarType.BFloat16);
            var v = Gpu.Random(shape, ScalarType.BFloat16);
            var adjacency = BlockAdjacency.For(CurvePermutation.For(Grid, CurveKind.Gilbert));
            var settings = new CarvingSettings(TopKRule.FromDropRate(0.8, layout.VideoBlocks), 0.3, adjacency, 0);
            var carved = new AttentionCall(layout, [ConditionTokens], settings);
            var backend = best;

            var selectMs = Gpu.MedianMs(() => BlockImportanceSelector.Select(q, k, layout, settings).Dispose(), 1, reps);
            using var selection = BlockImportanceSelector.Select(q, k, layout, settings);
            var listMs = Gpu.MedianMs(() =>
            {
                using var lists = backend.BuildLists(selection.Mask);
                backend.RowOrder(lists);
            }, 1, reps);
            var kept = Masks.VideoFraction(selection.Mask, layout.VideoBlocks);
            var attendMs = Gpu.MedianMs(() => backend.AttendMasked(q, k, v, carved, selection.Mask), 1, reps);
            var totalMs = Gpu.MedianMs(() => backend.Attend(q, k, v, carved), 1, reps);
            // The same two steps in one timed body: tells a cost of running them back to back from the selection's own.
            var sequenceMs = Gpu.MedianMs(() =>
            {
                using var fresh = BlockImportanceSelector.Select(q, k, layout, settings);
                backend.AttendMasked(q, k, v, carved, fresh.Mask);
            }, 1, reps);
            var totalAgainMs = Gpu.MedianMs(() => backend.Attend(q, k, v, carved), 1, reps);
            var attendAgainMs = Gpu.MedianMs(() => backend.AttendMasked(q, k, v, carved, selection.Mask), 1, reps);
            Row($"| D=128 | selection: BlockImportanceSelector.Select (Turbo drop 0.8, p 0.3) | {kept:P1} | {selectMs:F2} | | {selectMs / totalMs:P1} of the whole call |");
            Row($"| D=128 | selection: GPU list building + row order | {kept:P1} | {listMs:F2} | | {listMs / totalMs:P1} of the whole call |");
            Row($"| D=128 | carved call on that mask (lists + kernel + text rows) | {kept:P1} | {attendMs:F2} | {Masks.KeptFlops(selection.Mask, 128) / attendMs / 1e9:F0} | |");
            Row($"| D=128 | whole carved call incl. selection (backend.Attend) | {kept:P1} | {totalMs:F2} | | |");
            Row($"| D=128 | Select then AttendMasked in one timed body | {kept:P1} | {sequenceMs:F2} | | |");
            Row($"| D=128 | again: backend.Attend / AttendMasked on the fixed mask | {kept:P1} | {totalAgainMs:F2} / {attendAgainMs:F2} | | |");
        }

        foreach (var line in HeadNormRopeCheck.Bench(reps))
            Row(line);

        foreach (var line in ModulationCheck.Bench(reps))
            Row(line);

        foreach (var (label, backend) in backends)
            Row($"| | {label} {backend.ShapeLabel}: calls handed to the gather fallback = {backend.FallbackCalls} | | | | |");

        Console.WriteLine();
        Console.WriteLine("| head dim | what | kept video blocks | ms (median) | TFLOP/s (kept pairs) | vs dense SDPA |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var line in table)
            Console.WriteLine(line);
    }
}
