namespace JengaFleet.Worker.Batches;

/// <summary>One job in the results manifest (<c>manifest.jsonl</c> / <c>manifest.csv</c> written by <c>jenga results</c>).</summary>
public sealed record BatchResultRow
{
    public int Line { get; init; }

    public string JobId { get; init; } = "";

    /// <summary><c>succeeded</c>, <c>failed</c> or <c>pending</c> (no result record yet).</summary>
    public string Outcome { get; init; } = "";

    /// <summary>Reason code of a failure.</summary>
    public string? Reason { get; init; }

    public string? Message { get; init; }

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

    /// <summary>The downloaded mp4, relative to the output folder.</summary>
    public string? File { get; init; }

    public string? Sha256 { get; init; }

    public long? SizeBytes { get; init; }

    public string? Worker { get; init; }

    public string? Gpu { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public double? QueueWaitSeconds { get; init; }

    /// <summary>Start to end of the job on its worker.</summary>
    public double? JobSeconds { get; init; }

    /// <summary>Seconds per stage (text_encode, denoise_0, …, vae_decode, video_encode, upload).</summary>
    public IReadOnlyDictionary<string, double> Timings { get; init; } = new Dictionary<string, double>();
}
