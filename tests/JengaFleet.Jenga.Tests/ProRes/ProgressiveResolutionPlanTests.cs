using JengaFleet.Jenga.Caching;
using JengaFleet.Jenga.Presets;
using JengaFleet.Jenga.ProRes;
using Xunit;

namespace JengaFleet.Jenga.Tests.ProRes;

public class ProgressiveResolutionPlanTests
{
    private static readonly VideoRequestGeometry Hd = new(720, 1280, 125);

    [Theory]
    [InlineData("base", new[] { 25 }, new[] { 225, 135 }, 0.0)]
    [InlineData("turbo", new[] { 25 }, new[] { 148, 179 }, 0.43124823812503255)]
    [InlineData("flash", new[] { 25 }, new[] { 98, 45 }, 0.43124823812503255)]
    [InlineData("3stage", new[] { 15, 25 }, new[] { 55, 74, 135 }, 1.0162107388461887)]
    public void Official_presets_plan_like_the_reference(string preset, int[] switches, int[] topK, double textAmp)
    {
        var plan = ProgressiveResolutionPlan.Create(Hd, JengaPresets.ByName(preset));
        Assert.Equal(switches, plan.StageSwitchSteps);
        Assert.Equal(topK, plan.Stages.Select(s => s.TopK));
        Assert.Equal(23, plan.ComputedCalls);
        Assert.Equal(textAmp, plan.InitialTextAmp, 1e-12);
        Assert.All(plan.Calls, c => Assert.Equal(6016f, c.Guidance));
        Assert.Equal(new long[] { 1, 16, 32, 90, 160 }, plan.Stages[^1].LatentShape);
    }

    [Fact]
    public void Turbo_switch_uses_the_reshifted_schedule()
    {
        var plan = ProgressiveResolutionPlan.Create(Hd, JengaPresets.Turbo);
        Assert.Equal(875f, plan.Calls[25].Timestep);
        Assert.Equal(StageTransition.Resolution, plan.Calls[25].After);
        Assert.Equal(892.5619f, plan.Calls[26].Timestep, 0.0005f);
        Assert.True(plan.Calls[26].StageStart);
        Assert.Equal(0.0, plan.Calls[26].TextAmp);
        Assert.Equal(new[] { 32, 33, 60 }, new[] { plan.Stages[0].Grid.T, plan.Stages[0].Grid.H, plan.Stages[0].Grid.W });
        Assert.Equal(2, plan.Schedules.Count);
    }

    [Fact]
    public void Base_boundary_changes_only_the_drop_rate()
    {
        var plan = ProgressiveResolutionPlan.Create(Hd, JengaPresets.Base);
        Assert.Equal(StageTransition.DropRateOnly, plan.Calls[25].After);
        Assert.Equal(0.75, plan.Calls[25].DropRate);
        Assert.Equal(0.85, plan.Calls[26].DropRate);
        Assert.Single(plan.Schedules);
        Assert.Equal(-1, plan.Calls[27].TopK); // skipped call: no attention runs
    }

    [Fact]
    public void Dense_preset_computes_every_step_without_carving()
    {
        var plan = ProgressiveResolutionPlan.Create(Hd, JengaPresets.Dense);
        Assert.Equal(50, plan.ComputedCalls);
        Assert.All(plan.Calls, c => Assert.Null(c.Carving(JengaFleet.Jenga.Curves.CurveKind.Gilbert)));
    }

    [Theory]
    [InlineData(720, 1280, 124, "4k+1")]
    [InlineData(720, 1000, 125, "multiples of 16")]
    public void Bad_geometry_is_rejected_with_a_reason(int height, int width, int frames, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => new VideoRequestGeometry(height, width, frames));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Stage_ends_must_fit_the_step_count()
    {
        var error = Assert.Throws<ArgumentException>(() => ProgressiveResolutionPlan.Create(Hd, JengaPresets.ThreeStage, steps: 2));
        Assert.Contains("stage", error.Message);
    }

    [Fact]
    public void Step_skipping_generalises_to_other_step_counts()
    {
        Assert.Equal(5, Enumerable.Range(0, 5).Count(StepSkipSchedule.Hunyuan(5).Computes));
        Assert.Equal(23, Enumerable.Range(0, 50).Count(StepSkipSchedule.Hunyuan(50).Computes));
        var hundred = StepSkipSchedule.Hunyuan(100);
        Assert.Equal(46, Enumerable.Range(0, 100).Count(hundred.Computes));
        Assert.True(hundred.Computes(99));
        Assert.Equal(100, Enumerable.Range(0, 100).Count(StepSkipSchedule.ComputeAll(100).Computes));
    }

    [Fact]
    public void Guidance_is_rounded_through_bfloat16() => Assert.Equal(6016f, BFloat16.EmbeddedGuidance(6.0));
}
