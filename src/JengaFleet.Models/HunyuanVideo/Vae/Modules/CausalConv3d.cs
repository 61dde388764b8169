using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Vae.Modules;

/// <summary>
/// A 3-D convolution that never looks at later frames: the input is padded by replicating edges,
/// (k − 1) frames in front and none behind in time, k // 2 on each side in height and width, then a
/// plain Conv3d without padding runs (weights at <c>conv.weight</c>, <c>conv.bias</c>).
/// </summary>
public sealed class CausalConv3d : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are the checkpoint's keys
    private readonly Conv3d conv;
#pragma warning restore IDE1006

    // F.pad order: (W left, W right, H top, H bottom, T front, T back).
    private readonly long[] _padding;

    public CausalConv3d(
        long inChannels,
        long outChannels,
        int kernelSize,
        (long T, long H, long W)? stride = null,
        bool bias = true,
        Device? device = null,
        ScalarType? dtype = null)
        : base(nameof(CausalConv3d))
    {
        var s = stride ?? (1, 1, 1);
        conv = nn.Conv3d(inChannels, outChannels, (kernelSize, kernelSize, kernelSize), stride: (s.T, s.H, s.W), bias: bias, device: device, dtype: dtype);
        var half = kernelSize / 2;
        _padding = [half, half, half, half, kernelSize - 1, 0];
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        if (_padding.All(p => p == 0))
            return conv.call(input);
        using var padded = nn.functional.pad(input, _padding, PaddingModes.Replicate);
        return conv.call(padded);
    }
}
