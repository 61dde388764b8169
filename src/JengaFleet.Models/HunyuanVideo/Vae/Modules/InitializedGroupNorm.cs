using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Vae.Modules;

/// <summary>
/// <c>nn.GroupNorm</c> with PyTorch's initial affine parameters (weight 1, bias 0). TorchSharp 0.107's
/// GroupNorm leaves them uninitialised (NaN or garbage until a checkpoint is loaded), which would make any
/// run with random weights meaningless.
/// </summary>
internal static class InitializedGroupNorm
{
    public static GroupNorm Create(long groups, long channels, double eps, Device? device, ScalarType? dtype)
    {
        var norm = nn.GroupNorm(groups, channels, eps, affine: true, device: device, dtype: dtype);
        using var noGrad = no_grad();
        nn.init.ones_(norm.weight!);
        nn.init.zeros_(norm.bias!);
        return norm;
    }
}
