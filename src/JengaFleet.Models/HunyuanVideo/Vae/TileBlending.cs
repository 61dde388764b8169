using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Vae;

/// <summary>
/// Linear cross-fades between overlapping tiles, written into the later tile in place, one slice at a time
/// and in the reference's operation order (so half-precision results round the same way).
/// Tiles are [B, C, T, H, W]; the blended extent is the smallest of the two tiles' sizes and the requested one.
/// </summary>
public static class TileBlending
{
    /// <summary>Rows: the top of <paramref name="below"/> fades in from the bottom of <paramref name="above"/>.</summary>
    public static void Vertical(Tensor above, Tensor below, int extent) => Blend(above, below, extent, dim: 3);

    /// <summary>Columns: the left of <paramref name="right"/> fades in from the right of <paramref name="left"/>.</summary>
    public static void Horizontal(Tensor left, Tensor right, int extent) => Blend(left, right, extent, dim: 4);

    /// <summary>Frames: the start of <paramref name="later"/> fades in from the end of <paramref name="earlier"/>.</summary>
    public static void Temporal(Tensor earlier, Tensor later, int extent) => Blend(earlier, later, extent, dim: 2);

    // b[i] = a[n_a - e + i] · (1 − i/e) + b[i] · (i/e), for i < e = min(n_a, n_b, extent)
    private static void Blend(Tensor a, Tensor b, int extent, int dim)
    {
        var e = (int)Math.Min(Math.Min(a.shape[dim], b.shape[dim]), extent);
        var start = a.shape[dim] - e;
        for (var i = 0; i < e; i++)
        {
            using var scope = NewDisposeScope();
            var weight = i / (double)e;
            var target = b.select(dim, i);
            var mixed = (a.select(dim, start + i) * (1 - weight)).add_(target * weight);
            target.copy_(mixed);
        }
    }
}
