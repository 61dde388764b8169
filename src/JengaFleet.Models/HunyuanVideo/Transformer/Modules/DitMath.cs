using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Transformer.Modules;

/// <summary>The small formulas the blocks share (official <c>modulate</c>, <c>apply_gate</c>, norms, head split).</summary>
public static class DitMath
{
    /// <summary>x * (1 + scale) + shift, with per-sample [B, C] shift and scale broadcast over tokens.</summary>
    public static Tensor Modulate(Tensor x, Tensor shift, Tensor scale) =>
        x.mul(scale.unsqueeze(1).add(1)).add_(shift.unsqueeze(1));

    /// <summary>x * gate, gate [B, C] broadcast over tokens.</summary>
    public static Tensor Gate(Tensor x, Tensor gate) => x.mul(gate.unsqueeze(1));

    /// <summary>LayerNorm over the last dim without affine parameters (the blocks' <c>*_norm1/2</c>, eps 1e-6).</summary>
    public static Tensor LayerNorm(Tensor x, double eps) =>
        nn.functional.layer_norm(x, [x.shape[^1]], null, null, eps);

    /// <summary>GELU with the tanh approximation (<c>gelu_tanh</c>).</summary>
    public static Tensor GeluTanh(Tensor x) => nn.functional.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh);

    /// <summary>
    /// Splits a fused projection <c>[B, L, K*H*D]</c> (K chunks of H heads of D, official
    /// <c>"B L (K H D) -> K B L H D"</c>) into K views <c>[B, H, L, D]</c>.
    /// </summary>
    public static Tensor[] SplitHeads(Tensor fused, int chunks, int heads)
    {
        long batch = fused.shape[0], length = fused.shape[1];
        var dim = fused.shape[2] / chunks / heads;
        var split = fused.view(batch, length, chunks, heads, dim).permute(2, 0, 3, 1, 4);
        return split.unbind(0);
    }

    /// <summary><c>[B, H, L, D]</c> -> <c>[B, L, H*D]</c>.</summary>
    public static Tensor MergeHeads(Tensor x) =>
        x.transpose(1, 2).reshape(x.shape[0], x.shape[2], x.shape[1] * x.shape[3]);
}
