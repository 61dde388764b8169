using JengaFleet.Jenga.Blocks;
using JengaFleet.Jenga.Carving;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.Attention;

/// <summary>
/// Block-sparse attention in plain TorchSharp: every video query block gathers only the key/value
/// blocks its mask keeps and runs attention over them, so work and memory scale with the kept
/// fraction. Query blocks are sorted by how many blocks they keep and processed in chunks whose
/// gathered K/V and scores stay under <see cref="ChunkBudgetBytes"/>; rows in a chunk are padded to the
/// chunk's largest count with a masked dummy slot.
/// </summary>
public sealed class BlockSparseAttention(long chunkBudgetBytes = 256L << 20) : IBlockMaskedAttention
{
    private const int Block = BlockLayout.BlockSize;

    public string Name => "block-sparse-gather";

    /// <summary>Upper bound for the gathered K/V and score tensors of one chunk.</summary>
    public long ChunkBudgetBytes { get; } = chunkBudgetBytes > 0
        ? chunkBudgetBytes
        : throw new ArgumentOutOfRangeException(nameof(chunkBudgetBytes), chunkBudgetBytes, "budget must be positive");

    public Tensor Attend(Tensor query, Tensor key, Tensor value, AttentionCall call)
    {
        AttentionMath.Validate(query, key, value, call);
        if (call.Carving is null)
            return AttentionMath.Dense(query, key, value, call);

        using var selection = BlockImportanceSelector.Select(query, key, call.Layout, call.Carving);
        AttentionMath.RecordStatistics(call, selection.Mask);
        return AttendMasked(query, key, value, call, selection.Mask);
    }

    public Tensor AttendMasked(Tensor query, Tensor key, Tensor value, AttentionCall call, Tensor blockMask)
    {
        AttentionMath.Validate(query, key, value, call);
        AttentionMath.ValidateMask(blockMask, query, call.Layout);
        var settings = AttentionMath.RequireCarving(call);
        using var scope = NewDisposeScope();
        var layout = call.Layout;
        var video = AttendVideoRows(query, key, value, blockMask, call, settings);
        var output = layout.ConditionTokens == 0
            ? video
            : cat(new[] { video, AttentionMath.ConditionRows(query, key, value, layout) }, 2);
        return output.MoveToOuterDisposeScope();
    }

    private Tensor AttendVideoRows(Tensor query, Tensor key, Tensor value, Tensor mask, AttentionCall call, CarvingSettings settings)
    {
        var layout = call.Layout;
        long batch = query.shape[0], heads = query.shape[1], dim = query.shape[3];
        long videoBlocks = layout.VideoBlocks, keyBlocks = layout.TotalBlocks;
        var device = query.device;

        // Block-aligned views: [B*H*Vq, 128, D] queries and [B*H*Kb, 128, D] keys/values.
        var queryBlocks = PadVideo(query, layout).reshape(-1, Block, dim);
        var keyBlockRows = PadSequence(key, layout).reshape(-1, Block, dim);
        var valueBlockRows = PadSequence(value, layout).reshape(-1, Block, dim);
        var keyBias = KeyBias(call, settings, batch, device, query.dtype); // [B*Kb, 128]

        // Kept key blocks of every row, in increasing block order, as a dense index table.
        var rowMask = mask.reshape(-1, keyBlocks);
        var counts = rowMask.sum(-1, type: ScalarType.Int64);
        // Kept block ids ascending, unkept ones replaced by the sentinel Kb so they sort last.
        var blockIds = arange(keyBlocks, dtype: ScalarType.Int64, device: device).expand_as(rowMask);
        var (keptFirst, _) = where(rowMask, blockIds, full_like(blockIds, keyBlocks)).sort(-1);
        var (sortedCounts, rowOrder) = counts.sort(descending: true);
        var countsHost = sortedCounts.cpu().data<long>().ToArray();
        var orderHost = rowOrder.cpu();

        var output = zeros_like(queryBlocks);
        var bytesPerRowAndBlock = (2L * Block * dim * query.element_size()) + (Block * Block * 4L);
        var start = 0;
        while (start < countsHost.Length)
        {
            using var chunkScope = NewDisposeScope();
            var width = countsHost[start];
            var rows = (int)Math.Max(1, Math.Min(countsHost.Length - start, ChunkBudgetBytes / (bytesPerRowAndBlock * width)));
            var rowIds = orderHost.narrow(0, start, rows).to(device);

            var slots = keptFirst.index_select(0, rowIds).narrow(1, 0, width).clamp_max(keyBlocks - 1); // [r, w]; sentinels masked below
            var slotValid = arange(width, dtype: ScalarType.Int64, device: device).unsqueeze(0).lt(counts.index_select(0, rowIds).unsqueeze(1));
            var bh = rowIds.div(videoBlocks, rounding_mode: RoundingMode.floor);
            var sample = bh.div(heads, rounding_mode: RoundingMode.floor);
            var keyRow = bh.unsqueeze(1).mul(keyBlocks).add(slots).view(-1);
            var biasRow = sample.unsqueeze(1).mul(keyBlocks).add(slots).view(-1);

            var q = queryBlocks.index_select(0, rowIds).unsqueeze(1);                            // [r, 1, 128, D]
            var k = keyBlockRows.index_select(0, keyRow).view(rows, 1, width * Block, dim);       // [r, 1, w*128, D]
            var v = valueBlockRows.index_select(0, keyRow).view(rows, 1, width * Block, dim);
            var bias = keyBias.index_select(0, biasRow).view(rows, width, Block)
                .masked_fill(slotValid.logical_not().unsqueeze(-1), double.NegativeInfinity)
                .view(rows, 1, 1, width * Block);

            var attended = nn.functional.scaled_dot_product_attention(q, k, v, bias).squeeze(1);
            output.index_copy_(0, rowIds, attended);
            start += rows;
        }

        return output.view(batch, heads, layout.PaddedVideoTokens, dim).narrow(2, 0, layout.VideoTokens);
    }

    /// <summary>Additive logit bias per key slot, <c>[B*Kb, 128]</c>: -inf on padding and invalid keys, the text bias on condition keys.</summary>
    private static Tensor KeyBias(AttentionCall call, CarvingSettings settings, long batch, Device device, ScalarType dtype)
    {
        var layout = call.Layout;
        var perSlot = new float[batch * layout.PaddedSequenceLength];
        var textBias = (float)settings.TextLogitBias;
        for (var b = 0; b < batch; b++)
        {
            var limit = call.KeyValidLength(b);
            var row = b * layout.PaddedSequenceLength;
            for (var slot = 0; slot < layout.PaddedSequenceLength; slot++)
            {
                var isVideo = slot < layout.PaddedVideoTokens;
                var token = isVideo ? slot : layout.VideoTokens + (slot - layout.PaddedVideoTokens);
                var real = isVideo ? slot < layout.VideoTokens : slot - layout.PaddedVideoTokens < layout.ConditionTokens;
                perSlot[row + slot] = !real || token >= limit ? float.NegativeInfinity : isVideo ? 0f : textBias;
            }
        }

        return tensor(perSlot, device: device).to(dtype).view(-1, Block);
    }

    private static Tensor PadVideo(Tensor x, BlockLayout layout)
    {
        var video = x.narrow(2, 0, layout.VideoTokens);
        var pad = layout.PaddedVideoTokens - layout.VideoTokens;
        return pad == 0 ? video.contiguous() : nn.functional.pad(video, new long[] { 0, 0, 0, pad });
    }

    private static Tensor PadSequence(Tensor x, BlockLayout layout)
    {
        if (layout.IsBlockAligned)
            return x.contiguous();
        var video = PadVideo(x, layout);
        if (layout.ConditionTokens == 0)
            return video;
        var condition = x.narrow(2, layout.VideoTokens, layout.ConditionTokens);
        var pad = layout.PaddedConditionTokens - layout.ConditionTokens;
        if (pad > 0)
            condition = nn.functional.pad(condition, new long[] { 0, 0, 0, pad });
        return cat(new[] { video, condition }, 2);
    }
}
