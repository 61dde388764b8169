using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Transformer.Modules;

/// <summary>
/// Official <c>MMSingleStreamBlock</c> on <c>[image | text]</c>: <c>linear1</c> gives <c>[qkv | mlp]</c>,
/// QK RMSNorm on all tokens, RoPE on the image tokens only, joint attention, then
/// <c>x += gate · linear2([attn | GELU_tanh(mlp)])</c>.
/// </summary>
public sealed class SingleStreamBlock : nn.Module
{
    private readonly Linear linear1;
    private readonly Linear linear2;
    private readonly RmsNorm q_norm;
    private readonly RmsNorm k_norm;
    private readonly Modulation modulation;
    private readonly int _heads;
    private readonly long _hidden;
    private readonly long _mlpHidden;
    private readonly double _eps;

    public SingleStreamBlock(HunyuanVideoTransformerConfig config, ParameterPlacement placement) : base(nameof(SingleStreamBlock))
    {
        _hidden = config.HiddenSize;
        _mlpHidden = config.MlpHidden;
        _heads = config.HeadsNum;
        _eps = config.NormEps;
        linear1 = placement.Linear(_hidden, 3 * _hidden + _mlpHidden);
        linear2 = placement.Linear(_hidden + _mlpHidden, _hidden);
        q_norm = new RmsNorm(config.HeadDim, _eps, placement);
        k_norm = new RmsNorm(config.HeadDim, _eps, placement);
        modulation = new Modulation(_hidden, 3, placement);
        RegisterComponents();
    }

    /// <param name="x">[image tokens | text tokens], [B, N + 256, C].</param>
    /// <param name="imageTokens">N: the leading tokens that get RoPE.</param>
    public Tensor Forward(Tensor x, int imageTokens, Tensor vec, Tensor cos, Tensor sin, BlockAttention attention)
    {
        using var scope = NewDisposeScope();
        var mod = modulation.forward(vec); // shift, scale, gate
        var modulated = AdaLn.ModulatedNorm(x, mod[0], mod[1], _eps);
        var parts = linear1.forward(modulated).split([3 * _hidden, _mlpHidden], -1);
        var heads = DitMath.SplitHeads(parts[0], 3, _heads);
        var q = QkNormRope.Apply(heads[0], q_norm, cos, sin, imageTokens);
        var k = QkNormRope.Apply(heads[1], k_norm, cos, sin, imageTokens);

        var attended = attention.Attend(q, k, heads[2]);
        var output = linear2.forward(cat([attended, DitMath.GeluTanh(parts[1])], 2));
        return AdaLn.GatedResidual(x, output, mod[2]).MoveToOuterDisposeScope();
    }
}
