namespace JengaFleet.Contracts;

/// <summary>
/// The JSON document stored next to each job's outputs (<c>{prefix}{jobId}/result.json</c>), for success and
/// failure alike. Its presence marks the job as done: a redelivered job whose record exists is only
/// re-announced, never regenerated.
/// </summary>
public sealed record VideoResultRecord
{
    public int SchemaVersion { get; init; } = ContractVersion.Current;

    public string JobId { get; init; } = "";

    public string? BatchId { get; init; }

    public JobOutcome Outcome { get; init; }

    /// <summary>The request as received (null only when the message could not be read).</summary>
    public GenerateVideo? Request { get; init; }

    /// <summary>The video, on success.</summary>
    public StoredObject? Video { get; init; }

    /// <summary>Why it failed, on failure.</summary>
    public FailureDetails? Failure { get; init; }

    public IReadOnlyList<StageTiming> Timings { get; init; } = [];

    public string Worker { get; init; } = "";

    public string Gpu { get; init; } = "";

    /// <summary>The engine that ran the job, e.g. "synthetic-test-pattern (placeholder, no model)".</summary>
    public string Engine { get; init; } = "";

    public SoftwareVersions? Software { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset CompletedAt { get; init; }

    /// <summary>From <see cref="GenerateVideo.SubmittedAt"/> to the worker taking the job.</summary>
    public double QueueWaitSeconds { get; init; }
}
