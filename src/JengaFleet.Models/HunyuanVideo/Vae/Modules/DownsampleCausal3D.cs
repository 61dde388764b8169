using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Vae.Modules;

/// <summary>
/// Strided causal 3×3×3 conv (stride (t, h, w)); with the causal padding <c>1 + 2k</c> frames become <c>1 + k</c>
/// at a temporal stride of 2. The reference builds it with <c>name="op"</c>, which registers the conv as
/// <c>conv</c> (keys <c>downsamplers.0.conv.conv.*</c>).
/// </summary>
public sealed class DownsampleCausal3D : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are the checkpoint's keys
    private readonly CausalConv3d conv;
#pragma warning restore IDE1006

    public DownsampleCausal3D(long channels, (long T, long H, long W) stride, Device? device = null, ScalarType? dtype = null)
        : base(nameof(DownsampleCausal3D))
    {
        conv = new CausalConv3d(channels, channels, 3, stride, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => conv.call(input);
}
