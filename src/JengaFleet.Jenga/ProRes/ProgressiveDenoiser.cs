using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.ProRes;

/// <summary>The model's velocity prediction for a latent at one planned call.</summary>
public delegate Tensor VelocityModel(Tensor latent, DenoiseCall call);

/// <summary>Draws fresh noise of a shape (seeded generator in production, recorded noise in tests).</summary>
public delegate Tensor NoiseSource(long[] shape);

/// <summary>
/// Executes a <see cref="ProgressiveResolutionPlan"/>: Euler steps inside a stage; at a resolution
/// switch the clean estimate with the NEW schedule's sigma at the current step, a trilinear resize
/// (align_corners false) and a re-noise to the new schedule's next level — all as the reference does,
/// including its quirks (new-schedule x0, a noise draw at every switch even when unused).
/// </summary>
public static class ProgressiveDenoiser
{
    /// <returns>The final latent (float32), owned by the caller.</returns>
    public static Tensor Run(
        ProgressiveResolutionPlan plan,
        Tensor initialNoise,
        NoiseSource drawNoise,
        VelocityModel model,
        IDenoiseObserver? observer = null,
        CancellationToken cancellationToken = default)
    {
        var expected = plan.Stages[0].LatentShape;
        if (!initialNoise.shape.Skip(1).SequenceEqual(expected.Skip(1)))
            throw new ArgumentException($"initial noise [{string.Join(", ", initialNoise.shape)}] does not match stage 0's latent [{string.Join(", ", expected)}]");

        var latent = initialNoise.alias().DetachFromDisposeScope();
        foreach (var call in plan.Calls)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            observer?.OnCall(call);
            var velocity = model(latent, call);
            var schedule = plan.Schedules[call.ScheduleIndex];
            Tensor next;
            switch (call.After)
            {
                case StageTransition.Resolution:
                {
                    var newShape = plan.Stages[call.Stage.Index + 1].LatentShape;
                    newShape[0] = latent.shape[0];
                    var noise = drawNoise(newShape);
                    var newSchedule = plan.Schedules[call.ScheduleIndex + 1];
                    var clean = newSchedule.PredictX0(velocity, call.Step, latent);
                    var resized = nn.functional.interpolate(clean, size: newShape[2..], mode: InterpolationMode.Trilinear, align_corners: false);
                    next = newSchedule.AddNoise(resized, noise, call.Step + 1);
                    observer?.OnResolutionSwitch(call.Step, clean, resized, next);
                    break;
                }

                case StageTransition.DropRateOnly:
                    // The reference draws (and discards) noise here too; keep the random stream aligned.
                    drawNoise(latent.shape).Dispose();
                    next = schedule.Step(velocity, call.Step, latent);
                    break;

                default:
                    next = schedule.Step(velocity, call.Step, latent);
                    break;
            }

            observer?.OnStepEnd(call, next);
            latent.Dispose();
            latent = next.DetachFromDisposeScope();
        }

        return latent;
    }
}
