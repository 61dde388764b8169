using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.TextEncoders.Modules;

/// <summary>Llama's rotate-half RoPE with angles computed in float32, as transformers does.</summary>
internal static class LlamaRotaryEmbedding
{
    /// <summary>
    /// cos and sin tables <c>[L, D]</c> for positions <c>0..L-1</c>: <c>inv_freq_k = 1 / theta^(2k/D)</c>,
    /// angle = position · inv_freq (float32), each half of the head dim holding the same D/2 angles.
    /// </summary>
    public static (Tensor Cos, Tensor Sin) Tables(long length, int headDim, double theta, Device device, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var exponents = arange(0, headDim, 2, ScalarType.Int64, device).to(ScalarType.Float32) / headDim;
        var invFreq = pow(tensor((float)theta, ScalarType.Float32, device), exponents).reciprocal();
        var positions = arange(length, ScalarType.Int64, device).to(ScalarType.Float32);
        var angles = positions.unsqueeze(1) * invFreq.unsqueeze(0);
        var doubled = cat([angles, angles], -1);
        return (doubled.cos().to(dtype).MoveToOuterDisposeScope(), doubled.sin().to(dtype).MoveToOuterDisposeScope());
    }

    // x' = x·cos + rotate_half(x)·sin, rotate_half(x) = [-x2, x1]
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var half = (int)(x.shape[^1] / 2);
        var rotated = cat([x[.., .., .., half..].neg(), x[.., .., .., ..half]], -1);
        return (x * cos + rotated * sin).MoveToOuterDisposeScope();
    }
}
