namespace JengaFleet.Jenga.Blocks;

/// <summary>
/// How an attention sequence <c>[video tokens in curve order | condition (text) tokens]</c> is cut into
/// 128-token blocks. Video and condition tokens each start on a block boundary; a partial last video
/// block and a partial last condition block are padded (padded keys are never attended, padded query
/// rows are dropped). The reference needs the video count to be a multiple of 128 and crashes
/// otherwise (HunyuanVideo) — padding is our deliberate generalisation, identical when it divides.
/// </summary>
public sealed record BlockLayout
{
    /// <summary>Tokens per block, for query and key blocks alike.</summary>
    public const int BlockSize = 128;

    public BlockLayout(int videoTokens, int conditionTokens)
    {
        if (videoTokens < 1)
            throw new ArgumentOutOfRangeException(nameof(videoTokens), videoTokens, "need at least one video token");
        if (conditionTokens < 0)
            throw new ArgumentOutOfRangeException(nameof(conditionTokens), conditionTokens, "condition token count cannot be negative");
        VideoTokens = videoTokens;
        ConditionTokens = conditionTokens;
    }

    public int VideoTokens { get; }

    public int ConditionTokens { get; }

    public int SequenceLength => VideoTokens + ConditionTokens;

    public int VideoBlocks => BlocksFor(VideoTokens);

    public int ConditionBlocks => BlocksFor(ConditionTokens);

    public int TotalBlocks => VideoBlocks + ConditionBlocks;

    /// <summary>Video tokens rounded up to whole blocks.</summary>
    public int PaddedVideoTokens => VideoBlocks * BlockSize;

    public int PaddedConditionTokens => ConditionBlocks * BlockSize;

    public int PaddedSequenceLength => PaddedVideoTokens + PaddedConditionTokens;

    public bool IsBlockAligned => VideoTokens % BlockSize == 0 && ConditionTokens % BlockSize == 0;

    public static int BlocksFor(int tokens) => (tokens + BlockSize - 1) / BlockSize;
}
