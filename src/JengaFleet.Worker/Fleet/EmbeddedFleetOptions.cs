namespace JengaFleet.Worker.Fleet;

/// <summary>What <see cref="EmbeddedFleet.RunAsync"/> runs.</summary>
public sealed record EmbeddedFleetOptions
{
    public static IReadOnlyList<string> DefaultPrompts { get; } =
    [
        "A red fox trotting through fresh snow at dawn",
        "Waves rolling onto a black sand beach, aerial view",
        "A paper boat drifting down a rain-filled street",
        "Time-lapse of clouds over a mountain lake",
    ];

    /// <summary>Workers (engines) in the process; each runs one job at a time.</summary>
    public int Workers { get; init; } = 2;

    /// <summary>Where the local object store lives: videos and result records under <c>demo/</c>.</summary>
    public string OutputFolder { get; init; } = Path.Combine("out", "demo");

    public IReadOnlyList<string> Prompts { get; init; } = DefaultPrompts;

    /// <summary>Model name (see EngineCatalog); the synthetic placeholder until hunyuan-tiny exists.</summary>
    public string Model { get; init; } = Pipeline.HunyuanVideo.HunyuanTinyModel.Name;

    /// <summary>Weights folder (hunyuan-video: the official download; hunyuan-tiny: where it is written; null = its default).</summary>
    public string? WeightsPath { get; init; }

    public string Device { get; init; } = "cpu";

    public string Preset { get; init; } = "turbo";

    public int Width { get; init; } = 256;

    public int Height { get; init; } = 160;

    public int Frames { get; init; } = 17;

    public int Steps { get; init; } = 10;

    public long FirstSeed { get; init; } = 42;

    public double Guidance { get; init; } = 6.0;

    /// <summary>Gives up waiting for results after this long.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);
}
