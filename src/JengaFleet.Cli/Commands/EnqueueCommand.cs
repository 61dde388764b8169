using System.CommandLine;
using JengaFleet.Jenga.Presets;
using JengaFleet.Pipeline.HunyuanVideo;
using JengaFleet.Worker.Batches;
using JengaFleet.Worker.Engines;
using Spectre.Console;

namespace JengaFleet.Cli.Commands;

/// <summary><c>jenga enqueue FILE</c>: check every line, then send the batch's jobs to a worker queue with publisher confirms.</summary>
internal static class EnqueueCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = ".txt (one prompt per line) or .jsonl (one object per line: prompt, negativePrompt, model, preset, width, height, frames, steps, seed, guidance)" };
        var queue = new Option<string?>("--queue") { Description = "Worker queue (default: Worker__Queue, else jenga-generate)" };
        var batchId = new Option<string?>("--batch-id") { Description = "Batch id (default: a new one from the time). The same file under the same id is never enqueued twice" };
        var skipInvalid = new Option<bool>("--skip-invalid") { Description = "Enqueue the valid lines even if some are invalid (they are reported and left out)" };
        var resend = new Option<bool>("--resend") { Description = "Batch already enqueued: send again every job without a result (lost or in the error queue)" };
        var model = new Option<string>("--model") { Description = $"Model of every line: {string.Join(", ", EngineCatalog.KnownModels)}", DefaultValueFactory = _ => ModelCatalog.HunyuanVideo };
        var preset = new Option<string>("--preset") { Description = $"Jenga preset: {string.Join(", ", JengaPresets.Names)}", DefaultValueFactory = _ => "turbo" };
        var width = new Option<int?>("--width") { Description = "Width, a multiple of 16 (default 1280; hunyuan-tiny 128)" };
        var height = new Option<int?>("--height") { Description = "Height, a multiple of 16 (default 720; hunyuan-tiny 128)" };
        var frames = new Option<int?>("--frames") { Description = "Frames, 4k+1 (default 125; hunyuan-tiny 9)" };
        var steps = new Option<int>("--steps") { Description = "Denoising steps", DefaultValueFactory = _ => 50 };
        var seed = new Option<long>("--seed") { Description = "Base seed: a line without a seed gets a fixed function of this and its line number", DefaultValueFactory = _ => 0 };
        var guidance = new Option<double>("--guidance") { Description = "Embedded guidance scale", DefaultValueFactory = _ => 6.0 };
        var negative = new Option<string?>("--negative-prompt") { Description = "Negative prompt of every line" };
        var inFlight = new Option<int>("--max-in-flight") { Description = "Messages awaiting the broker's confirm at once", DefaultValueFactory = _ => 256 };
        var command = new Command("enqueue", "Enqueue a batch of prompts for the worker fleet; prints the batch id. Nothing is sent unless every line is valid (or --skip-invalid).")
        {
            file, queue, batchId, skipInvalid, resend, model, preset, width, height, frames, steps, seed, guidance, negative, inFlight,
        };
        command.SetAction(async (parse, cancel) =>
        {
            try
            {
                var (settings, store) = BatchCli.Open();
                var modelName = parse.GetValue(model)!;
                var (w, h, f) = ModelCatalog.DefaultSize(modelName);
                var defaults = new BatchDefaults
                {
                    Model = modelName,
                    Preset = parse.GetValue(preset)!,
                    Width = parse.GetValue(width) ?? w,
                    Height = parse.GetValue(height) ?? h,
                    Frames = parse.GetValue(frames) ?? f,
                    Steps = parse.GetValue(steps),
                    Seed = parse.GetValue(seed),
                    Guidance = parse.GetValue(guidance),
                    NegativePrompt = parse.GetValue(negative),
                };
                var path = parse.GetValue(file)!.FullName;
                if (!File.Exists(path))
                    throw new FileNotFoundException($"no such file: {path}");
                var request = new EnqueueRequest(path, parse.GetValue(batchId), parse.GetValue(queue) ?? settings.DefaultQueue, defaults, parse.GetValue(skipInvalid))
                {
                    Resend = parse.GetValue(resend),
                    MaxInFlight = Math.Max(1, parse.GetValue(inFlight)),
                };
                var enqueuer = new BatchEnqueuer(store, settings.RabbitMq, TimeProvider.System);
                EnqueueResult result = null!;
                await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                    .StartAsync(async progress =>
                    {
                        var task = progress.AddTask("enqueue (confirmed)", autoStart: true, maxValue: 1);
                        result = await enqueuer.EnqueueAsync(request, new TaskProgress(task), cancel);
                        task.Value = task.MaxValue;
                    });
                return Report(result, request.SkipInvalid);
            }
            catch (Exception e) when (BatchCli.IsUserError(e))
            {
                return BatchCli.Fail(e);
            }
        });
        return command;
    }

    private static int Report(EnqueueResult r, bool skipInvalid)
    {
        if (r.Errors.Count > 0)
        {
            var table = new Table().AddColumns("line", "reason", "problem");
            foreach (var e in r.Errors.Take(50))
                table.AddRow(e.Line.ToString(), Markup.Escape(e.Reason), Markup.Escape(e.Message));
            if (r.Errors.Count > 50)
                table.Caption($"… and {r.Errors.Count - 50} more invalid lines");
            AnsiConsole.Write(table);
        }

        if (r.Refused)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]nothing enqueued:[/] {r.Errors.Count} invalid lines, {r.Jobs} valid{(skipInvalid ? "" : " (fix them, or pass --skip-invalid to enqueue the valid ones)")}");
            return BatchCli.UsageError;
        }

        if (r.AlreadyQueued > 0)
            AnsiConsole.MarkupLineInterpolated($"batch [bold]{r.BatchId}[/] was already enqueued ({r.AlreadyQueued} jobs): nothing sent again");
        else
        {
            var rate = r.SendTime.TotalSeconds > 0 ? r.Sent / r.SendTime.TotalSeconds : 0;
            var notes = (r.AlreadyDone > 0 ? $"; {r.AlreadyDone} jobs already had results and were not sent" : "")
                + (r.Errors.Count > 0 ? $"; {r.Errors.Count} invalid lines skipped" : "");
            AnsiConsole.MarkupLineInterpolated($"enqueued [bold]{r.Sent}[/] jobs to queue [bold]{r.Queue}[/] in {r.SendTime.TotalSeconds:0.00} s ({rate:0} jobs/s, every one confirmed by the broker){notes}");
        }

        AnsiConsole.MarkupLineInterpolated($"batch id: [bold]{r.BatchId}[/]   (jenga status {r.BatchId} · jenga watch {r.BatchId} · jenga results {r.BatchId} --output DIR)");
        Console.Out.Flush();
        return 0;
    }

    /// <summary>Moves the progress bar from the enqueuer's reports (any thread; Spectre's task is thread-safe).</summary>
    private sealed class TaskProgress(ProgressTask task) : IProgress<(int Sent, int Total)>
    {
        public void Report((int Sent, int Total) value)
        {
            task.MaxValue = Math.Max(1, value.Total);
            task.Value = value.Sent;
        }
    }
}
