using JengaFleet.Jenga.Caching;
using JengaFleet.Jenga.Curves;
using JengaFleet.Jenga.Presets;
using JengaFleet.Jenga.Scheduling;

namespace JengaFleet.Jenga.ProRes;

/// <summary>
/// The whole call plan of one HunyuanVideo-style generation with progressive resolution: stages and
/// their grids, the schedules in force, and for every step the model call (timestep, skip decision,
/// drop rate, text amplifier) and what follows it. Pure data, computed up front; the
/// <see cref="ProgressiveDenoiser"/> executes it.
/// </summary>
public sealed class ProgressiveResolutionPlan
{
    private ProgressiveResolutionPlan(
        VideoRequestGeometry geometry,
        JengaPreset preset,
        int steps,
        IReadOnlyList<DenoiseStage> stages,
        IReadOnlyList<FlowMatchSchedule> schedules,
        IReadOnlyList<DenoiseCall> calls,
        double initialTextAmp)
    {
        Geometry = geometry;
        Preset = preset;
        Steps = steps;
        Stages = stages;
        Schedules = schedules;
        Calls = calls;
        InitialTextAmp = initialTextAmp;
    }

    public VideoRequestGeometry Geometry { get; }

    public JengaPreset Preset { get; }

    public int Steps { get; }

    public IReadOnlyList<DenoiseStage> Stages { get; }

    /// <summary>Schedule 0 (the run's flow shift) and one more per resolution switch, in order.</summary>
    public IReadOnlyList<FlowMatchSchedule> Schedules { get; }

    public IReadOnlyList<DenoiseCall> Calls { get; }

    /// <summary>Steps after whose call a new stage begins.</summary>
    public IEnumerable<int> StageSwitchSteps => Calls.Where(c => c.After != StageTransition.None).Select(c => c.Step);

    public double InitialTextAmp { get; }

    public int ComputedCalls => Calls.Count(c => c.ComputeBlocks);

    /// <summary>
    /// Plans a run. Stage grids are <c>(T, trunc(H*r)/16, trunc(W*r)/16)</c>; stage s ends after step
    /// <c>trunc(steps * StepRates[s])</c>; stage 0 uses <paramref name="flowShift"/> (the preset's first shift is
    /// ignored, as in the reference).
    /// </summary>
    public static ProgressiveResolutionPlan Create(
        VideoRequestGeometry geometry,
        JengaPreset preset,
        int steps = 50,
        double flowShift = 7.0,
        double embeddedGuidanceScale = 6.0)
    {
        preset.Validate();
        if (steps < 2)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "need at least two steps");

        var stages = BuildStages(geometry, preset, steps);
        var guidance = BFloat16.EmbeddedGuidance(embeddedGuidanceScale);
        var skip = preset.SkipSteps ? StepSkipSchedule.Hunyuan(steps) : StepSkipSchedule.ComputeAll(steps);

        var schedules = new List<FlowMatchSchedule> { FlowMatchSchedule.Create(steps, flowShift) };
        var calls = new List<DenoiseCall>(steps);
        var textAmp = InitialTextAmpFor(stages, preset.TextAmpScale);
        var initialTextAmp = textAmp;
        var stage = 0;
        var drop = preset.DropRates[0];
        var stageStart = true;
        var counter = 0;

        for (var step = 0; step < steps; step++)
        {
            var compute = skip.Computes(counter) || stageStart;
            var after = StageTransition.None;
            if (stage < stages.Count - 1 && step == stages[stage].LastStep)
                after = preset.ResolutionRates[stage] != 1.0 ? StageTransition.Resolution : StageTransition.DropRateOnly;

            calls.Add(new DenoiseCall(step, counter, schedules[^1].Timesteps[step], guidance, compute, stages[stage],
                schedules.Count - 1, drop, textAmp, preset.KeepProbability, after) { StageStart = stageStart });
            if (compute)
                stageStart = false;
            counter = (counter + 1) % steps;

            if (after == StageTransition.None)
                continue;
            stage++;
            drop = preset.DropRates[stage];
            if (after == StageTransition.Resolution)
            {
                schedules.Add(FlowMatchSchedule.Create(steps, preset.ShiftList[stage]));
                textAmp = 0.0;
                stageStart = true;
            }
        }

        return new ProgressiveResolutionPlan(geometry, preset, steps, stages, schedules, calls, initialTextAmp);
    }

    private static List<DenoiseStage> BuildStages(VideoRequestGeometry geometry, JengaPreset preset, int steps)
    {
        var stages = new List<DenoiseStage>();
        var previousLast = -1;
        var fullH = geometry.Height / VideoRequestGeometry.PixelsPerToken;
        var fullW = geometry.Width / VideoRequestGeometry.PixelsPerToken;
        for (var s = 0; s < preset.StageCount; s++)
        {
            var rate = preset.ResolutionRates[s];
            // The pipeline sizes latents from trunc(px * r) / 16; the reference builds curves from trunc((px/16) * r). They must agree.
            var h = (int)(geometry.Height * rate) / VideoRequestGeometry.PixelsPerToken;
            var w = (int)(geometry.Width * rate) / VideoRequestGeometry.PixelsPerToken;
            if (h != (int)(fullH * rate) || w != (int)(fullW * rate))
                throw new ArgumentException($"stage {s} at rate {rate}: {geometry.Height}x{geometry.Width} px gives a {h}x{w} latent token grid but a {(int)(fullH * rate)}x{(int)(fullW * rate)} curve grid; choose a size where they agree");
            if (h < 1 || w < 1)
                throw new ArgumentException($"stage {s} at rate {rate}: {geometry.Height}x{geometry.Width} px is too small (token grid {h}x{w})");

            var last = s == preset.StageCount - 1 ? steps - 1 : (int)(steps * preset.StepRates[s]);
            if (s < preset.StageCount - 1 && (last <= previousLast || last >= steps - 1))
                throw new ArgumentException($"preset '{preset.Name}' with {steps} steps: stage {s} would end after step {last}; stage ends must increase and come before step {steps - 1}");
            previousLast = last;

            var grid = new TokenGrid(geometry.LatentFrames, h, w);
            var topK = Carving.TopKRule.FromDropRate(preset.DropRates[s], grid.TokenCount / Blocks.BlockLayout.BlockSize);
            stages.Add(new DenoiseStage(s, rate, grid, last, preset.DropRates[s], topK));
        }

        return stages;
    }

    /// <summary>text_amp = -log2(sqrt(h0*w0 / (hl*wl))) * scale: stage 0 raises video->text attention by the token ratio.</summary>
    private static double InitialTextAmpFor(IReadOnlyList<DenoiseStage> stages, double scale)
    {
        var first = stages[0].Grid;
        var last = stages[^1].Grid;
        var ratio = (double)(first.H * first.W) / (last.H * last.W);
        return -Math.Log2(Math.Sqrt(ratio)) * scale;
    }
}
