using JengaFleet.Contracts;

namespace JengaFleet.Worker.Batches;

/// <summary>
/// <c>batches/{id}/batch.json</c>: where a batch's jobs went and how far enqueueing got. Written before the first message
/// is sent and again when every message is confirmed, so an interrupted enqueue can be resumed by running it again.
/// </summary>
public sealed record BatchInfo
{
    public int SchemaVersion { get; init; } = ContractVersion.Current;

    public string BatchId { get; init; } = "";

    public string Queue { get; init; } = "";

    public string OutputPrefix { get; init; } = "";

    public string Source { get; init; } = "";

    public int Jobs { get; init; }

    /// <summary>Lines left out by <c>--skip-invalid</c>.</summary>
    public int SkippedLines { get; init; }

    /// <summary>SHA-256 of the manifest: a second enqueue under the same id must carry the same jobs.</summary>
    public string ManifestSha256 { get; init; } = "";

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Null until the broker confirmed every message.</summary>
    public DateTimeOffset? EnqueuedAt { get; init; }
}
