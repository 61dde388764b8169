using JengaFleet.Jenga.Cuda;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Transformer.Modules;

/// <summary>
/// The blocks' adaLN elementwise steps: the modulated LayerNorm before each projection and the gated residual
/// after it. On a CUDA device with 16-bit activations each is one fused kernel (<see cref="CudaModulation"/>),
/// one pass instead of three or two; elsewhere the <see cref="DitMath"/> formulas run. Both round where the
/// reference does, so the CPU path (and the golden tests) see exactly the formulas.
/// </summary>
public static class AdaLn
{
    /// <summary>Off: always the TorchSharp formulas (benchmarks compare the two in one run).</summary>
    public static bool UseFusedKernel { get; set; } = true;

    /// <summary>LN(x)·(1 + scale) + shift, LayerNorm without affine; x <c>[B, L, C]</c>, shift and scale <c>[B, C]</c>.</summary>
    public static Tensor ModulatedNorm(Tensor x, Tensor shift, Tensor scale, double eps)
    {
        if (Fused(x, shift, scale) is not { } fused)
            return ReferenceModulatedNorm(x, shift, scale, eps);
        var output = empty(x.shape, x.dtype, x.device);
        fused.ModulatedLayerNorm(x, shift, scale, eps, output);
        return output;
    }

    /// <summary>x + y·gate, gate <c>[B, C]</c> broadcast over the tokens of x and y <c>[B, L, C]</c>.</summary>
    public static Tensor GatedResidual(Tensor x, Tensor y, Tensor gate)
    {
        if (!y.shape.SequenceEqual(x.shape) || Fused(x, gate) is not { } fused || !fused.Covers(y, gate))
            return ReferenceGatedResidual(x, y, gate);
        var output = empty(x.shape, x.dtype, x.device);
        fused.GatedResidual(x, y, gate, output);
        return output;
    }

    /// <summary>The TorchSharp formulas: <c>modulate(layer_norm(x), shift, scale)</c>, three passes.</summary>
    public static Tensor ReferenceModulatedNorm(Tensor x, Tensor shift, Tensor scale, double eps)
    {
        using var scope = NewDisposeScope();
        return DitMath.Modulate(DitMath.LayerNorm(x, eps), shift, scale).MoveToOuterDisposeScope();
    }

    /// <summary>The TorchSharp formulas: <c>x + apply_gate(y, gate)</c>, two passes.</summary>
    public static Tensor ReferenceGatedResidual(Tensor x, Tensor y, Tensor gate)
    {
        using var scope = NewDisposeScope();
        return x.add(DitMath.Gate(y, gate)).MoveToOuterDisposeScope();
    }

    private static CudaModulation? Fused(Tensor x, params Tensor[] perSample) =>
        UseFusedKernel && CudaModulation.For(x.device) is { } fused && fused.Covers(x, perSample) ? fused : null;
}
