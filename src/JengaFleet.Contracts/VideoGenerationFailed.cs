namespace JengaFleet.Contracts;

/// <summary>Event: a job ended without a video. <see cref="Retryable"/> tells whether sending the same request again may succeed.</summary>
public sealed record VideoGenerationFailed
{
    public int SchemaVersion { get; init; } = ContractVersion.Current;

    /// <summary>The job id, or the transport's message id when the message was too malformed to carry one.</summary>
    public string JobId { get; init; } = "";

    public string? BatchId { get; init; }

    public FailureReason Reason { get; init; }

    public string Message { get; init; } = "";

    public bool Retryable { get; init; }

    /// <summary>Key of the failed result record, when one could be written.</summary>
    public string? RecordKey { get; init; }

    public string Worker { get; init; } = "";

    public DateTimeOffset FailedAt { get; init; }
}
