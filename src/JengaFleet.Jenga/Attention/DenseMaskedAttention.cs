using JengaFleet.Jenga.Blocks;
using JengaFleet.Jenga.Carving;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.Attention;

/// <summary>
/// The reference backend: expands the block mask to a full token-level bias and runs ordinary softmax
/// attention in float64. Cost is quadratic in the sequence, so it is for tests and small shapes only;
/// every other backend is checked against it.
/// </summary>
public sealed class DenseMaskedAttention : IBlockMaskedAttention
{
    public string Name => "dense-masked-reference";

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
        using var scope = NewDisposeScope();
        var layout = call.Layout;
        var bias = TokenBias(blockMask, call, query.device);
        var q = query.narrow(2, 0, layout.VideoTokens).to(ScalarType.Float64);
        var scores = matmul(q, key.to(ScalarType.Float64).transpose(-1, -2)).mul_(1.0 / Math.Sqrt(query.shape[3])).add_(bias);
        var video = matmul(scores.softmax(-1), value.to(ScalarType.Float64)).to(query.dtype);

        var output = layout.ConditionTokens == 0
            ? video
            : cat(new[] { video, AttentionMath.ConditionRows(query, key, value, layout) }, 2);
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>float64 <c>[B, H, Nv, L]</c>: 0 or the text bias where allowed, -inf elsewhere.</summary>
    private static Tensor TokenBias(Tensor blockMask, AttentionCall call, Device device)
    {
        var layout = call.Layout;
        var settings = AttentionMath.RequireCarving(call);

        // Block index of every real key token: video blocks first, then condition blocks.
        var keyBlock = new long[layout.SequenceLength];
        for (var j = 0; j < layout.SequenceLength; j++)
            keyBlock[j] = j < layout.VideoTokens
                ? j / BlockLayout.BlockSize
                : layout.VideoBlocks + (j - layout.VideoTokens) / BlockLayout.BlockSize;
        var queryBlock = arange(layout.VideoTokens, dtype: ScalarType.Int64, device: device).div(BlockLayout.BlockSize, rounding_mode: RoundingMode.floor);

        var rows = blockMask.index_select(2, queryBlock);
        var allowed = rows.index_select(3, tensor(keyBlock, device: device));
        if (AttentionMath.KeyValidityMask(call, blockMask.shape[0], device) is { } valid)
            allowed = allowed.logical_and(valid.view(valid.shape[0], 1, 1, valid.shape[1]));

        var bias = zeros(allowed.shape, ScalarType.Float64, device);
        if (layout.ConditionTokens > 0 && settings.TextAmp != 0)
            bias.narrow(3, layout.VideoTokens, layout.ConditionTokens).fill_(settings.TextLogitBias);
        return bias.masked_fill_(allowed.logical_not(), double.NegativeInfinity);
    }
}
