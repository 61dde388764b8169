using JengaFleet.Jenga.Scheduling;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

using JengaFleet.Testing.Golden;

namespace JengaFleet.Jenga.Tests.Golden;

[Trait("Category", "Golden")]
public class SchedulerGoldenTests
{
    public const string Suite = "scheduler";

    [Theory(SkipTestWithoutData = true)]
    [MemberData(nameof(GoldenSuite.CaseData), Suite, MemberType = typeof(GoldenSuite))]
    public void Tables_and_helpers_match(string name)
    {
        using var scope = NewDisposeScope();
        using var golden = GoldenSuite.Load(Suite, name);
        var config = golden.Config;
        var schedule = FlowMatchSchedule.Create(
            config.GetProperty("num_inference_steps").GetInt32(),
            config.GetProperty("shift").GetDouble(),
            config.GetProperty("reverse").GetBoolean());
        var sample = golden.Input("in.sample");
        var modelOutput = golden.Input("in.model_output");

        golden.AssertOutputs(new Dictionary<string, Tensor>
        {
            ["out.sigmas"] = tensor(schedule.Sigmas.ToArray()),
            ["out.timesteps"] = tensor(schedule.Timesteps.ToArray()),
            ["out.euler_prev_sample"] = schedule.Step(modelOutput, config.GetProperty("euler_step_index").GetInt32(), sample),
            ["out.x0"] = schedule.PredictX0(modelOutput, config.GetProperty("x0_index").GetInt32(), sample),
            ["out.renoised"] = schedule.AddNoise(sample, golden.Input("in.noise"), config.GetProperty("renoise_index").GetInt32()),
        });
    }
}
