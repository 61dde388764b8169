namespace JengaFleet.Pipeline.Engine;

/// <summary>What to generate: one text-to-video request, independent of how it arrived.</summary>
public sealed record GenerationRequest(
    string Prompt,
    string? NegativePrompt,
    string Model,
    string Preset,
    int Width,
    int Height,
    int Frames,
    int Steps,
    long Seed,
    double Guidance);
