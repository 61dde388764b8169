using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Vae;

/// <summary>
/// The encoder's posterior: moments [B, 2·C, ...] split in half along channels into mean and log-variance,
/// the log-variance clamped to [−30, 20] before anything is derived from it. Owns its tensors.
/// </summary>
public sealed class DiagonalGaussianDistribution : IDisposable
{
    public const double LogVarMin = -30.0;
    public const double LogVarMax = 20.0;

    /// <summary>Takes ownership of nothing: <paramref name="moments"/> stays the caller's.</summary>
    public DiagonalGaussianDistribution(Tensor moments)
    {
        using var scope = NewDisposeScope();
        var halves = moments.chunk(2, dim: 1);
        Mean = halves[0].contiguous();
        // logvar = clamp(logvar, -30, 20)
        LogVar = halves[1].clamp(LogVarMin, LogVarMax);
        // std = exp(0.5 · logvar)
        Std = (LogVar * 0.5).exp_();
        scope.MoveToOuter(Mean, LogVar, Std);
    }

    public Tensor Mean { get; }

    /// <summary>Already clamped.</summary>
    public Tensor LogVar { get; }

    public Tensor Std { get; }

    /// <summary>var = exp(logvar); a new tensor the caller owns.</summary>
    public Tensor Variance() => LogVar.exp();

    /// <summary>The mode, which for a Gaussian is the mean (what image-to-video uses); the distribution keeps ownership.</summary>
    public Tensor Mode() => Mean;

    /// <summary>sample = mean + std · noise, with a standard-normal <paramref name="noise"/> supplied by the caller; a new tensor.</summary>
    public Tensor Sample(Tensor noise)
    {
        if (!noise.shape.SequenceEqual(Mean.shape))
            throw new ArgumentException($"noise shape [{string.Join(", ", noise.shape)}] must equal the mean's [{string.Join(", ", Mean.shape)}]", nameof(noise));
        using var scaled = Std * noise;
        return Mean + scaled;
    }

    public void Dispose()
    {
        Mean.Dispose();
        LogVar.Dispose();
        Std.Dispose();
    }
}
