using JengaFleet.Jenga.Attention;
using JengaFleet.Jenga.Blocks;
using JengaFleet.Jenga.Carving;
using JengaFleet.Jenga.Cuda;
using JengaFleet.Jenga.Curves;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.GpuBench.Kernel;

/// <summary>
/// Correctness of the CUDA kernel against the float64 dense masked reference on the same 16-bit inputs:
/// ‖out − ref‖/‖ref‖ under 1e-2 on video and condition rows, no NaN, every element written (the output
/// is poisoned with NaN first), GPU-built block lists equal to the tensor-op lists.
/// </summary>
internal static class KernelCheck
{
    private const double Tolerance = 1e-2;

    private enum MaskKind { Selector, Mixed, Random30 }

    private sealed record Case(string Name, int Batch, int Heads, int HeadDim, int VideoTokens, TokenGrid? Grid, int Condition, long[]? Valid, double TextAmp, MaskKind Mask, ScalarType Type, bool TokenMajor = false);

    private static IEnumerable<Case> Cases()
    {
        // Selection by the real selector (top-p with top-k floor, adjacency, condition blocks), aligned HunyuanVideo-like layout.
        yield return new("hunyuan-selector", 1, 2, 128, 0, new TokenGrid(3, 4, 64), 256, [77], 0.4312, MaskKind.Selector, ScalarType.BFloat16);
        // Partial last video block, partial condition block, two samples with their own valid lengths, negative amp.
        yield return new("padded-batch2-d64", 2, 3, 64, 0, new TokenGrid(3, 10, 10), 200, [200, 57], -0.5, MaskKind.Selector, ScalarType.BFloat16);
        // Wan-like: no condition tokens, partial last block.
        yield return new("no-condition-d128", 1, 2, 128, 0, new TokenGrid(5, 10, 10), 0, null, 0, MaskKind.Selector, ScalarType.BFloat16);
        // Hand-made rows: diagonal only (empty beyond it), full rows and random rows; Flash's 0.5-grid amp.
        yield return new("mixed-rows-d128", 2, 2, 128, 1000, null, 256, [256, 13], 1.0162, MaskKind.Mixed, ScalarType.BFloat16);
        yield return new("mixed-rows-d64", 2, 2, 64, 1000, null, 256, [100, 256], 1.0162, MaskKind.Mixed, ScalarType.BFloat16);
        yield return new("mixed-rows-fp16", 1, 3, 128, 777, null, 130, [129], 0.4312, MaskKind.Mixed, ScalarType.Float16);
        // q/k/v as strided views of a [B, L, H, D] tensor (no copy on the way in).
        yield return new("token-major-views", 1, 4, 128, 2560, null, 256, [200], 0.4312, MaskKind.Random30, ScalarType.BFloat16, TokenMajor: true);
        yield return new("random30-long", 1, 4, 128, 4096, null, 256, [256], 0, MaskKind.Random30, ScalarType.BFloat16);
    }

    public static bool Run(IReadOnlyList<(string Label, CudaBlockSparseAttention Backend)> backends, TextWriter log)
    {
        var allPassed = true;
        var rows = new List<string>();
        var seed = 1000;
        foreach (var c in Cases())
        {
            foreach (var (label, backend) in backends)
            {
                var variant = backend.Kernels.Variants.FirstOrDefault(v => v.HeadDim == c.HeadDim && v.Fp16 == (c.Type == ScalarType.Float16));
                if (variant is null)
                    continue;
                var variantName = $"d{c.HeadDim} {variant.Shape}";
                using var scope = NewDisposeScope();
                manual_seed(seed++);
                var result = RunCase(c, backend);
                allPassed &= result.Passed;
                var line = $"| {c.Name} | {label} {variantName} | {c.Type} | {result.Video:E2} | {result.Condition:E2} | {result.FullPath:E2} | {result.NaN} | {result.ListsEqual} | {(result.Passed ? "PASS" : "FAIL")} |";
                rows.Add(line);
                log.WriteLine(line);
                log.Flush();
            }
        }

        Console.WriteLine();
        Console.WriteLine("| case | backend | dtype | rel err video rows | rel err condition rows | rel err full path (selector inside) | NaN or unwritten | lists equal | result |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var row in rows)
            Console.WriteLine(row);
        // The public path must have run the kernel, never the gather fallback.
        foreach (var (label, backend) in backends)
        {
            Console.WriteLine($"{label} {backend.ShapeLabel}: calls handed to the gather fallback = {backend.FallbackCalls}");
            allPassed &= backend.FallbackCalls == 0;
        }

        Console.WriteLine(allPassed ? "CHECK PASSED" : "CHECK FAILED");
        return allPassed;
    }

    private sealed record Result(double Video, double Condition, double FullPath, bool NaN, bool ListsEqual, bool Passed);

    private static Result RunCase(Case c, CudaBlockSparseAttention backend)
    {
        var videoTokens = c.Grid?.TokenCount ?? c.VideoTokens;
        var layout = new BlockLayout(videoTokens, c.Condition);
        var adjacency = c.Grid is { } grid ? BlockAdjacency.For(CurvePermutation.For(grid, CurveKind.Gilbert)) : null;
        var settings = new CarvingSettings(Math.Max(1, layout.VideoBlocks / 4), 0.3, adjacency, c.TextAmp);
        var call = new AttentionCall(layout, c.Valid, settings);

        var (q, k, v) = Inputs(c, layout);
        var mask = c.Mask switch
        {
            MaskKind.Selector => BlockImportanceSelector.Select(q, k, layout, settings).Mask,
            MaskKind.Mixed => Masks.Mixed(c.Batch, c.Heads, layout.VideoBlocks, layout.ConditionBlocks),
            _ => Masks.Random(c.Batch, c.Heads, layout.VideoBlocks, layout.ConditionBlocks, 0.3),
        };

        // float64 reference on the same 16-bit values.
        var reference = new DenseMaskedAttention().AttendMasked(q.to(ScalarType.Float32), k.to(ScalarType.Float32), v.to(ScalarType.Float32), call, mask);

        var output = full(q.shape, double.NaN, q.dtype, q.device);
        backend.AttendMaskedInto(q, k, v, call, mask, output);
        cuda.synchronize();
        var nan = output.isnan().any().item<bool>();

        var video = Gpu.RelativeError(output.narrow(2, 0, videoTokens), reference.narrow(2, 0, videoTokens));
        var condition = c.Condition == 0 ? 0 : Gpu.RelativeError(output.narrow(2, videoTokens, c.Condition), reference.narrow(2, videoTokens, c.Condition));

        // The public path (selection inside) against the reference on the selector's own mask.
        var fullPath = double.NaN;
        if (c.Mask == MaskKind.Selector)
        {
            var attended = backend.Attend(q, k, v, call);
            fullPath = Gpu.RelativeError(attended, reference);
        }

        using var gpuLists = backend.BuildLists(mask);
        using var opLists = BlockKeyLists.FromMask(mask);
        var listsEqual = gpuLists.Counts.eq(opLists.Counts).all().item<bool>() && gpuLists.Lists.eq(opLists.Lists).all().item<bool>();

        var passed = !nan && listsEqual && video < Tolerance && condition < Tolerance && (double.IsNaN(fullPath) || fullPath < Tolerance);
        return new Result(video, condition, fullPath, nan, listsEqual, passed);
    }

    private static (Tensor Q, Tensor K, Tensor V) Inputs(Case c, BlockLayout layout)
    {
        var length = layout.SequenceLength;
        Tensor Make()
        {
            if (!c.TokenMajor)
                return Gpu.Random([c.Batch, c.Heads, length, c.HeadDim], c.Type);
            return Gpu.Random([c.Batch, length, c.Heads, c.HeadDim], c.Type).transpose(1, 2);
        }

        return (Make(), Make(), Make());
    }

    /// <summary>A small case for compute-sanitizer: both head dims, padded blocks, two samples.</summary>
    public static void SanitizerCase(CudaBlockSparseAttention backend)
    {
        foreach (var dim in new[] { 128, 64 })
        {
            using var scope = NewDisposeScope();
            manual_seed(7);
            var layout = new BlockLayout(300, 200);
            var call = new AttentionCall(layout, [200, 57], new CarvingSettings(1, 0.3, null, 0.4312));
            var shape = new long[] { 2, 2, layout.SequenceLength, dim };
            var (q, k, v) = (Gpu.Random(shape, ScalarType.BFloat16), Gpu.Random(shape, ScalarType.BFloat16), Gpu.Random(shape, ScalarType.BFloat16));
            var mask = Masks.Mixed(2, 2, layout.VideoBlocks, layout.ConditionBlocks);
            var output = full(q.shape, double.NaN, q.dtype, q.device);
            backend.AttendMaskedInto(q, k, v, call, mask, output);
            backend.Kernels.Synchronize();
            Console.WriteLine($"sanitizer case d{dim}: NaN left = {output.isnan().any().item<bool>()}");
        }
    }
}
