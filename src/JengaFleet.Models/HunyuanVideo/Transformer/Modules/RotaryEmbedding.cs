using JengaFleet.Jenga.Curves;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Transformer.Modules;

/// <summary>
/// 3-D rotary position embedding (official <c>get_nd_rotary_pos_embed</c> with <c>use_real</c>, and
/// <c>apply_rotary_emb</c>): per axis (t, y, x) of dim d, <c>f_k = 1 / theta^(2k/d)</c>, angle = position·f_k;
/// tables repeat each angle twice (<c>[a0, a0, a1, a1, ...]</c>) and concatenate the axes; rotation acts on
/// consecutive pairs <c>(x[2j], x[2j+1])</c> in float32.
/// </summary>
public static class RotaryEmbedding
{
    /// <summary>float32 <c>(cos, sin)</c>, each <c>[N, sum(dims)]</c>, rows in raster token order.</summary>
    public static (Tensor Cos, Tensor Sin) Tables(TokenGrid grid, IReadOnlyList<int> dims, double theta, Device? device = null)
    {
        if (dims.Count != 3)
            throw new ArgumentException($"expected 3 axis dims (t, y, x), got {dims.Count}", nameof(dims));
        using var scope = NewDisposeScope();
        var target = device ?? CPU;
        var token = arange(grid.TokenCount, dtype: ScalarType.Int64, device: target);
        var positions = new[]
        {
            token.div(grid.FrameTokens, rounding_mode: RoundingMode.floor),
            token.div(grid.W, rounding_mode: RoundingMode.floor).remainder(grid.H),
            token.remainder(grid.W),
        };
        var sizes = new[] { grid.T, grid.H, grid.W };
        var angles = new List<Tensor>(3);
        for (var axis = 0; axis < 3; axis++)
        {
            var perPosition = AxisAngles(sizes[axis], dims[axis], theta, target); // [n, d]
            angles.Add(perPosition.index_select(0, positions[axis]));
        }

        var all = cat(angles, 1);
        return (all.cos().MoveToOuterDisposeScope(), all.sin().MoveToOuterDisposeScope());
    }

    /// <summary>float32 <c>[positions, dim]</c>: <c>pos · (1 / theta^(2k/dim))</c>, each column pair repeated.</summary>
    public static Tensor AxisAngles(int positions, int dim, double theta, Device device)
    {
        using var scope = NewDisposeScope();
        var exponents = arange(0, dim, 2, dtype: ScalarType.Float32, device: device).narrow(0, 0, dim / 2).div_(dim);
        var frequencies = pow(tensor((float)theta, ScalarType.Float32, device), exponents).reciprocal_();
        var pos = arange(positions, dtype: ScalarType.Float32, device: device);
        var angles = outer(pos, frequencies);
        return angles.repeat_interleave(2, 1).MoveToOuterDisposeScope();
    }

    /// <summary>Rotates <c>x [B, H, L, D]</c> by the tables <c>[L, D]</c>: <c>x·cos + rotate_half(x)·sin</c> in float32.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var x32 = x.to(ScalarType.Float32);
        var rotated = x32.mul(cos).add_(RotateHalf(x32).mul_(sin));
        return rotated.to(x.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Pairs <c>(a, b)</c> -> <c>(-b, a)</c> along the last dim.</summary>
    public static Tensor RotateHalf(Tensor x)
    {
        using var scope = NewDisposeScope();
        var pairs = x.unflatten(x.ndim - 1, [x.shape[^1] / 2, 2]);
        var real = pairs.select(-1, 0);
        var imaginary = pairs.select(-1, 1);
        return stack([imaginary.neg(), real], -1).flatten(-2).MoveToOuterDisposeScope();
    }
}
