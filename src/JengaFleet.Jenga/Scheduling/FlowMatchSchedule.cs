using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.Scheduling;

/// <summary>
/// The flow-matching discrete schedule of HunyuanVideo (Euler solver): shifted sigmas from 1 to 0 and the
/// timesteps fed to the model. Everything is float32 and built with libtorch's own linspace so the tables
/// equal the reference's bit for bit.
/// </summary>
public sealed class FlowMatchSchedule
{
    private const int TrainTimesteps = 1000;

    private FlowMatchSchedule(int steps, double shift, bool reverse, float[] sigmas, float[] timesteps)
    {
        Steps = steps;
        Shift = shift;
        Reverse = reverse;
        Sigmas = sigmas;
        Timesteps = timesteps;
    }

    public int Steps { get; }

    public double Shift { get; }

    /// <summary>True: sigmas run from 1 to 0 (every HunyuanVideo preset). False: the ascending variant (1 - sigma).</summary>
    public bool Reverse { get; }

    /// <summary>Steps + 1 noise levels; the last is 0 when reversed.</summary>
    public IReadOnlyList<float> Sigmas { get; }

    /// <summary>t_i = 1000 * sigma_i for i &lt; Steps, float32 and not rounded.</summary>
    public IReadOnlyList<float> Timesteps { get; }

    public static FlowMatchSchedule Create(int steps, double shift, bool reverse = true)
    {
        if (steps < 1)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "need at least one step");
        if (!(shift > 0))
            throw new ArgumentOutOfRangeException(nameof(shift), shift, "shift must be positive");

        using var scope = NewDisposeScope();
        var u = linspace(1.0, 0.0, steps + 1, dtype: ScalarType.Float32);
        // sigma = s*u / (1 + (s-1)*u), the SD3 time shift.
        var sigmas = u.mul((float)shift).div(u.mul((float)(shift - 1)).add(1f));
        if (!reverse)
            sigmas = ones_like(sigmas).sub(sigmas);
        var timesteps = sigmas.narrow(0, 0, steps).mul((float)TrainTimesteps);
        return new FlowMatchSchedule(steps, shift, reverse, sigmas.data<float>().ToArray(), timesteps.data<float>().ToArray());
    }

    /// <summary>Euler step at index i: x + v * (sigma[i+1] - sigma[i]), in float32.</summary>
    public Tensor Step(Tensor modelOutput, int index, Tensor sample)
    {
        CheckIndex(index, Steps - 1);
        var dt = Sigmas[index + 1] - Sigmas[index];
        using var x = sample.to(ScalarType.Float32);
        using var v = modelOutput.to(ScalarType.Float32);
        using var scaled = v.mul(dt);
        return x.add(scaled);
    }

    /// <summary>Clean-latent estimate at index i: x + v * (sigma[last] - sigma[i]), i.e. x - sigma_i * v when reversed.</summary>
    public Tensor PredictX0(Tensor modelOutput, int index, Tensor sample)
    {
        CheckIndex(index, Steps);
        var delta = Sigmas[Steps] - Sigmas[index];
        using var x = sample.to(ScalarType.Float32);
        using var v = modelOutput.to(ScalarType.Float32);
        using var scaled = v.mul(delta);
        return x.add(scaled);
    }

    /// <summary>Re-noise a clean latent to level i: x0 * (1 - sigma_i) + noise * sigma_i.</summary>
    public Tensor AddNoise(Tensor cleanLatent, Tensor noise, int index)
    {
        CheckIndex(index, Steps);
        var sigma = Sigmas[index];
        using var x = cleanLatent.to(ScalarType.Float32);
        using var n = noise.to(ScalarType.Float32);
        using var a = x.mul(1f - sigma);
        using var b = n.mul(sigma);
        return a.add(b);
    }

    private void CheckIndex(int index, int max)
    {
        if (index < 0 || index > max)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"schedule index must be within [0, {max}] for {Steps} steps");
    }
}
