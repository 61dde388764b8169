using JengaFleet.Jenga.Attention;
using JengaFleet.Jenga.Blocks;
using JengaFleet.Jenga.Carving;
using JengaFleet.Jenga.Cuda.Kernels;
using JengaFleet.Jenga.Cuda.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.Cuda;

/// <summary>
/// Carved attention on the GPU with the run-time-compiled block-sparse kernel: the selection
/// (<see cref="BlockImportanceSelector"/>) becomes compact per-row lists of kept key blocks on the GPU,
/// one CTA per (sample, head, video query block) visits only those blocks, and the condition (text)
/// query rows use dense SDPA as in every backend. Inputs the kernel does not cover (CPU tensors,
/// float32, head dims other than 64/128) go to the plain TorchSharp gather backend.
/// </summary>
public sealed class CudaBlockSparseAttention : IBlockMaskedAttention
{
    private const double Log2E = 1.4426950408889634;

    private readonly IBlockMaskedAttention _fallback;
    private long _fallbackCalls;

    internal CudaBlockSparseAttention(BlockSparseKernels kernels, IBlockMaskedAttention? fallback = null)
    {
        Kernels = kernels;
        _fallback = fallback ?? new BlockSparseAttention();
    }

    public string Name => "cuda-block-sparse";

    public BlockSparseKernels Kernels { get; }

    /// <summary>The compiled tile shapes per head dim, e.g. <c>d128 32x2w4m1, d64 64x2w4m1</c>.</summary>
    public string ShapeLabel => string.Join(", ", Kernels.Variants.Where(v => !v.Fp16).OrderByDescending(v => v.HeadDim).Select(v => $"d{v.HeadDim} {v.Shape}"));

    /// <summary>
    /// Launch the rows with the longest lists first (off by default: plain row order keeps one head's query blocks
    /// in flight together, so they share its K/V blocks in L2; it measured as fast or faster on the H100, docs/gpu-kernel.md).
    /// </summary>
    public bool LongestRowsFirst { get; init; }

    /// <summary>Calls that were handed to the gather backend because the kernel does not cover their inputs.</summary>
    public long FallbackCalls => Interlocked.Read(ref _fallbackCalls);

    /// <summary>Loads (compiling or reading the cache) the kernels for the device; null with the reason where that is impossible.</summary>
    /// <param name="shape">One tile shape for every head dim; null takes the defaults for the device's architecture (wgmma on Hopper).</param>
    public static CudaBlockSparseAttention? TryCreate(Device device, out string reason, KernelVariant? shape = null) =>
        TryCreate(device, out reason, shape is null ? null : KernelVariant.Defaults(shape));

    /// <summary>As above with an explicit variant set (benchmarks compile only the variants they time); null for the defaults.</summary>
    internal static CudaBlockSparseAttention? TryCreate(Device device, out string reason, IReadOnlyList<KernelVariant>? variants)
    {
        if (device.type != DeviceType.CUDA)
        {
            reason = $"device {device} is not a CUDA device";
            return null;
        }

        var kernels = CudaKernelRuntime.TryLoad(DeviceIdentity.Ordinal(device), variants, out reason);
        return kernels is null ? null : new CudaBlockSparseAttention(kernels);
    }

    public Tensor Attend(Tensor query, Tensor key, Tensor value, AttentionCall call) =>
        AttentionMath.SelectAndAttend(this, query, key, value, call);

    public Tensor AttendMasked(Tensor query, Tensor key, Tensor value, AttentionCall call, Tensor blockMask)
    {
        AttentionMath.Validate(query, key, value, call);
        AttentionMath.ValidateMask(blockMask, query, call.Layout);
        var settings = AttentionMath.RequireCarving(call);
        var variant = VariantFor(query);
        if (variant is null || !DeviceIdentity.Same(blockMask.device, query.device))
        {
            Interlocked.Increment(ref _fallbackCalls);
            return _fallback.AttendMasked(query, key, value, call, blockMask);
        }

        using var scope = NewDisposeScope();
        var output = empty(query.shape, query.dtype, query.device);
        AttendInto(variant, query, key, value, call, settings, blockMask, output);
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>Writes the carved result into <paramref name="output"/> (contiguous, q's shape and type); used directly by the GPU check to poison the output first.</summary>
    internal void AttendMaskedInto(Tensor query, Tensor key, Tensor value, AttentionCall call, Tensor blockMask, Tensor output)
    {
        AttentionMath.Validate(query, key, value, call);
        AttentionMath.ValidateMask(blockMask, query, call.Layout);
        var settings = AttentionMath.RequireCarving(call);
        var variant = VariantFor(query) ?? throw new NotSupportedException($"the kernel does not cover {query.dtype} {AttentionMath.Shape(query)} on {query.device}");
        if (!output.shape.SequenceEqual(query.shape) || output.dtype != query.dtype || !output.is_contiguous())
            throw new ArgumentException("output must be a contiguous tensor of q's shape and type");
        AttendInto(variant, query, key, value, call, settings, blockMask, output);
    }

    private void AttendInto(KernelVariant variant, Tensor query, Tensor key, Tensor value, AttentionCall call, CarvingSettings settings, Tensor blockMask, Tensor output)
    {
        using var scope = NewDisposeScope();
        var layout = call.Layout;
        using (var lists = BuildLists(blockMask))
        {
            var order = RowOrder(lists);
            var keyValid = KeyValidLengths(call, query);
            LaunchVideoRows(variant, KernelReady(query), KernelReady(key), KernelReady(value), output, lists, order, keyValid, layout, settings);
        }

        if (layout.ConditionTokens > 0)
            output.narrow(2, layout.VideoTokens, layout.ConditionTokens).copy_(AttentionMath.ConditionRows(query, key, value, layout));
    }

    /// <summary>Only the kernel, on lists built beforehand (benchmarks time the kernel alone with this).</summary>
    internal void LaunchKernelOnly(Tensor query, Tensor key, Tensor value, AttentionCall call, BlockKeyLists lists, Tensor? order, Tensor keyValid, Tensor output)
    {
        var variant = VariantFor(query) ?? throw new NotSupportedException($"the kernel does not cover {query.dtype} {AttentionMath.Shape(query)}");
        LaunchVideoRows(variant, query, key, value, output, lists, order, keyValid, call.Layout, AttentionMath.RequireCarving(call));
    }

    /// <summary>CTA order: rows with the longest lists first (int32), or null for plain row order.</summary>
    internal Tensor? RowOrder(BlockKeyLists lists) =>
        LongestRowsFirst ? lists.Counts.argsort(descending: true).to(ScalarType.Int32) : null;

    /// <summary>int32 <c>[B]</c> on q's device: keys below this token index are visible to sample b's video queries.</summary>
    internal static Tensor KeyValidLengths(AttentionCall call, Tensor query) =>
        tensor(Enumerable.Range(0, (int)query.shape[0]).Select(b => checked((int)call.KeyValidLength(b))).ToArray(), device: query.device);

    /// <summary>Compact kept-block lists from the mask, built on the GPU by one warp per row.</summary>
    public BlockKeyLists BuildLists(Tensor blockMask)
    {
        using var scope = NewDisposeScope();
        var keyBlocks = blockMask.shape[^1];
        var mask = blockMask.reshape(-1, keyBlocks).contiguous();
        var rows = mask.shape[0];
        var lists = full(new[] { rows, keyBlocks }, -1, ScalarType.Int32, blockMask.device);
        var counts = empty(rows, ScalarType.Int32, blockMask.device);
        Kernels.BuildLists(TensorPointer.Of(mask), checked((int)rows), checked((int)keyBlocks), checked((int)keyBlocks), TensorPointer.Of(lists), TensorPointer.Of(counts));
        return new BlockKeyLists(lists.MoveToOuterDisposeScope(), counts.MoveToOuterDisposeScope());
    }

    /// <summary>The compiled variant for q's head dim and type on the kernels' device, or null when the kernel does not cover q.</summary>
    private KernelVariant? VariantFor(Tensor query)
    {
        if (query.device.type != DeviceType.CUDA || DeviceIdentity.Ordinal(query.device) != Kernels.Device.Ordinal)
            return null;
        if (query.dtype is not (ScalarType.BFloat16 or ScalarType.Float16))
            return null;
        var fp16 = query.dtype == ScalarType.Float16;
        return Kernels.Variants.FirstOrDefault(v => v.HeadDim == query.shape[3] && v.Fp16 == fp16);
    }

    /// <summary>
    /// The kernels read 16-byte chunks of contiguous head-dim rows, and TMA descriptors take every stride (size-1 dims
    /// included) as a multiple of 16 bytes, so this is stricter than <see cref="VectorLayout.Fits"/>; anything else is copied.
    /// </summary>
    private static Tensor KernelReady(Tensor x)
    {
        var strides = x.stride();
        var aligned = strides[3] == 1 && strides[0] % 8 == 0 && strides[1] % 8 == 0 && strides[2] % 8 == 0 && TensorPointer.Of(x) % 16 == 0;
        return aligned ? x : x.contiguous();
    }

    private void LaunchVideoRows(KernelVariant variant, Tensor q, Tensor k, Tensor v, Tensor output, BlockKeyLists lists, Tensor? order, Tensor keyValid, BlockLayout layout, CarvingSettings settings)
    {
        var rows = lists.Counts.shape[0];
        if (rows == 0)
            return;
        long[] qs = q.stride(), ks = k.stride(), vs = v.stride(), os = output.stride();
        var parameters = new BsaParams
        {
            Q = TensorPointer.Of(q),
            K = TensorPointer.Of(k),
            V = TensorPointer.Of(v),
            O = TensorPointer.Of(output),
            Lists = TensorPointer.Of(lists.Lists),
            Counts = TensorPointer.Of(lists.Counts),
            RowOrder = order is null ? 0 : TensorPointer.Of(order),
            KeyValid = TensorPointer.Of(keyValid),
            QSample = qs[0], QHead = qs[1], QToken = qs[2],
            KSample = ks[0], KHead = ks[1], KToken = ks[2],
            VSample = vs[0], VHead = vs[1], VToken = vs[2],
            OSample = os[0], OHead = os[1], OToken = os[2],
            Heads = (int)q.shape[1],
            VideoBlocks = layout.VideoBlocks,
            KeyBlocks = layout.TotalBlocks,
            ListStride = (int)lists.Lists.shape[1],
            VideoTokens = layout.VideoTokens,
            Rows = checked((int)rows),
            ScaleLog2 = (float)(Log2E / Math.Sqrt(q.shape[3])),
            ConditionBiasLog2 = (float)settings.TextAmp,
        };
        if (variant.Family != KernelFamily.Wgmma)
        {
            Kernels.Attend(variant, parameters);
            return;
        }

        var fp16 = q.dtype == ScalarType.Float16;
        Kernels.Attend(variant, new BsaTmaParams
        {
            Q = Kernels.TokenTileMap(parameters.Q, q.shape, qs, fp16),
            K = Kernels.TokenTileMap(parameters.K, k.shape, ks, fp16),
            V = Kernels.TokenTileMap(parameters.V, v.shape, vs, fp16),
            P = parameters,
        });
    }
}
