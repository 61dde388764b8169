namespace JengaFleet.Worker.Batches;

/// <summary>
/// The request fields every line of a batch file gets unless the line (a jsonl object) sets its own.
/// <see cref="Seed"/> is the base of the per-line seeds: a line without a seed gets <see cref="BatchSeeds.ForLine"/>.
/// </summary>
public sealed record BatchDefaults
{
    public string Model { get; init; } = "hunyuan-video";

    public string Preset { get; init; } = "turbo";

    public int Width { get; init; } = 1280;

    public int Height { get; init; } = 720;

    public int Frames { get; init; } = 125;

    public int Steps { get; init; } = 50;

    public long Seed { get; init; }

    public double Guidance { get; init; } = 6.0;

    public string? NegativePrompt { get; init; }
}
