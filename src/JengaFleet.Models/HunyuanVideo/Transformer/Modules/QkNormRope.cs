using JengaFleet.Jenga.Cuda;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Transformer.Modules;

/// <summary>
/// How the official blocks prepare q and k: QK RMSNorm per head (cast back to the activations' type), then RoPE
/// on the leading video tokens. On a CUDA device with 16-bit activations one fused kernel
/// (<see cref="CudaHeadNormRope"/>) does both in a single pass over the tensor; elsewhere the TorchSharp
/// formulas of <see cref="RmsNorm"/> and <see cref="RotaryEmbedding"/> run. Both round where the reference does.
/// </summary>
public static class QkNormRope
{
    /// <summary>Off: always the TorchSharp formulas (benchmarks compare the two in one run).</summary>
    public static bool UseFusedKernel { get; set; } = true;

    /// <param name="heads"><c>[B, H, L, D]</c>, e.g. a view of the fused QKV projection.</param>
    /// <param name="cos">float32 RoPE table <c>[≥ ropeTokens, D]</c> in the token order of <paramref name="heads"/>; null for none.</param>
    /// <param name="ropeTokens">Leading tokens that get RoPE (the video tokens); the rest (text) only the norm.</param>
    public static Tensor Apply(Tensor heads, RmsNorm norm, Tensor? cos, Tensor? sin, long ropeTokens)
    {
        if (Fused(heads, norm) is not { } fused)
            return Reference(heads, norm, cos, sin, ropeTokens);
        var output = empty(heads.shape, heads.dtype, heads.device);
        fused.Apply(heads, norm.Weight, norm.Eps, cos, sin, ropeTokens, output);
        return output;
    }

    /// <summary>As <see cref="Apply"/>, written into <paramref name="into"/> (e.g. the image or text slice of the joint q).</summary>
    public static void Into(Tensor heads, RmsNorm norm, Tensor? cos, Tensor? sin, long ropeTokens, Tensor into)
    {
        if (Fused(heads, norm) is { } fused)
        {
            fused.Apply(heads, norm.Weight, norm.Eps, cos, sin, ropeTokens, into);
            return;
        }

        using var scope = NewDisposeScope();
        into.copy_(Reference(heads, norm, cos, sin, ropeTokens));
    }

    /// <summary>The TorchSharp formulas: <c>RoPE(RMSNorm(x))</c> on the first <paramref name="ropeTokens"/> tokens, <c>RMSNorm(x)</c> on the rest.</summary>
    public static Tensor Reference(Tensor heads, RmsNorm norm, Tensor? cos, Tensor? sin, long ropeTokens)
    {
        using var scope = NewDisposeScope();
        var normed = norm.forward(heads).to(heads.dtype);
        var tokens = normed.shape[2];
        if (cos is null || sin is null || ropeTokens <= 0)
            return normed.MoveToOuterDisposeScope();
        var rotated = RotaryEmbedding.Apply(normed.narrow(2, 0, ropeTokens), cos.narrow(0, 0, ropeTokens), sin.narrow(0, 0, ropeTokens));
        var result = ropeTokens >= tokens ? rotated : cat([rotated, normed.narrow(2, ropeTokens, tokens - ropeTokens)], 2);
        return result.MoveToOuterDisposeScope();
    }

    private static CudaHeadNormRope? Fused(Tensor heads, RmsNorm norm) =>
        UseFusedKernel && CudaHeadNormRope.For(heads.device) is { } fused && fused.Covers(heads, norm.Weight) ? fused : null;
}
