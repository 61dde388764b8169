using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.TextEncoders.Modules;

/// <summary>Llama's RMSNorm: normalised in float32, cast back, then scaled (transformers' <c>LlamaRMSNorm</c>).</summary>
public sealed class LlamaRmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly double _eps;

    public LlamaRmsNorm(long size, double eps, Device? device = null, ScalarType? dtype = null) : base(nameof(LlamaRmsNorm))
    {
        weight = new Parameter(ones(size, dtype ?? ScalarType.Float32, device));
        _eps = eps;
        RegisterComponents();
    }

    // y = w · (x / sqrt(mean(x²) + eps)), the normalisation in float32
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var x32 = x.to(ScalarType.Float32);
        var normed = x32 * x32.pow(2).mean([-1], keepdim: true).add(_eps).rsqrt();
        return (weight * normed.to(x.dtype)).MoveToOuterDisposeScope();
    }
}
