using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Vae.Modules;

/// <summary>
/// Nearest-neighbour upsampling by (t, h, w) followed by a causal 3×3×3 conv. The first frame is only
/// upsampled in space, the others in time and space, so T frames become <c>1 + t·(T − 1)</c>.
/// </summary>
public sealed class UpsampleCausal3D : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are the checkpoint's keys
    private readonly CausalConv3d conv;
#pragma warning restore IDE1006

    private readonly (long T, long H, long W) _factor;

    public UpsampleCausal3D(long channels, (long T, long H, long W) factor, Device? device = null, ScalarType? dtype = null)
        : base(nameof(UpsampleCausal3D))
    {
        _factor = factor;
        conv = new CausalConv3d(channels, channels, 3, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var upsampled = Upsample(input, _factor);
        return conv.call(upsampled);
    }

    /// <summary>Nearest upsampling with integer factors, written straight into the output (no interpolate temporaries).</summary>
    internal static Tensor Upsample(Tensor x, (long T, long H, long W) f)
    {
        var (b, c, t, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], x.shape[4]);
        var output = empty([b, c, 1 + f.T * (t - 1), h * f.H, w * f.W], x.dtype, x.device);
        // Every view is disposed at once: a view left to the GC would keep a large activation alive.
        using (var target = output.narrow(2, 0, 1))
        using (var blocks = target.view(b, c, 1, h, f.H, w, f.W))
        using (var frame = x.narrow(2, 0, 1))
        using (var rows = frame.unsqueeze(4))
        using (var source = rows.unsqueeze(6))
        using (var expanded = source.expand(b, c, 1, h, f.H, w, f.W))
            blocks.copy_(expanded);
        if (t > 1)
        {
            using var target = output.narrow(2, 1, f.T * (t - 1));
            using var blocks = target.view(b, c, t - 1, f.T, h, f.H, w, f.W);
            using var frames = x.narrow(2, 1, t - 1);
            using var times = frames.unsqueeze(3);
            using var rows = times.unsqueeze(5);
            using var source = rows.unsqueeze(7);
            using var expanded = source.expand(b, c, t - 1, f.T, h, f.H, w, f.W);
            blocks.copy_(expanded);
        }
        return output;
    }
}
