using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Vae.Modules;

/// <summary>Decoder level: <c>layers</c> ResNet blocks, then an optional causal upsampler.</summary>
public sealed class UpDecoderBlockCausal3D : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are the checkpoint's keys
    private readonly ModuleList<ResnetBlockCausal3D> resnets;
    private readonly ModuleList<UpsampleCausal3D>? upsamplers;
#pragma warning restore IDE1006

    public UpDecoderBlockCausal3D(
        long inChannels,
        long outChannels,
        int layers,
        int groups,
        (long T, long H, long W)? upsampleFactor,
        Device? device = null,
        ScalarType? dtype = null)
        : base(nameof(UpDecoderBlockCausal3D))
    {
        resnets = nn.ModuleList(Enumerable.Range(0, layers)
            .Select(i => new ResnetBlockCausal3D(i == 0 ? inChannels : outChannels, outChannels, groups, device, dtype)).ToArray());
        if (upsampleFactor is { } factor)
            upsamplers = nn.ModuleList(new UpsampleCausal3D(outChannels, factor, device, dtype));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => VaeSequence.Run(input, resnets.Cast<nn.Module<Tensor, Tensor>>().Concat(upsamplers ?? []));
}
