using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Vae.Modules;

/// <summary>
/// Pre-norm residual block: GroupNorm(eps 1e-6) → SiLU → causal conv 3×3×3 → GroupNorm → SiLU → causal conv,
/// plus the input (through a 1×1×1 causal conv when the channel count changes). No time embedding in the VAE.
/// </summary>
public sealed class ResnetBlockCausal3D : nn.Module<Tensor, Tensor>
{
    public const double Eps = 1e-6;

#pragma warning disable IDE1006 // field names are the checkpoint's keys
    private readonly GroupNorm norm1;
    private readonly CausalConv3d conv1;
    private readonly GroupNorm norm2;
    private readonly CausalConv3d conv2;
    private readonly CausalConv3d? conv_shortcut;
#pragma warning restore IDE1006

    public ResnetBlockCausal3D(long inChannels, long outChannels, int groups, Device? device = null, ScalarType? dtype = null)
        : base(nameof(ResnetBlockCausal3D))
    {
        norm1 = InitializedGroupNorm.Create(groups, inChannels, Eps, device, dtype);
        conv1 = new CausalConv3d(inChannels, outChannels, 3, device: device, dtype: dtype);
        norm2 = InitializedGroupNorm.Create(groups, outChannels, Eps, device, dtype);
        conv2 = new CausalConv3d(outChannels, outChannels, 3, device: device, dtype: dtype);
        if (inChannels != outChannels)
            conv_shortcut = new CausalConv3d(inChannels, outChannels, 1, device: device, dtype: dtype);
        RegisterComponents();
    }

    // out = shortcut(x) + conv2(silu(norm2(conv1(silu(norm1(x))))))
    public override Tensor forward(Tensor input)
    {
        // Intermediates are freed as soon as they are consumed: at 720p they are gigabytes each.
        var hidden = norm1.call(input).silu_();
        hidden = VaeSequence.Replace(hidden, conv1.call(hidden));
        hidden = VaeSequence.Replace(hidden, norm2.call(hidden)).silu_();
        hidden = VaeSequence.Replace(hidden, conv2.call(hidden));
        if (conv_shortcut is null)
            return hidden.add_(input);
        using var shortcut = conv_shortcut.call(input);
        return hidden.add_(shortcut);
    }
}
