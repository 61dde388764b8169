using JengaFleet.Jenga.Blocks;
using JengaFleet.Jenga.Carving;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.Attention;

/// <summary>Pieces every backend shares: input checks, the dense path and the condition-query rows.</summary>
internal static class AttentionMath
{
    public static void Validate(Tensor q, Tensor k, Tensor v, AttentionCall call)
    {
        if (q.ndim != 4 || k.ndim != 4 || v.ndim != 4)
            throw new ArgumentException($"expected q, k, v as [B, H, L, D]; got {Shape(q)}, {Shape(k)}, {Shape(v)}");
        if (!q.shape.SequenceEqual(k.shape) || !q.shape.SequenceEqual(v.shape))
            throw new ArgumentException($"q, k, v shapes differ: {Shape(q)}, {Shape(k)}, {Shape(v)}");
        if (q.shape[2] != call.Layout.SequenceLength)
            throw new ArgumentException($"sequence length {q.shape[2]} does not match the layout's {call.Layout.VideoTokens} video + {call.Layout.ConditionTokens} condition tokens");
        if (call.ConditionValidLengths is { } lengths && lengths.Count != q.shape[0])
            throw new ArgumentException($"{lengths.Count} valid condition lengths given for a batch of {q.shape[0]}");
    }

    /// <summary>The block mask must be bool <c>[B, H, Vq, Vk + C]</c> for q's batch and heads.</summary>
    public static void ValidateMask(Tensor blockMask, Tensor q, BlockLayout layout)
    {
        long[] expected = [q.shape[0], q.shape[1], layout.VideoBlocks, layout.TotalBlocks];
        if (blockMask.dtype != ScalarType.Bool || !blockMask.shape.SequenceEqual(expected))
            throw new ArgumentException($"block mask must be bool [{string.Join(", ", expected)}]; got {blockMask.dtype} {Shape(blockMask)}");
    }

    /// <summary>
    /// What <see cref="IAttentionBackend.Attend"/> means for every block-masked backend: a dense call goes dense;
    /// a carved call selects blocks (recording statistics) and hands the mask to the backend.
    /// </summary>
    public static Tensor SelectAndAttend(IBlockMaskedAttention backend, Tensor query, Tensor key, Tensor value, AttentionCall call)
    {
        Validate(query, key, value, call);
        if (call.Carving is null)
            return Dense(query, key, value, call);

        using var selection = BlockImportanceSelector.Select(query, key, call.Layout, call.Carving);
        RecordStatistics(call, selection.Mask);
        return backend.AttendMasked(query, key, value, call, selection.Mask);
    }

    /// <summary>
    /// Dense attention: each sample's queries see the keys below its valid length. The keys are cut to that
    /// length per sample instead of masked, so libtorch can pick its fused (flash) kernels, which take no mask.
    /// </summary>
    public static Tensor Dense(Tensor q, Tensor k, Tensor v, AttentionCall call)
    {
        using var scope = NewDisposeScope();
        var batch = q.shape[0];
        var length = call.Layout.SequenceLength;
        var limits = Enumerable.Range(0, (int)batch).Select(call.KeyValidLength).ToArray();
        if (limits.All(l => l == length))
            return nn.functional.scaled_dot_product_attention(q, k, v).MoveToOuterDisposeScope();
        if (limits.All(l => l == limits[0]))
            return nn.functional.scaled_dot_product_attention(q, k.narrow(2, 0, limits[0]), v.narrow(2, 0, limits[0])).MoveToOuterDisposeScope();

        var samples = new Tensor[batch];
        for (var b = 0; b < batch; b++)
        {
            var limit = limits[b];
            samples[b] = nn.functional.scaled_dot_product_attention(
                q.narrow(0, b, 1), k.narrow(0, b, 1).narrow(2, 0, limit), v.narrow(0, b, 1).narrow(2, 0, limit));
        }

        return cat(samples, 0).MoveToOuterDisposeScope();
    }

    /// <summary>Condition (text) query rows: dense over every key, padding included, no bias.</summary>
    public static Tensor ConditionRows(Tensor q, Tensor k, Tensor v, BlockLayout layout)
    {
        var rows = q.narrow(2, layout.VideoTokens, layout.ConditionTokens);
        return nn.functional.scaled_dot_product_attention(rows, k, v);
    }

    /// <summary>bool <c>[B, L]</c>: key j is visible to sample b iff j is below b's valid length; null when all are.</summary>
    public static Tensor? KeyValidityMask(AttentionCall call, long batch, Device device)
    {
        var length = call.Layout.SequenceLength;
        var limits = new long[batch];
        var allValid = true;
        for (var b = 0; b < batch; b++)
        {
            limits[b] = call.KeyValidLength(b);
            allValid &= limits[b] == length;
        }

        if (allValid)
            return null;
        using var limit = tensor(limits, device: device).unsqueeze(1);
        using var positions = arange(length, dtype: ScalarType.Int64, device: device).unsqueeze(0);
        return positions.lt(limit);
    }

    public static void RecordStatistics(AttentionCall call, Tensor mask)
    {
        if (call.Statistics is null)
            return;
        var videoBlocks = call.Layout.VideoBlocks;
        using var video = mask.narrow(-1, 0, videoBlocks);
        using var kept = video.sum(type: ScalarType.Int64);
        var rows = mask.shape[0] * mask.shape[1] * mask.shape[2];
        call.Statistics.Record(rows, kept.item<long>(), videoBlocks);
    }


    public static CarvingSettings RequireCarving(AttentionCall call) =>
        call.Carving ?? throw new InvalidOperationException("carved attention called without carving settings");

    public static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
