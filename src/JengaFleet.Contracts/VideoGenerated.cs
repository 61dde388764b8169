namespace JengaFleet.Contracts;

/// <summary>Event: a job's video and result record are in storage.</summary>
public sealed record VideoGenerated
{
    public int SchemaVersion { get; init; } = ContractVersion.Current;

    public string JobId { get; init; } = "";

    public string? BatchId { get; init; }

    public StoredObject Video { get; init; } = new("", 0, "", "");

    public StoredObject Record { get; init; } = new("", 0, "", "");

    public IReadOnlyList<StageTiming> Timings { get; init; } = [];

    public string Worker { get; init; } = "";

    /// <summary>The accelerator that ran the job (e.g. "NVIDIA H100 80GB HBM3"), or "cpu".</summary>
    public string Gpu { get; init; } = "";

    /// <summary>True when the worker found the job already done (a redelivery) and only re-announced it.</summary>
    public bool AlreadyExisted { get; init; }

    public DateTimeOffset CompletedAt { get; init; }
}
