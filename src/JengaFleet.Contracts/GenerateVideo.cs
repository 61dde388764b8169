namespace JengaFleet.Contracts;

/// <summary>
/// Command: generate one video. Sent to a worker queue (default <c>jenga-generate</c>). The job id decides
/// the object keys (<c>{OutputPrefix}{JobId}/video.mp4</c> and <c>…/result.json</c>), so sending the same job
/// twice never produces two outputs.
/// </summary>
public sealed record GenerateVideo
{
    public int SchemaVersion { get; init; } = ContractVersion.Current;

    /// <summary>Unique per job; letters, digits, '.', '_' and '-' only, at most 128 characters.</summary>
    public string JobId { get; init; } = "";

    /// <summary>The batch this job belongs to (null for a single job).</summary>
    public string? BatchId { get; init; }

    public string Prompt { get; init; } = "";

    public string? NegativePrompt { get; init; }

    /// <summary>Model name; null means the model the receiving worker holds.</summary>
    public string? Model { get; init; }

    /// <summary>Jenga preset name (dense, base, turbo, flash, 3stage).</summary>
    public string Preset { get; init; } = "";

    public int Width { get; init; }

    public int Height { get; init; }

    public int Frames { get; init; }

    public int Steps { get; init; }

    public long Seed { get; init; }

    public double Guidance { get; init; }

    /// <summary>Key prefix for the outputs, e.g. <c>batches/2026-11-27-a/</c>; null or empty puts them under <c>jobs/</c>.</summary>
    public string? OutputPrefix { get; init; }

    public DateTimeOffset SubmittedAt { get; init; }
}
