using System.CommandLine;
using JengaFleet.Jenga.Presets;
using JengaFleet.Pipeline.Engine;
using JengaFleet.Pipeline.HunyuanVideo;
using JengaFleet.Pipeline.Video;
using Spectre.Console;

namespace JengaFleet.Cli.Commands;

/// <summary><c>jenga generate</c>: one prompt to one mp4 with any Jenga preset.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var prompt = new Option<string>("--prompt") { Description = "What the video shows", Required = true };
        var negative = new Option<string?>("--negative-prompt") { Description = "Accepted for compatibility; the guidance-distilled model runs without CFG and does not use it" };
        var model = new Option<string>("--model") { Description = $"Model: {string.Join(", ", ModelCatalog.Names)} (hunyuan-tiny: the real architecture at tiny widths with random weights — its videos are noise; it runs anywhere in seconds)", DefaultValueFactory = _ => HunyuanTinyModel.Name };
        var weights = new Option<string?>("--weights") { Description = "Weights folder in the official download layout (hunyuan-video: e.g. ckpts; default $MODEL_BASE). hunyuan-tiny: where to write it (default ~/.cache/jengafleet/hunyuan-tiny)" };
        var preset = new Option<string>("--preset") { Description = $"Jenga preset: {string.Join(", ", JengaPresets.Names)}", DefaultValueFactory = _ => "turbo" };
        var width = new Option<int?>("--width") { Description = "Width in pixels, a multiple of 16 (default 1280; hunyuan-tiny 128)" };
        var height = new Option<int?>("--height") { Description = "Height in pixels, a multiple of 16 (default 720; hunyuan-tiny 128)" };
        var frames = new Option<int?>("--frames") { Description = "Frames, 4k+1 (default 125; hunyuan-tiny 9)" };
        var steps = new Option<int>("--steps") { Description = "Denoising steps", DefaultValueFactory = _ => 50 };
        var seed = new Option<long>("--seed") { Description = "Random seed (same seed, same video on the same device)", DefaultValueFactory = _ => 42 };
        var guidance = new Option<double>("--guidance") { Description = "Embedded guidance scale", DefaultValueFactory = _ => 6.0 };
        var device = new Option<string>("--device") { Description = "cpu or cuda", DefaultValueFactory = _ => "cpu" };
        var output = new Option<string>("--output") { Description = "The mp4 to write", Required = true };
        var command = new Command("generate", "Generate a video from a prompt (H.264 mp4, 24 fps).")
        {
            prompt, negative, model, weights, preset, width, height, frames, steps, seed, guidance, device, output,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var modelName = parse.GetValue(model)!;
            var (w, h, f) = ModelCatalog.DefaultSize(modelName);
            var request = new GenerationRequest(
                parse.GetValue(prompt)!, parse.GetValue(negative), modelName, parse.GetValue(preset)!,
                parse.GetValue(width) ?? w, parse.GetValue(height) ?? h, parse.GetValue(frames) ?? f,
                parse.GetValue(steps), parse.GetValue(seed), parse.GetValue(guidance));
            return await RunAsync(request, parse.GetValue(weights), parse.GetValue(device)!, parse.GetValue(output)!, cancel);
        });
        return command;
    }

    private static async Task<int> RunAsync(GenerationRequest request, string? weights, string deviceName, string output, CancellationToken cancel)
    {
        HunyuanVideoEngine engine;
        try
        {
            // Everything that can be checked is checked before a model is loaded.
            if (!ModelCatalog.IsKnown(request.Model))
                throw new ArgumentException($"unknown model '{request.Model}'; known models: {string.Join(", ", ModelCatalog.Names)}");
            var validation = GenerationRequestValidator.Validate(request, request.Model, new EngineLimits());
            if (!validation.IsValid)
                throw new ArgumentException(validation.Message);
            FfmpegLocator.EnsureAvailable();
            var options = ModelCatalog.Resolve(request.Model, weights, ModelCatalog.ParseDevice(deviceName));
            engine = new HunyuanVideoEngine(options);
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or InvalidOperationException)
        {
            return CliError.Report(e.Message);
        }

        await using (engine)
        {
            await AnsiConsole.Status().StartAsync($"loading {request.Model}", _ => engine.LoadAsync(cancel));
            if (engine.Info.Model == HunyuanTinyModel.Name)
                AnsiConsole.MarkupLine("[yellow]hunyuan-tiny has random weights: the video is noise (it exercises every code path).[/]");

            GeneratedVideo video = null!;
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .StartAsync(async progress =>
                {
                    var steps = progress.AddTask($"denoise ({request.Preset})", maxValue: request.Steps);
                    video = await engine.GenerateAsync(request, output, new ProgressObserver(steps), cancel);
                });

            var table = new Table().AddColumns("stage", "seconds");
            foreach (var stage in video.Timings)
                table.AddRow(stage.Stage, stage.Duration.TotalSeconds.ToString("0.000"));
            table.AddRow("[bold]total[/]", video.Timings.Sum(t => t.Duration.TotalSeconds).ToString("0.000"));
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated($"wrote [bold]{video.Mp4Path}[/]: {video.Width}x{video.Height}, {video.Frames} frames at {video.FramesPerSecond} fps");
        }

        return 0;
    }

    private sealed class ProgressObserver(ProgressTask steps) : IGenerationObserver
    {
        public void StepCompleted(DenoiseStepTime step) => steps.Increment(1);
    }
}
