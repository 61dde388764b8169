using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Transformer.Modules;

/// <summary>
/// Official <c>IndividualTokenRefinerBlock</c>: gated self-attention and gated SiLU MLP over the text tokens,
/// gates <c>(g_attn, g_mlp) = chunk2(adaLN_modulation(c))</c>; affine LayerNorms; no QK norm, no RoPE.
/// </summary>
public sealed class IndividualTokenRefinerBlock : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly Linear self_attn_qkv;
    private readonly Linear self_attn_proj;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp;
    private readonly Sequential adaLN_modulation;
    private readonly int _heads;

    public IndividualTokenRefinerBlock(HunyuanVideoTransformerConfig config, ParameterPlacement placement) : base(nameof(IndividualTokenRefinerBlock))
    {
        long hidden = config.HiddenSize;
        _heads = config.HeadsNum;
        norm1 = nn.LayerNorm(hidden, config.NormEps, elementwise_affine: true, device: placement.Device, dtype: placement.DType);
        self_attn_qkv = placement.Linear(hidden, 3 * hidden, config.QkvBias);
        self_attn_proj = placement.Linear(hidden, hidden, config.QkvBias);
        norm2 = nn.LayerNorm(hidden, config.NormEps, elementwise_affine: true, device: placement.Device, dtype: placement.DType);
        mlp = new Mlp(hidden, config.MlpHidden, x => nn.functional.silu(x), placement);
        adaLN_modulation = nn.Sequential(("0", nn.SiLU()), ("1", placement.Linear(hidden, 2 * hidden)));
        RegisterComponents();
    }

    /// <param name="x">Text tokens [B, L, C].</param>
    /// <param name="c">Conditioning [B, C] (timestep + pooled text).</param>
    /// <param name="attentionMask">bool [B, 1, L, L]: which key each query may attend to.</param>
    public override Tensor forward(Tensor x, Tensor c, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var gates = adaLN_modulation.forward(c).chunk(2, -1);
        var (q, k, v) = Unpack(DitMath.SplitHeads(self_attn_qkv.forward(norm1.forward(x)), 3, _heads));
        var attended = DitMath.MergeHeads(nn.functional.scaled_dot_product_attention(q, k, v, attentionMask));
        x = x.add(DitMath.Gate(self_attn_proj.forward(attended), gates[0]));
        x = x.add(DitMath.Gate(mlp.forward(norm2.forward(x)), gates[1]));
        return x.MoveToOuterDisposeScope();
    }

    private static (Tensor, Tensor, Tensor) Unpack(Tensor[] t) => (t[0], t[1], t[2]);
}
