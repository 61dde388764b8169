using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Vae.Modules;

/// <summary>Encoder level: <c>layers</c> ResNet blocks, then an optional strided causal downsampling conv.</summary>
public sealed class DownEncoderBlockCausal3D : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are the checkpoint's keys
    private readonly ModuleList<ResnetBlockCausal3D> resnets;
    private readonly ModuleList<DownsampleCausal3D>? downsamplers;
#pragma warning restore IDE1006

    public DownEncoderBlockCausal3D(
        long inChannels,
        long outChannels,
        int layers,
        int groups,
        (long T, long H, long W)? downsampleStride,
        Device? device = null,
        ScalarType? dtype = null)
        : base(nameof(DownEncoderBlockCausal3D))
    {
        resnets = nn.ModuleList(Enumerable.Range(0, layers)
            .Select(i => new ResnetBlockCausal3D(i == 0 ? inChannels : outChannels, outChannels, groups, device, dtype)).ToArray());
        if (downsampleStride is { } stride)
            downsamplers = nn.ModuleList(new DownsampleCausal3D(outChannels, stride, device, dtype));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => VaeSequence.Run(input, resnets.Cast<nn.Module<Tensor, Tensor>>().Concat(downsamplers ?? []));
}
