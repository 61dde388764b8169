using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Transformer.Modules;

/// <summary>
/// Official <c>MMDoubleStreamBlock</c>: image and text streams with their own modulation, QKV, QK RMSNorm,
/// projection and MLP, joined in one attention over <c>[image (RoPE) | text (no RoPE)]</c>.
/// </summary>
public sealed class DoubleStreamBlock : nn.Module
{
    private readonly Modulation img_mod;
    private readonly Linear img_attn_qkv;
    private readonly RmsNorm img_attn_q_norm;
    private readonly RmsNorm img_attn_k_norm;
    private readonly Linear img_attn_proj;
    private readonly Mlp img_mlp;
    private readonly Modulation txt_mod;
    private readonly Linear txt_attn_qkv;
    private readonly RmsNorm txt_attn_q_norm;
    private readonly RmsNorm txt_attn_k_norm;
    private readonly Linear txt_attn_proj;
    private readonly Mlp txt_mlp;
    private readonly int _heads;
    private readonly double _eps;

    public DoubleStreamBlock(HunyuanVideoTransformerConfig config, ParameterPlacement placement) : base(nameof(DoubleStreamBlock))
    {
        long hidden = config.HiddenSize;
        _heads = config.HeadsNum;
        _eps = config.NormEps;
        img_mod = new Modulation(hidden, 6, placement);
        img_attn_qkv = placement.Linear(hidden, 3 * hidden, config.QkvBias);
        img_attn_q_norm = new RmsNorm(config.HeadDim, _eps, placement);
        img_attn_k_norm = new RmsNorm(config.HeadDim, _eps, placement);
        img_attn_proj = placement.Linear(hidden, hidden, config.QkvBias);
        img_mlp = new Mlp(hidden, config.MlpHidden, DitMath.GeluTanh, placement);
        txt_mod = new Modulation(hidden, 6, placement);
        txt_attn_qkv = placement.Linear(hidden, 3 * hidden, config.QkvBias);
        txt_attn_q_norm = new RmsNorm(config.HeadDim, _eps, placement);
        txt_attn_k_norm = new RmsNorm(config.HeadDim, _eps, placement);
        txt_attn_proj = placement.Linear(hidden, hidden, config.QkvBias);
        txt_mlp = new Mlp(hidden, config.MlpHidden, DitMath.GeluTanh, placement);
        RegisterComponents();
    }

    /// <param name="img">Video tokens [B, N, C] (curve order when carving).</param>
    /// <param name="txt">Text tokens [B, 256, C].</param>
    /// <param name="vec">Modulation vector [B, C].</param>
    /// <param name="cos">RoPE table [N, D] in the same token order as <paramref name="img"/>.</param>
    public (Tensor Img, Tensor Txt) Forward(Tensor img, Tensor txt, Tensor vec, Tensor cos, Tensor sin, BlockAttention attention)
    {
        using var scope = NewDisposeScope();
        var im = img_mod.forward(vec); // shift1, scale1, gate1, shift2, scale2, gate2
        var tm = txt_mod.forward(vec);

        var imgHeads = Project(img, im, img_attn_qkv);
        var txtHeads = Project(txt, tm, txt_attn_qkv);
        var imgTokens = img.shape[1];
        var textTokens = txt.shape[1];

        // Joint [image | text] q and k, each stream normalised (and the image rotated) straight into its slice.
        var joint = imgHeads[2].shape.ToArray();
        joint[2] = imgTokens + textTokens;
        var q = empty(joint, imgHeads[2].dtype, imgHeads[2].device);
        var k = empty(joint, imgHeads[2].dtype, imgHeads[2].device);
        QkNormRope.Into(imgHeads[0], img_attn_q_norm, cos, sin, imgTokens, q.narrow(2, 0, imgTokens));
        QkNormRope.Into(imgHeads[1], img_attn_k_norm, cos, sin, imgTokens, k.narrow(2, 0, imgTokens));
        QkNormRope.Into(txtHeads[0], txt_attn_q_norm, null, null, 0, q.narrow(2, imgTokens, textTokens));
        QkNormRope.Into(txtHeads[1], txt_attn_k_norm, null, null, 0, k.narrow(2, imgTokens, textTokens));

        var attended = attention.Attend(q, k, cat([imgHeads[2], txtHeads[2]], 2));
        var imgAttn = attended.narrow(1, 0, imgTokens);
        var txtAttn = attended.narrow(1, imgTokens, txt.shape[1]);

        img = AdaLn.GatedResidual(img, img_attn_proj.forward(imgAttn), im[2]);
        img = AdaLn.GatedResidual(img, img_mlp.forward(AdaLn.ModulatedNorm(img, im[3], im[4], _eps)), im[5]);
        txt = AdaLn.GatedResidual(txt, txt_attn_proj.forward(txtAttn), tm[2]);
        txt = AdaLn.GatedResidual(txt, txt_mlp.forward(AdaLn.ModulatedNorm(txt, tm[3], tm[4], _eps)), tm[5]);
        return (img.MoveToOuterDisposeScope(), txt.MoveToOuterDisposeScope());
    }

    /// <summary>Modulated LayerNorm -> fused QKV -> q, k, v heads <c>[B, H, L, D]</c> (views of the projection).</summary>
    private Tensor[] Project(Tensor x, Tensor[] mod, Linear qkv)
    {
        var modulated = AdaLn.ModulatedNorm(x, mod[0], mod[1], _eps);
        return DitMath.SplitHeads(qkv.forward(modulated), 3, _heads);
    }
}
