using JengaFleet.Jenga.Blocks;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.Carving;

/// <summary>
/// Chooses, per (sample, head, video query block), which key blocks the query block attends to:
/// the most important video blocks by pooled attention probability (top-p with a top-k floor),
/// united with the adjacent blocks, Wan's first-frame blocks and every condition (text) block.
/// </summary>
public static class BlockImportanceSelector
{
    /// <param name="query">q of the whole sequence or of its video part, <c>[B, H, ≥Nv, D]</c>, curve order.</param>
    /// <param name="key">k of the whole sequence, <c>[B, H, ≥Nv, D]</c>.</param>
    public static BlockSelection Select(Tensor query, Tensor key, BlockLayout layout, CarvingSettings settings)
    {
        if (query.ndim != 4 || key.ndim != 4)
            throw new ArgumentException($"expected q and k as [B, H, L, D], got {Shape(query)} and {Shape(key)}");
        if (query.shape[2] < layout.VideoTokens || key.shape[2] < layout.VideoTokens)
            throw new ArgumentException($"q {Shape(query)} and k {Shape(key)} hold fewer than the {layout.VideoTokens} video tokens of the layout");

        using var scope = NewDisposeScope();
        var blocks = layout.VideoBlocks;
        var headDim = query.shape[3];

        // Mean over all 128 rows of a block, zero padding included (the reference's rule for Wan's partial last block).
        var pooledQ = PoolBlocks(query, layout);
        var pooledK = PoolBlocks(key, layout);
        var scores = matmul(pooledQ, pooledK.transpose(-1, -2)).mul_(1.0 / Math.Sqrt(headDim));
        var probabilities = scores.softmax(-1);

        var (sorted, order) = probabilities.sort(-1, descending: true);
        var cumulative = sorted.cumsum(-1);
        // c = number of sorted prefixes with mass <= p, plus one: the block that crosses p is kept too.
        var crossing = cumulative.le(settings.KeepProbability).sum(-1, type: ScalarType.Int64).add_(1);
        var need = crossing.clamp_min(settings.TopK).clamp_max(blocks);
        var keepRank = arange(blocks, dtype: ScalarType.Int64, device: query.device).lt(need.unsqueeze(-1));
        var selected = zeros_like(keepRank).scatter_(-1, order, keepRank);

        var mask = selected.clone();
        if (settings.Adjacency is { } adjacency)
        {
            if (adjacency.Blocks < blocks)
                throw new ArgumentException($"adjacency covers {adjacency.Blocks} blocks but the sequence has {blocks} video blocks");
            var adj = adjacency.On(query.device);
            mask.logical_or_(adj[TensorIndex.Slice(0, blocks), TensorIndex.Slice(0, blocks)]);
        }

        if (settings.FirstFrameBlocks > 0)
        {
            var f = Math.Min(settings.FirstFrameBlocks, blocks);
            mask[TensorIndex.Ellipsis, TensorIndex.Slice(0, f), TensorIndex.Slice(0, f)] = tensor(true);
        }

        if (layout.ConditionBlocks > 0)
        {
            var condition = ones(new[] { mask.shape[0], mask.shape[1], blocks, layout.ConditionBlocks }, ScalarType.Bool, query.device);
            mask = cat(new[] { mask, condition }, -1);
        }

        return new BlockSelection(
            probabilities.MoveToOuterDisposeScope(),
            selected.MoveToOuterDisposeScope(),
            mask.MoveToOuterDisposeScope());
    }

    /// <summary>Per-block means of the video tokens as float32 <c>[B, H, V, D]</c>.</summary>
    private static Tensor PoolBlocks(Tensor x, BlockLayout layout)
    {
        var video = x.narrow(2, 0, layout.VideoTokens);
        var padding = layout.PaddedVideoTokens - layout.VideoTokens;
        if (padding > 0)
            video = nn.functional.pad(video, new long[] { 0, 0, 0, padding });
        var shape = video.shape;
        var grouped = video.reshape(shape[0], shape[1], layout.VideoBlocks, BlockLayout.BlockSize, shape[3]);
        // Accumulate in float32 without a float32 copy of q/k (a 1.4 GB pass per call at 720p).
        return grouped.sum(3, type: ScalarType.Float32).div_(BlockLayout.BlockSize);
    }

    private static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
