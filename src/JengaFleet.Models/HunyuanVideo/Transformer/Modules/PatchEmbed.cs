using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Transformer.Modules;

/// <summary>
/// Official <c>PatchEmbed</c> (<c>img_in</c>): Conv3d with kernel = stride = patch size, flattened to
/// <c>[B, T*h*w, C]</c> in raster (t, y, x) order.
/// </summary>
public sealed class PatchEmbed : nn.Module<Tensor, Tensor>
{
    private readonly Conv3d proj;

    public PatchEmbed(int[] patch, long inChannels, long hidden, ParameterPlacement placement) : base(nameof(PatchEmbed))
    {
        var kernel = (patch[0], patch[1], patch[2]);
        proj = nn.Conv3d(inChannels, hidden, kernel, stride: kernel, device: placement.Device, dtype: placement.DType);
        RegisterComponents();
    }

    public override Tensor forward(Tensor latent)
    {
        using var scope = NewDisposeScope();
        return proj.forward(latent).flatten(2).transpose(1, 2).MoveToOuterDisposeScope();
    }
}
