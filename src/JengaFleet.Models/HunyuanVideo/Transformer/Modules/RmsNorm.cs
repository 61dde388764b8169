using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Transformer.Modules;

/// <summary>
/// QK RMSNorm over the head dim (official <c>RMSNorm</c>): <c>y = (x / sqrt(mean(x²) + eps)) * weight</c>,
/// normalised in float32 and cast back before the scale, as the reference does.
/// </summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    // Field name = checkpoint key.
    private readonly Parameter weight;
    private readonly double _eps;

    public RmsNorm(long dim, double eps, ParameterPlacement placement) : base(nameof(RmsNorm))
    {
        _eps = eps;
        weight = placement.Ones(dim);
        RegisterComponents();
    }

    /// <summary>The per-channel scale (checkpoint key <c>weight</c>).</summary>
    public Tensor Weight => weight;

    public double Eps => _eps;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var x32 = x.to(ScalarType.Float32);
        var normed = x32.mul(x32.pow(2).mean([-1], keepdim: true).add_(_eps).rsqrt_()).to(x.dtype);
        return normed.mul(weight).MoveToOuterDisposeScope();
    }
}
