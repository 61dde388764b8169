using System.Globalization;
using System.Text.RegularExpressions;
using JengaFleet.Worker.Jobs;

namespace JengaFleet.Worker.Batches;

/// <summary>
/// Where a batch lives in object storage, all derived from its id: <c>batches/{id}/batch.json</c> (what was enqueued,
/// to which queue), <c>batches/{id}/manifest.jsonl</c> (one line per job) and the jobs' outputs under
/// <c>batches/{id}/jobs/{jobId}/</c>. Job ids are the batch id and the source line number, so the same file
/// enqueued again under the same batch id names the same jobs and the same objects.
/// </summary>
public sealed partial record BatchKeys(string BatchId)
{
    public const string Root = "batches/";

    /// <summary>Room for the "-L" + line suffix inside the 128 characters of a job id.</summary>
    public const int MaxBatchIdLength = 100;

    /// <summary>Every object of the batch is under this prefix.</summary>
    public string Folder => $"{Root}{BatchId}/";

    public string Info => $"{Root}{BatchId}/batch.json";

    public string Manifest => $"{Root}{BatchId}/manifest.jsonl";

    /// <summary>The jobs' output prefix (the workers write <c>{OutputPrefix}{jobId}/video.mp4</c> and <c>…/result.json</c>).</summary>
    public string OutputPrefix => $"{Root}{BatchId}/jobs/";

    public string JobId(int line) => $"{BatchId}-L{line.ToString("D6", CultureInfo.InvariantCulture)}";

    public JobKeys Job(string jobId) => new(OutputPrefix, jobId);

    public static bool IsValidBatchId(string? id) => id is { Length: > 0 and <= MaxBatchIdLength } && BatchIdPattern().IsMatch(id);

    /// <summary>A fresh id: UTC time to the second and 4 random hex digits, e.g. <c>20261127-142501-9f3a</c>.</summary>
    public static string NewBatchId(DateTimeOffset now) =>
        $"{now.UtcDateTime:yyyyMMdd-HHmmss}-{Random.Shared.Next(0x10000):x4}";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex BatchIdPattern();
}
