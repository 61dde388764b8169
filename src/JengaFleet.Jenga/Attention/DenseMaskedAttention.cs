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
public sealed class DenseMaskedAttention : CarvedAttentionBackend
{
    public override string Name => "dense-masked-reference";

    protected override Tensor AttendVideoRows(Tensor query, Tensor key, Tensor value, Tensor mask, AttentionCall call, CarvingSettings settings)
    {
        using var scope = NewDisposeScope();
        var bias = TokenBias(mask, call, settings, query.device);
        var q = query.narrow(2, 0, call.Layout.VideoTokens).to(ScalarType.Float64);
        var scores = matmul(q, key.to(ScalarType.Float64).transpose(-1, -2)).mul_(1.0 / Math.Sqrt(query.shape[3])).add_(bias);
        return matmul(scores.softmax(-1), value.to(ScalarType.Float64)).to(query.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>float64 <c>[B, H, Nv, L]</c>: 0 or the text bias where allowed, -inf elsewhere.</summary>
    private static Tensor TokenBias(Tensor blockMask, AttentionCall call, CarvingSettings settings, Device device)
    {
        var layout = call.Layout;

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
