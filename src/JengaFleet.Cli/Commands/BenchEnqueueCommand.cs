using System.CommandLine;
using System.Diagnostics;
using JengaFleet.Worker.Batches;
using RabbitMQ.Client;
using Spectre.Console;

namespace JengaFleet.Cli.Commands;

/// <summary>
/// <c>jenga bench enqueue</c>: enqueues N generated prompts through the same code as <c>jenga enqueue</c> (read and check
/// every line, write the manifest, send with publisher confirms) against the configured broker and storage, then
/// purges the bench queue (no worker should consume it).
/// </summary>
internal static class BenchEnqueueCommand
{
    public static Command Create()
    {
        var prompts = new Option<int>("--prompts") { Description = "Prompts to enqueue", DefaultValueFactory = _ => 10_000 };
        var queue = new Option<string>("--queue") { Description = "Queue to fill (purged afterwards unless --keep)", DefaultValueFactory = _ => "jenga-bench-enqueue" };
        var inFlight = new Option<int>("--max-in-flight") { Description = "Messages awaiting the broker's confirm at once", DefaultValueFactory = _ => 256 };
        var keep = new Option<bool>("--keep") { Description = "Leave the messages in the queue" };
        var command = new Command("enqueue", "Time jenga enqueue of N prompts against the configured broker (RabbitMq__Uri) and storage (Storage__*).") { prompts, queue, inFlight, keep };
        command.SetAction(async (parse, cancel) =>
        {
            try
            {
                var (settings, store) = BatchCli.Open();
                var n = parse.GetValue(prompts);
                var queueName = parse.GetValue(queue)!;
                var path = Path.Combine(Path.GetTempPath(), $"jenga-bench-{Guid.NewGuid():N}.txt");
                await File.WriteAllLinesAsync(path, Enumerable.Range(1, n).Select(i => $"benchmark prompt {i}: a lighthouse at dusk, waves, slow pan"), cancel);
                try
                {
                    var request = new EnqueueRequest(path, null, queueName, new BatchDefaults(), SkipInvalid: false) { MaxInFlight = parse.GetValue(inFlight) };
                    var total = Stopwatch.StartNew();
                    var result = await new BatchEnqueuer(store, settings.RabbitMq, TimeProvider.System).EnqueueAsync(request, null, cancel);
                    total.Stop();
                    var table = new Table().AddColumns("prompts", "batch", "read + check + manifest + connect, s", "send (confirmed), s", "total, s", "jobs/s (send)", "jobs/s (total)");
                    var before = total.Elapsed - result.SendTime;
                    table.AddRow(result.Sent.ToString(), result.BatchId, before.TotalSeconds.ToString("0.00"), result.SendTime.TotalSeconds.ToString("0.00"),
                        total.Elapsed.TotalSeconds.ToString("0.00"), (result.Sent / result.SendTime.TotalSeconds).ToString("0"), (result.Sent / total.Elapsed.TotalSeconds).ToString("0"));
                    AnsiConsole.Write(table);
                    if (!parse.GetValue(keep))
                    {
                        await using var connection = await new ConnectionFactory { Uri = settings.RabbitMq.Uri! }.CreateConnectionAsync(cancel);
                        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancel);
                        var purged = await channel.QueuePurgeAsync(queueName, cancel);
                        AnsiConsole.MarkupLineInterpolated($"purged {purged} messages from {queueName}");
                    }

                    return result.Sent == n ? 0 : 1;
                }
                finally
                {
                    File.Delete(path);
                }
            }
            catch (Exception e) when (BatchCli.IsUserError(e))
            {
                return BatchCli.Fail(e);
            }
        });
        return command;
    }
}
