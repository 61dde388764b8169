namespace JengaFleet.Pipeline.Engine;

/// <summary>What an engine accepts. Sizes are in pixels; every limit is inclusive.</summary>
public sealed record EngineLimits
{
    public int MinSize { get; init; } = 16;

    public int MaxWidth { get; init; } = 1280;

    public int MaxHeight { get; init; } = 1280;

    /// <summary>HunyuanVideo generates up to 129 frames (4·32+1).</summary>
    public int MaxFrames { get; init; } = 129;

    public int MinSteps { get; init; } = 2;

    public int MaxSteps { get; init; } = 100;

    public int MaxPromptChars { get; init; } = 4000;

    public double MinGuidance { get; init; } = 1.0;

    public double MaxGuidance { get; init; } = 30.0;
}
