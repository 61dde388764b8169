using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.GpuBench.Kernel;

/// <summary>Synthetic block masks <c>[B, H, V, V + C]</c> on the GPU.</summary>
internal static class Masks
{
    /// <summary>Each row keeps round(fraction·V) random video blocks plus its diagonal block, and all condition blocks.</summary>
    public static Tensor Random(long batch, long heads, int videoBlocks, int conditionBlocks, double fraction)
    {
        using var scope = NewDisposeScope();
        var keep = Math.Clamp((int)Math.Round(fraction * videoBlocks), 1, videoBlocks);
        var (_, index) = rand(new long[] { batch, heads, videoBlocks, videoBlocks }, device: Gpu.Cuda).topk(keep, -1);
        var video = zeros(new long[] { batch, heads, videoBlocks, videoBlocks }, ScalarType.Bool, Gpu.Cuda)
            .scatter_(-1, index, ones(index.shape, ScalarType.Bool, Gpu.Cuda))
            .logical_or_(eye(videoBlocks, dtype: ScalarType.Bool, device: Gpu.Cuda));
        return WithCondition(video, conditionBlocks).MoveToOuterDisposeScope();
    }

    /// <summary>Rows of three kinds, chosen at random: only the diagonal block (empty beyond it), every block, or a random third.</summary>
    public static Tensor Mixed(long batch, long heads, int videoBlocks, int conditionBlocks)
    {
        using var scope = NewDisposeScope();
        var shape = new long[] { batch, heads, videoBlocks, videoBlocks };
        var diagonal = eye(videoBlocks, dtype: ScalarType.Bool, device: Gpu.Cuda).expand(shape);
        var random = rand(shape, device: Gpu.Cuda).lt(0.33).logical_or_(diagonal);
        var kind = randint(0, 3, new long[] { batch, heads, videoBlocks, 1 }, device: Gpu.Cuda);
        var video = where(kind.eq(0), diagonal, where(kind.eq(1), ones(shape, ScalarType.Bool, Gpu.Cuda), random));
        return WithCondition(video, conditionBlocks).MoveToOuterDisposeScope();
    }

    private static Tensor WithCondition(Tensor video, int conditionBlocks)
    {
        if (conditionBlocks == 0)
            return video.contiguous();
        var shape = video.shape;
        return cat(new[] { video, ones(new[] { shape[0], shape[1], shape[2], (long)conditionBlocks }, ScalarType.Bool, Gpu.Cuda) }, -1);
    }

    /// <summary>Multiply-adds of the kept block pairs, ×2 for QKᵀ and PV, ×2 FLOPs per multiply-add.</summary>
    public static double KeptFlops(Tensor mask, long headDim)
    {
        var pairs = mask.sum(type: ScalarType.Int64).item<long>();
        return 4.0 * pairs * 128 * 128 * headDim;
    }

    /// <summary>Kept fraction of the video key blocks.</summary>
    public static double VideoFraction(Tensor mask, int videoBlocks)
    {
        using var scope = NewDisposeScope();
        var video = mask.narrow(-1, 0, videoBlocks);
        return video.sum(type: ScalarType.Int64).item<long>() / (double)video.numel();
    }
}
