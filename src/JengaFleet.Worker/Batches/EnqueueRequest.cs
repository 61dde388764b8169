namespace JengaFleet.Worker.Batches;

/// <summary>What <c>jenga enqueue</c> was asked: the file, the batch id (null: a new one), the queue and the line defaults.</summary>
public sealed record EnqueueRequest(string Path, string? BatchId, string Queue, BatchDefaults Defaults, bool SkipInvalid)
{
    /// <summary>Messages awaiting the broker's confirm at once.</summary>
    public int MaxInFlight { get; init; } = 256;

    /// <summary>
    /// For an already enqueued batch: send again every job without a result record (jobs lost from the queue or left in
    /// its error queue). Jobs still waiting in the queue would then run twice (same keys, so still one output each).
    /// </summary>
    public bool Resend { get; init; }
}
