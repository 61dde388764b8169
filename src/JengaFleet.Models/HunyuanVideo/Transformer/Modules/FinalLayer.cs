using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Transformer.Modules;

/// <summary>
/// Official <c>FinalLayer</c>: <c>(shift, scale) = chunk2(adaLN_modulation(vec))</c>;
/// <c>linear(LN(x)·(1 + scale) + shift)</c> -> <c>[B, N, pt·ph·pw·out_channels]</c>.
/// </summary>
public sealed class FinalLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear linear;
    private readonly Sequential adaLN_modulation;
    private readonly double _eps;

    public FinalLayer(HunyuanVideoTransformerConfig config, ParameterPlacement placement) : base(nameof(FinalLayer))
    {
        _eps = config.NormEps;
        linear = placement.Linear(config.HiddenSize, config.PatchOutFeatures);
        adaLN_modulation = nn.Sequential(("0", nn.SiLU()), ("1", placement.Linear(config.HiddenSize, 2L * config.HiddenSize)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor vec)
    {
        using var scope = NewDisposeScope();
        var mod = adaLN_modulation.forward(vec).chunk(2, -1);
        return linear.forward(AdaLn.ModulatedNorm(x, mod[0], mod[1], _eps)).MoveToOuterDisposeScope();
    }
}
