using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.TextEncoders.Modules;

/// <summary>Multi-head self-attention of a CLIP layer (<c>self_attn</c>: k/v/q/out projections with bias).</summary>
public sealed class ClipAttention : nn.Module
{
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear q_proj;
    private readonly Linear out_proj;
    private readonly int _heads;
    private readonly int _headDim;

    public ClipAttention(ClipTextConfig config, Device? device = null, ScalarType? dtype = null) : base(nameof(ClipAttention))
    {
        (_heads, _headDim) = (config.NumAttentionHeads, config.HeadDim);
        k_proj = nn.Linear(config.HiddenSize, config.HiddenSize, hasBias: true, device, dtype);
        v_proj = nn.Linear(config.HiddenSize, config.HiddenSize, hasBias: true, device, dtype);
        q_proj = nn.Linear(config.HiddenSize, config.HiddenSize, hasBias: true, device, dtype);
        out_proj = nn.Linear(config.HiddenSize, config.HiddenSize, hasBias: true, device, dtype);
        RegisterComponents();
    }

    /// <param name="x">[B, L, hidden]</param>
    /// <param name="allow">[B, 1, L, L] boolean, true where a query may attend to a key</param>
    public Tensor forward(Tensor x, Tensor allow)
    {
        using var scope = NewDisposeScope();
        var (batch, length) = (x.shape[0], x.shape[1]);
        Tensor Heads(Linear projection) => projection.forward(x).view(batch, length, _heads, _headDim).transpose(1, 2);
        var attended = nn.functional.scaled_dot_product_attention(Heads(q_proj), Heads(k_proj), Heads(v_proj), allow);
        return out_proj.forward(attended.transpose(1, 2).reshape(batch, length, _heads * _headDim)).MoveToOuterDisposeScope();
    }
}
