using JengaFleet.Contracts;

namespace JengaFleet.Worker.Batches;

/// <summary>
/// A batch at one moment. Succeeded and failed come from the result records and are exact. The queue is shared by every
/// batch on it and only tells ready messages and consumers, so queued and running are estimates for this batch:
/// queued = min(pending, ready messages), running = min(the rest, consumers). Pending jobs that are neither
/// (<see cref="Unaccounted"/>) are in the error queue or were lost (e.g. a purged queue): enqueue the batch again
/// with <c>--resend</c> to send them.
/// </summary>
public sealed record BatchStatus
{
    public required BatchInfo Info { get; init; }

    public int Total { get; init; }

    public int Succeeded { get; init; }

    public int Failed { get; init; }

    public int Queued { get; init; }

    public int Running { get; init; }

    public int Unaccounted { get; init; }

    public required QueueCounts Queue { get; init; }

    /// <summary>Failed jobs by reason code.</summary>
    public IReadOnlyDictionary<string, int> FailureReasons { get; init; } = new Dictionary<string, int>();

    /// <summary>Jobs ended per minute, from the first job's start to the last end (or now, while running); null before any job ended.</summary>
    public double? JobsPerMinute { get; init; }

    /// <summary>Time left at <see cref="JobsPerMinute"/>; null when unknown.</summary>
    public TimeSpan? Eta { get; init; }

    public IReadOnlyList<VideoResultRecord> Records { get; init; } = [];

    public int Ended => Succeeded + Failed;

    public int Pending => Total - Ended;

    /// <summary>Every job has a result record.</summary>
    public bool IsComplete => Info.EnqueuedAt is not null && Pending == 0;

    /// <summary>Complete and every job succeeded.</summary>
    public bool IsClean => IsComplete && Failed == 0;

    /// <summary>0 complete and clean, 1 complete with failed jobs, 2 not complete.</summary>
    public int ExitCode => IsClean ? 0 : IsComplete ? 1 : 2;
}
