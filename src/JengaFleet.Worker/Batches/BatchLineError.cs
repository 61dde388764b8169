namespace JengaFleet.Worker.Batches;

/// <summary>A line of a batch file that cannot become a job: its 1-based number, a stable reason name and what is wrong.</summary>
public sealed record BatchLineError(int Line, string Reason, string Message)
{
    /// <summary>The line is not a JSON object of known fields with the right types (jsonl only).</summary>
    public const string MalformedLine = "malformed_line";
}
