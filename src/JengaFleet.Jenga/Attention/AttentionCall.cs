using JengaFleet.Jenga.Blocks;
using JengaFleet.Jenga.Carving;

namespace JengaFleet.Jenga.Attention;

/// <summary>
/// Describes one self-attention call over <c>[video tokens in curve order | condition tokens]</c>.
/// </summary>
/// <param name="Layout">Video and condition token counts (HunyuanVideo: N and 256; Wan: N and 0).</param>
/// <param name="ConditionValidLengths">
/// Valid condition tokens per sample (the text mask's row sums); padding follows them. Null = all valid.
/// Each sample uses its own length (the reference reads one sample's length for the whole batch — fixed on purpose).
/// </param>
/// <param name="Carving">Carving settings, or null for dense attention.</param>
/// <param name="Statistics">Optional sink for the kept-block counts of carved calls.</param>
public sealed record AttentionCall(
    BlockLayout Layout,
    IReadOnlyList<long>? ConditionValidLengths = null,
    CarvingSettings? Carving = null,
    CarvingStatistics? Statistics = null)
{
    /// <summary>Keys a video query of sample b may see: every video token and the valid condition tokens.</summary>
    public long KeyValidLength(int sample)
    {
        if (ConditionValidLengths is null)
            return Layout.SequenceLength;
        var valid = ConditionValidLengths[sample];
        if (valid < 0 || valid > Layout.ConditionTokens)
            throw new ArgumentOutOfRangeException(nameof(ConditionValidLengths), valid, $"sample {sample}: valid condition length must be within [0, {Layout.ConditionTokens}]");
        return Layout.VideoTokens + valid;
    }
}
