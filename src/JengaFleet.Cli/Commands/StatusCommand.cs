using System.CommandLine;
using JengaFleet.Worker.Batches;
using Spectre.Console;

namespace JengaFleet.Cli.Commands;

/// <summary><c>jenga status BATCH</c>: counts from the result records and the queue; the exit code says whether the batch is done and clean.</summary>
internal static class StatusCommand
{
    public const string ExitCodes = "Exit code: 0 every job succeeded, 1 every job ended but some failed, 2 not finished, 3 batch or settings not found, 4 broker or storage failed.";

    public static Command Create()
    {
        var batch = new Argument<string>("BATCH") { Description = "Batch id (printed by jenga enqueue)" };
        var command = new Command("status", $"Queued / running / succeeded / failed jobs of a batch, throughput and ETA. {ExitCodes}") { batch };
        command.SetAction(async (parse, cancel) =>
        {
            try
            {
                var (settings, store) = BatchCli.Open();
                var tracker = await BatchTracker.OpenAsync(store, settings.RabbitMq, parse.GetValue(batch)!, TimeProvider.System, cancel);
                var status = await tracker.RefreshAsync(cancel);
                AnsiConsole.Write(BatchCli.StatusTable(status));
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
