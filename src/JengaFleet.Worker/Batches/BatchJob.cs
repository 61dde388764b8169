using JengaFleet.Contracts;

namespace JengaFleet.Worker.Batches;

/// <summary>
/// One job of a batch: a line of <c>manifest.jsonl</c>. Holds the full request (so results can be listed even for jobs
/// that never ran) and the keys its outputs will have.
/// </summary>
public sealed record BatchJob
{
    /// <summary>1-based line number in the source file.</summary>
    public int Line { get; init; }

    public string JobId { get; init; } = "";

    public string Prompt { get; init; } = "";

    public string? NegativePrompt { get; init; }

    public string Model { get; init; } = "";

    public string Preset { get; init; } = "";

    public int Width { get; init; }

    public int Height { get; init; }

    public int Frames { get; init; }

    public int Steps { get; init; }

    public long Seed { get; init; }

    public double Guidance { get; init; }

    public string VideoKey { get; init; } = "";

    public string RecordKey { get; init; } = "";

    public GenerateVideo ToMessage(string batchId, string outputPrefix, DateTimeOffset submittedAt) => new()
    {
        JobId = JobId,
        BatchId = batchId,
        Prompt = Prompt,
        NegativePrompt = NegativePrompt,
        Model = Model,
        Preset = Preset,
        Width = Width,
        Height = Height,
        Frames = Frames,
        Steps = Steps,
        Seed = Seed,
        Guidance = Guidance,
        OutputPrefix = outputPrefix,
        SubmittedAt = submittedAt,
    };
}
