using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.ProRes;

/// <summary>
/// Hooks into a running denoise loop (progress bars, timing, tests). Tensors passed in are only valid
/// during the callback; clone what you keep.
/// </summary>
public interface IDenoiseObserver
{
    void OnCall(DenoiseCall call)
    {
    }

    /// <summary>A resolution switch after <paramref name="step"/>: the clean estimate, its resized copy and the re-noised latent.</summary>
    void OnResolutionSwitch(int step, Tensor cleanEstimate, Tensor resized, Tensor renoised)
    {
    }

    void OnStepEnd(DenoiseCall call, Tensor latent)
    {
    }
}
