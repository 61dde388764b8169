using System.Globalization;
using System.Text;
using System.Text.Json;
using JengaFleet.Contracts;
using JengaFleet.Worker.Jobs;
using JengaFleet.Worker.Storage;

namespace JengaFleet.Worker.Batches;

/// <summary>
/// <c>jenga results</c>: downloads every finished video of a batch into <c>{dir}/videos/{jobId}.mp4</c> (checked against
/// the SHA-256 in its result record; files already there with the right hash are kept) and writes
/// <c>manifest.jsonl</c> and <c>manifest.csv</c> with one row per job of the batch, pending ones included.
/// </summary>
public static class BatchResultsWriter
{
    public const string VideoFolder = "videos";

    private static readonly JsonSerializerOptions CompactJson = new(ContractJson.Options) { WriteIndented = false };

    public static async Task<IReadOnlyList<BatchResultRow>> WriteAsync(BatchTracker tracker, IObjectStore store, string outputDirectory,
        IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.Combine(outputDirectory, VideoFolder));
        var rows = new BatchResultRow[tracker.Jobs.Count];
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, rows.Length), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var job = tracker.Jobs[i];
            var record = tracker.Record(job.JobId);
            string? file = null;
            if (record is { Outcome: JobOutcome.Succeeded, Video: { } video })
                file = await DownloadAsync(store, video, job.JobId, outputDirectory, ct);
            rows[i] = Row(job, record, file);
            progress?.Report((Interlocked.Increment(ref done), rows.Length));
        });

        await File.WriteAllTextAsync(Path.Combine(outputDirectory, "manifest.jsonl"),
            string.Concat(rows.Select(r => JsonSerializer.Serialize(r, CompactJson) + "\n")), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(outputDirectory, "manifest.csv"), Csv(rows), cancellationToken);
        return rows;
    }

    private static async Task<string> DownloadAsync(IObjectStore store, StoredObject video, string jobId, string outputDirectory, CancellationToken cancellationToken)
    {
        var relative = Path.Combine(VideoFolder, jobId + ".mp4");
        var path = Path.Combine(outputDirectory, relative);
        if (File.Exists(path) && await Sha256Hex.OfFileAsync(path, cancellationToken) == video.Sha256)
            return relative;
        var bytes = await store.GetBytesAsync(video.Key, cancellationToken)
            ?? throw new InvalidOperationException($"the result record of {jobId} names {video.Key}, which is not in storage");
        var sha = Sha256Hex.Of(bytes);
        if (sha != video.Sha256)
            throw new InvalidOperationException($"{video.Key}: downloaded SHA-256 {sha} differs from the result record's {video.Sha256}");
        var partial = path + ".part";
        await File.WriteAllBytesAsync(partial, bytes, cancellationToken);
        File.Move(partial, path, overwrite: true);
        return relative;
    }

    private static BatchResultRow Row(BatchJob job, VideoResultRecord? record, string? file) => new()
    {
        Line = job.Line,
        JobId = job.JobId,
        Outcome = record is null ? "pending" : record.Outcome == JobOutcome.Succeeded ? "succeeded" : "failed",
        Reason = record?.Failure is { } f ? ReasonCodes.Name(f.Reason) : null,
        Message = record?.Failure?.Message,
        Prompt = job.Prompt,
        NegativePrompt = job.NegativePrompt,
        Model = job.Model,
        Preset = job.Preset,
        Width = job.Width,
        Height = job.Height,
        Frames = job.Frames,
        Steps = job.Steps,
        Seed = job.Seed,
        Guidance = job.Guidance,
        VideoKey = job.VideoKey,
        RecordKey = job.RecordKey,
        File = file,
        Sha256 = record?.Video?.Sha256,
        SizeBytes = record?.Video?.SizeBytes,
        Worker = record?.Worker,
        Gpu = record?.Gpu,
        StartedAt = record?.StartedAt,
        CompletedAt = record?.CompletedAt,
        QueueWaitSeconds = record?.QueueWaitSeconds,
        JobSeconds = record is null ? null : (record.CompletedAt - record.StartedAt).TotalSeconds,
        Timings = record?.Timings.GroupBy(t => t.Stage).ToDictionary(g => g.Key, g => g.Sum(t => t.Seconds)) ?? new Dictionary<string, double>(),
    };

    /// <summary>RFC 4180 CSV: the fixed columns, then one <c>{stage}_s</c> column per stage any job reported.</summary>
    private static string Csv(IReadOnlyList<BatchResultRow> rows)
    {
        var stages = rows.SelectMany(r => r.Timings.Keys).Distinct().ToList();
        string[] header =
        [
            "line", "job_id", "outcome", "reason", "message", "prompt", "negative_prompt", "model", "preset", "width", "height", "frames", "steps", "seed", "guidance",
            "video_key", "record_key", "file", "sha256", "size_bytes", "worker", "gpu", "started_at", "completed_at", "queue_wait_s", "job_s",
            .. stages.Select(s => s + "_s"),
        ];
        var text = new StringBuilder();
        text.AppendJoin(',', header).Append("\r\n");
        foreach (var r in rows)
        {
            string?[] cells =
            [
                N(r.Line), r.JobId, r.Outcome, r.Reason, r.Message, r.Prompt, r.NegativePrompt, r.Model, r.Preset, N(r.Width), N(r.Height), N(r.Frames), N(r.Steps), N(r.Seed), N(r.Guidance),
                r.VideoKey, r.RecordKey, r.File?.Replace('\\', '/'), r.Sha256, N(r.SizeBytes), r.Worker, r.Gpu, r.StartedAt?.ToString("O", CultureInfo.InvariantCulture),
                r.CompletedAt?.ToString("O", CultureInfo.InvariantCulture), N(r.QueueWaitSeconds), N(r.JobSeconds),
                .. stages.Select(s => r.Timings.TryGetValue(s, out var v) ? N(v) : null),
            ];
            text.AppendJoin(',', cells.Select(Escape)).Append("\r\n");
        }

        return text.ToString();
    }

    private static string? N<T>(T? value) where T : struct, IFormattable => value?.ToString(null, CultureInfo.InvariantCulture);

    private static string N<T>(T value) where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);

    private static string Escape(string? cell) =>
        cell is null ? "" : cell.AsSpan().IndexOfAny("\",\r\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
