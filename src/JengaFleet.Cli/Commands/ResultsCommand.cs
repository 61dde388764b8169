using System.CommandLine;
using JengaFleet.Worker.Batches;
using Spectre.Console;

namespace JengaFleet.Cli.Commands;

/// <summary><c>jenga results BATCH --output DIR</c>: the batch's videos and a manifest (CSV and JSONL) of every job.</summary>
internal static class ResultsCommand
{
    public static Command Create()
    {
        var batch = new Argument<string>("BATCH") { Description = "Batch id (printed by jenga enqueue)" };
        var output = new Option<string>("--output") { Description = "Folder for videos/, manifest.csv and manifest.jsonl", Required = true };
        var command = new Command("results", $"Download a batch's videos and write manifest.csv / manifest.jsonl (prompt, seed, preset, object key, timings, outcome, reason). Can run while the batch runs: pending jobs are listed as such. {StatusCommand.ExitCodes}")
        {
            batch, output,
        };
        command.SetAction(async (parse, cancel) =>
        {
            try
            {
                var (_, store) = BatchCli.Open(needsBroker: false);
                var tracker = await BatchTracker.OpenAsync(store, null, parse.GetValue(batch)!, TimeProvider.System, cancel);
                var status = await tracker.RefreshAsync(cancel);
                var dir = parse.GetValue(output)!;
                IReadOnlyList<BatchResultRow> rows = [];
                await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .StartAsync(async progress =>
                    {
                        var task = progress.AddTask("download", maxValue: Math.Max(1, tracker.Jobs.Count));
                        rows = await BatchResultsWriter.WriteAsync(tracker, store.Objects, dir, new Progress<(int Done, int Total)>(p => task.Value = p.Done), cancel);
                        task.Value = task.MaxValue;
                    });
                var pending = rows.Count(r => r.Outcome == "pending");
                AnsiConsole.MarkupLineInterpolated(
                    $"{dir}: {rows.Count(r => r.File is not null)} videos, manifest.csv and manifest.jsonl with {rows.Count} jobs ({status.Succeeded} succeeded, {status.Failed} failed, {pending} pending)");
                return status.ExitCode;
            }
            catch (Exception e) when (BatchCli.IsUserError(e))
            {
                return BatchCli.Fail(e);
            }
        });
        return command;
    }
}
