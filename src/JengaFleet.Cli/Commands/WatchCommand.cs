using System.CommandLine;
using JengaFleet.Worker.Batches;
using Spectre.Console;

namespace JengaFleet.Cli.Commands;

/// <summary><c>jenga watch BATCH</c>: <c>jenga status</c> refreshed live until every job of the batch has ended.</summary>
internal static class WatchCommand
{
    public static Command Create()
    {
        var batch = new Argument<string>("BATCH") { Description = "Batch id (printed by jenga enqueue)" };
        var interval = new Option<double>("--interval") { Description = "Seconds between refreshes", DefaultValueFactory = _ => 5 };
        var timeout = new Option<double?>("--timeout") { Description = "Give up after this many seconds (exit code 2)" };
        var command = new Command("watch", $"Follow a batch live; returns when every job has ended. {StatusCommand.ExitCodes}") { batch, interval, timeout };
        command.SetAction(async (parse, cancel) =>
        {
            try
            {
                var (settings, store) = BatchCli.Open();
                var tracker = await BatchTracker.OpenAsync(store, settings.RabbitMq, parse.GetValue(batch)!, TimeProvider.System, cancel);
                var every = TimeSpan.FromSeconds(Math.Max(0.2, parse.GetValue(interval)));
                var deadline = parse.GetValue(timeout) is { } t ? DateTimeOffset.UtcNow + TimeSpan.FromSeconds(t) : DateTimeOffset.MaxValue;
                var status = await tracker.RefreshAsync(cancel);
                await AnsiConsole.Live(BatchCli.StatusTable(status)).StartAsync(async live =>
                {
                    while (!status.IsComplete && DateTimeOffset.UtcNow < deadline)
                    {
                        await Task.Delay(every, cancel);
                        status = await tracker.RefreshAsync(cancel);
                        live.UpdateTarget(BatchCli.StatusTable(status));
                    }
                });
                if (!status.IsComplete)
                    AnsiConsole.MarkupLine("[yellow]stopped watching: the batch is not finished[/]");
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
