using System.CommandLine;
using JengaFleet.Jenga.Presets;
using JengaFleet.Jenga.ProRes;
using Spectre.Console;

namespace JengaFleet.Cli.Commands;

/// <summary><c>jenga plan</c>: what a preset does to a request — stages, grids, carving, computed calls.</summary>
internal static class PlanCommand
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset") { Description = $"Jenga preset: {string.Join(", ", JengaPresets.Names)}", DefaultValueFactory = _ => "turbo" };
        var height = new Option<int>("--height") { Description = "Video height in pixels (multiple of 16)", DefaultValueFactory = _ => 720 };
        var width = new Option<int>("--width") { Description = "Video width in pixels (multiple of 16)", DefaultValueFactory = _ => 1280 };
        var frames = new Option<int>("--frames") { Description = "Frame count (4k+1)", DefaultValueFactory = _ => 125 };
        var steps = new Option<int>("--steps") { Description = "Denoising steps", DefaultValueFactory = _ => 50 };
        var command = new Command("plan", "Show the Jenga call plan of a request: ProRes stages, token grids, carving budget, computed and skipped steps.")
        {
            preset, height, width, frames, steps,
        };
        command.SetAction(parse =>
        {
            try
            {
                var plan = ProgressiveResolutionPlan.Create(
                    new VideoRequestGeometry(parse.GetValue(height), parse.GetValue(width), parse.GetValue(frames)),
                    JengaPresets.ByName(parse.GetValue(preset)!),
                    parse.GetValue(steps));
                Render(plan);
                return 0;
            }
            catch (ArgumentException e)
            {
                return CliError.Report(e.Message);
            }
        });
        return command;
    }

    private static void Render(ProgressiveResolutionPlan plan)
    {
        var stages = new Table().Title($"preset [bold]{plan.Preset.Name}[/], {plan.Geometry.Height}x{plan.Geometry.Width}x{plan.Geometry.Frames}, {plan.Steps} steps")
            .AddColumns("stage", "steps", "token grid", "video tokens", "blocks", "drop", "top_k", "p", "text_amp", "shift", "computed calls");
        foreach (var stage in plan.Stages)
        {
            var calls = plan.Calls.Where(c => c.Stage.Index == stage.Index).ToList();
            stages.AddRow(
                stage.Index.ToString(),
                $"{calls[0].Step}–{calls[^1].Step}",
                stage.Grid.ToString(),
                stage.VideoTokens.ToString("N0"),
                stage.VideoBlocks.ToString(),
                stage.IsDense ? "dense" : stage.DropRate.ToString("0.###"),
                stage.IsDense ? "-" : stage.TopK.ToString(),
                plan.Preset.KeepProbability.ToString("0.###"),
                calls[0].TextAmp.ToString("0.####"),
                plan.Schedules[calls[0].ScheduleIndex].Shift.ToString("0.#"),
                calls.Count(c => c.ComputeBlocks).ToString());
        }

        AnsiConsole.Write(stages);
        AnsiConsole.MarkupLineInterpolated($"transformer evaluations: [bold]{plan.ComputedCalls}[/] of {plan.Steps} steps; stage switches after steps {string.Join(", ", plan.StageSwitchSteps)}");
        AnsiConsole.MarkupLine("[yellow]Video generation (jenga generate) and the worker fleet are not implemented yet: this build ships the Jenga core library only.[/]");
    }
}
