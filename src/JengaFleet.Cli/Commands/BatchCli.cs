using JengaFleet.Worker;
using JengaFleet.Worker.Batches;
using JengaFleet.Worker.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;

namespace JengaFleet.Cli.Commands;

/// <summary>What the batch commands share: settings from the worker's configuration, the object store, and how errors are printed.</summary>
internal static class BatchCli
{
    /// <summary>Exit code for wrong settings, a missing batch or a refused file.</summary>
    public const int UsageError = 3;

    public static (BatchSettings Settings, BatchStore Store) Open(bool needsBroker = true)
    {
        var settings = BatchSettings.Load(BatchSettings.DefaultConfiguration(), needsBroker);
        var objects = WorkerServices.CreateStore(settings.Storage);
        return (settings, new BatchStore(objects, new StorageRetry(settings.Storage, NullLogger<StorageRetry>.Instance)));
    }

    /// <summary>Exit code when the broker or storage failed (unreachable, refused a message); enqueue can be run again to resume.</summary>
    public const int ServiceError = 4;

    /// <summary>Errors reported as one line and an exit code instead of a stack trace.</summary>
    public static bool IsUserError(Exception e) =>
        e is InvalidOperationException or ArgumentException or BatchNotFoundException or BatchConflictException or FileNotFoundException or DirectoryNotFoundException
        || IsServiceError(e);

    public static int Fail(Exception e)
    {
        AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.GetType().Name}: {e.Message}");
        return IsServiceError(e) ? ServiceError : UsageError;
    }

    private static bool IsServiceError(Exception e) =>
        e is RabbitMQ.Client.Exceptions.RabbitMQClientException or RabbitMQ.Client.Exceptions.OperationInterruptedException
            or RabbitMQ.Client.Exceptions.BrokerUnreachableException or StorageUnavailableException;

    /// <summary>The status as a table (also the body of <c>jenga watch</c>).</summary>
    public static Table StatusTable(BatchStatus s)
    {
        var table = new Table().AddColumns("batch", "queue", "total", "queued", "running", "succeeded", "failed", "jobs/min", "ETA");
        table.AddRow(
            Markup.Escape(s.Info.BatchId), Markup.Escape(s.Info.Queue), s.Total.ToString(), s.Queued.ToString(), s.Running.ToString(),
            $"[green]{s.Succeeded}[/]", s.Failed > 0 ? $"[red]{s.Failed}[/]" : "0",
            s.JobsPerMinute is { } r ? r.ToString("0.0") : "-",
            s.Eta is { } eta ? (s.IsComplete ? "done" : FormatDuration(eta)) : "-");
        var notes = new List<string>();
        if (s.Info.EnqueuedAt is null)
            notes.Add("[yellow]enqueue not finished (run jenga enqueue again with the same file and --batch-id to resume)[/]");
        if (s.Unaccounted > 0)
            notes.Add($"[yellow]{s.Unaccounted} pending jobs are neither in the queue nor running ({s.Queue.ErrorQueue} messages in {Markup.Escape(s.Info.Queue)}_error); resend them with jenga enqueue --resend[/]");
        if (s.FailureReasons.Count > 0)
            notes.Add("failures: " + string.Join(", ", s.FailureReasons.OrderByDescending(p => p.Value).Select(p => $"{Markup.Escape(p.Key)} {p.Value}")));
        notes.Add($"queue now: {s.Queue.Ready} ready messages (all batches), {s.Queue.Consumers} workers; skipped lines at enqueue: {s.Info.SkippedLines}");
        table.Caption(string.Join("\n", notes));
        return table;
    }

    public static string FormatDuration(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : t.TotalMinutes >= 1 ? $"{t.Minutes}m{t.Seconds:D2}s" : $"{t.TotalSeconds:0}s";
}
