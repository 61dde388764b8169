using JengaFleet.Jenga.Scheduling;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.Tests.Scheduling;

public class FlowMatchScheduleTests
{
    [Fact]
    public void Shifted_tables_hit_the_documented_values()
    {
        var shift7 = FlowMatchSchedule.Create(50, 7);
        Assert.Equal(1000f, shift7.Timesteps[0]);
        Assert.Equal(997.093f, shift7.Timesteps[1], 0.001f);
        Assert.Equal(875f, shift7.Timesteps[25]);
        Assert.Equal(125f, shift7.Timesteps[49], 0.001f);
        Assert.Equal(0f, shift7.Sigmas[50]);

        var shift9 = FlowMatchSchedule.Create(50, 9);
        Assert.Equal(900f, shift9.Timesteps[25]); // linspace gives exactly 0.5 at index 25 in libtorch 2.x
        Assert.Equal(892.5619f, shift9.Timesteps[26], 0.0005f);
        Assert.Equal(910.3448f, FlowMatchSchedule.Create(50, 11).Timesteps[26], 0.0005f);
    }

    [Fact]
    public void Forward_direction_mirrors_the_sigmas()
    {
        var reverse = FlowMatchSchedule.Create(30, 5, reverse: true);
        var forward = FlowMatchSchedule.Create(30, 5, reverse: false);
        for (var i = 0; i <= 30; i++)
            Assert.Equal(1f - reverse.Sigmas[i], forward.Sigmas[i], 1e-7f);
    }

    [Fact]
    public void Helpers_compose_to_the_flow_matching_identities()
    {
        using var scope = NewDisposeScope();
        var schedule = FlowMatchSchedule.Create(50, 7);
        var clean = randn(new long[] { 1, 16, 2, 4, 6 });
        var noise = randn(new long[] { 1, 16, 2, 4, 6 });
        var noisy = schedule.AddNoise(clean, noise, 10);
        var velocity = noise - clean; // v = eps - x0
        var recovered = schedule.PredictX0(velocity, 10, noisy);
        Assert.True(recovered.allclose(clean, rtol: 1e-5, atol: 1e-5));
        var stepped = schedule.Step(velocity, 10, noisy);
        Assert.True(stepped.allclose(schedule.AddNoise(clean, noise, 11), rtol: 1e-5, atol: 1e-5));
    }

    [Theory]
    [InlineData(0, 7)]
    [InlineData(10, -1)]
    public void Invalid_settings_are_rejected(int steps, double shift) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FlowMatchSchedule.Create(steps, shift));
}
