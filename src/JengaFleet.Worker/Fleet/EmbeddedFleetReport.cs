using System.Globalization;
using System.Text;

namespace JengaFleet.Worker.Fleet;

/// <summary>One job of a demo run: where its files are and how it ended.</summary>
public sealed record EmbeddedFleetJob(string JobId, string Prompt, bool Succeeded, string? VideoPath, string RecordPath, string? Failure, string Worker);

/// <summary>Latency of one stage over every job of the run, in seconds.</summary>
public sealed record StageLatency(string Stage, int Count, double Mean, double P50, double P95, double Max);

/// <summary>What a demo run did: per-job outcome and files, per-stage latency, and the engine that produced them.</summary>
public sealed record EmbeddedFleetReport(IReadOnlyList<EmbeddedFleetJob> Jobs, IReadOnlyList<StageLatency> Stages, TimeSpan Elapsed, string Engine, bool EngineIsPlaceholder, int Workers)
{
    public int Succeeded => Jobs.Count(j => j.Succeeded);

    /// <summary>A plain-text summary for a terminal: jobs, files, then the stage table.</summary>
    public string FormatSummary()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"{Succeeded}/{Jobs.Count} videos with {Workers} workers in {Elapsed.TotalSeconds:F1} s — engine: {Engine}");
        if (EngineIsPlaceholder)
            text.AppendLine("NOTE: this engine is a placeholder that draws test patterns; no model ran.");
        foreach (var job in Jobs)
            text.AppendLine(c, $"  {job.JobId}  {(job.Succeeded ? "ok    " : "FAILED")}  {job.Worker,-16} {job.VideoPath ?? job.Failure}");
        text.AppendLine();
        text.AppendLine(c, $"  {"stage",-14} {"jobs",5} {"mean s",9} {"p50 s",9} {"p95 s",9} {"max s",9}");
        foreach (var s in Stages)
            text.AppendLine(c, $"  {s.Stage,-14} {s.Count,5} {s.Mean,9:F3} {s.P50,9:F3} {s.P95,9:F3} {s.Max,9:F3}");
        return text.ToString();
    }
}
