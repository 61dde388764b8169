using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.Cuda;

/// <summary>
/// The kernel's form of a block selection: per (sample, head, video query block) row, the kept key
/// blocks in increasing order and their count — so the kernel visits only kept blocks instead of
/// scanning a one-hot row.
/// </summary>
/// <param name="Lists">int32 <c>[rows, Kb]</c>: row r's kept block ids in its first <c>Counts[r]</c> entries, -1 after.</param>
/// <param name="Counts">int32 <c>[rows]</c>.</param>
public sealed record BlockKeyLists(Tensor Lists, Tensor Counts) : IDisposable
{
    /// <summary>
    /// Plain tensor operations (any device): a running count of kept entries gives each kept block its
    /// slot; a scatter writes the block ids there (unkept entries go to a dummy column that is cut off).
    /// </summary>
    /// <param name="blockMask">bool <c>[..., Kb]</c>; leading dims are flattened into rows.</param>
    public static BlockKeyLists FromMask(Tensor blockMask)
    {
        if (blockMask.dtype != ScalarType.Bool || blockMask.ndim < 1)
            throw new ArgumentException($"expected a bool mask, got {blockMask.dtype} with {blockMask.ndim} dims");
        using var scope = NewDisposeScope();
        var keyBlocks = blockMask.shape[^1];
        var rows = blockMask.reshape(-1, keyBlocks);
        var counts = rows.sum(-1, type: ScalarType.Int32);
        var slot = rows.to(ScalarType.Int64).cumsum(-1).sub_(1);
        var target = where(rows, slot, full_like(slot, keyBlocks));
        var ids = arange(keyBlocks, dtype: ScalarType.Int32, device: blockMask.device).expand(rows.shape[0], keyBlocks);
        var lists = full(new[] { rows.shape[0], keyBlocks + 1 }, -1, ScalarType.Int32, blockMask.device)
            .scatter_(1, target, ids)
            .narrow(1, 0, keyBlocks)
            .contiguous();
        return new BlockKeyLists(lists.MoveToOuterDisposeScope(), counts.MoveToOuterDisposeScope());
    }

    public void Dispose()
    {
        Lists.Dispose();
        Counts.Dispose();
    }
}
