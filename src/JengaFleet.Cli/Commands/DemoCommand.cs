using System.CommandLine;
using JengaFleet.Jenga.Presets;
using JengaFleet.Pipeline.HunyuanVideo;
using JengaFleet.Worker.Fleet;
using Spectre.Console;

namespace JengaFleet.Cli.Commands;

/// <summary>
/// <c>jenga demo</c>: the whole fleet in one process with no external service — an in-memory bus, a local-folder
/// object store, N workers running the same worker code as production (hunyuan-tiny on the CPU by default).
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var workers = new Option<int>("--workers") { Description = "Workers in the process", DefaultValueFactory = _ => 2 };
        var output = new Option<string>("--output") { Description = "Folder for videos and result records", DefaultValueFactory = _ => Path.Combine("out", "demo") };
        var model = new Option<string>("--model") { Description = $"Model: {string.Join(", ", ModelCatalog.Names)}", DefaultValueFactory = _ => HunyuanTinyModel.Name };
        var weights = new Option<string?>("--weights") { Description = "Weights folder (hunyuan-video: the official download)" };
        var preset = new Option<string>("--preset") { Description = $"Jenga preset: {string.Join(", ", JengaPresets.Names)}", DefaultValueFactory = _ => "turbo" };
        var device = new Option<string>("--device") { Description = "cpu or cuda", DefaultValueFactory = _ => "cpu" };
        var prompts = new Option<string[]>("--prompt") { Description = "A prompt (repeat for more; default: four sample prompts)", AllowMultipleArgumentsPerToken = false };
        var command = new Command("demo", "Run the fleet in one process (in-memory queue, local folder storage, tiny model on CPU): enqueue prompts, write mp4s and result records, print per-stage latency.")
        {
            workers, output, model, weights, preset, device, prompts,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var given = parse.GetValue(prompts);
            var options = new EmbeddedFleetOptions
            {
                Workers = parse.GetValue(workers),
                OutputFolder = parse.GetValue(output)!,
                Model = parse.GetValue(model)!,
                WeightsPath = parse.GetValue(weights),
                Preset = parse.GetValue(preset)!,
                Device = parse.GetValue(device)!,
                Prompts = given is { Length: > 0 } ? given : EmbeddedFleetOptions.DefaultPrompts,
            };
            EmbeddedFleetReport report;
            try
            {
                report = await AnsiConsole.Status().StartAsync(
                    $"running {options.Prompts.Count} prompts through {options.Workers} workers ({options.Model}, {options.Preset})",
                    _ => EmbeddedFleet.RunAsync(options, null, cancel));
            }
            catch (Exception e) when (e is ArgumentException or FileNotFoundException or InvalidOperationException)
            {
                return CliError.Report(e.Message);
            }

            Console.Write(report.FormatSummary());
            return report.Succeeded == report.Jobs.Count ? 0 : 1;
        });
        return command;
    }
}
