using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.TextEncoders.Modules;

/// <summary>Grouped-query self-attention of a Llama layer (<c>self_attn</c>: q/k/v/o projections without bias).</summary>
public sealed class LlamaAttention : nn.Module
{
    private readonly Linear q_proj;
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear o_proj;
    private readonly LlamaConfig _config;

    public LlamaAttention(LlamaConfig config, Device? device = null, ScalarType? dtype = null) : base(nameof(LlamaAttention))
    {
        _config = config;
        q_proj = nn.Linear(config.HiddenSize, config.NumAttentionHeads * config.HeadDim, hasBias: false, device, dtype);
        k_proj = nn.Linear(config.HiddenSize, config.NumKeyValueHeads * config.HeadDim, hasBias: false, device, dtype);
        v_proj = nn.Linear(config.HiddenSize, config.NumKeyValueHeads * config.HeadDim, hasBias: false, device, dtype);
        o_proj = nn.Linear(config.NumAttentionHeads * config.HeadDim, config.HiddenSize, hasBias: false, device, dtype);
        RegisterComponents();
    }

    /// <param name="x">[B, L, hidden]</param>
    /// <param name="cos">[L, head_dim] RoPE table in x's dtype</param>
    /// <param name="sin">[L, head_dim]</param>
    /// <param name="allow">[B, 1, L, L] boolean, true where a query may attend to a key</param>
    public Tensor forward(Tensor x, Tensor cos, Tensor sin, Tensor allow)
    {
        using var scope = NewDisposeScope();
        var (batch, length) = (x.shape[0], x.shape[1]);
        var q = q_proj.forward(x).view(batch, length, _config.NumAttentionHeads, _config.HeadDim).transpose(1, 2);
        var k = k_proj.forward(x).view(batch, length, _config.NumKeyValueHeads, _config.HeadDim).transpose(1, 2);
        var v = v_proj.forward(x).view(batch, length, _config.NumKeyValueHeads, _config.HeadDim).transpose(1, 2);
        q = LlamaRotaryEmbedding.Apply(q, cos, sin);
        k = LlamaRotaryEmbedding.Apply(k, cos, sin);
        // each key/value head serves QueriesPerKeyValueHead consecutive query heads (transformers' repeat_kv)
        k = k.repeat_interleave(_config.QueriesPerKeyValueHead, dim: 1);
        v = v.repeat_interleave(_config.QueriesPerKeyValueHead, dim: 1);
        var attended = nn.functional.scaled_dot_product_attention(q, k, v, allow);
        var merged = attended.transpose(1, 2).reshape(batch, length, _config.NumAttentionHeads * _config.HeadDim);
        return o_proj.forward(merged).MoveToOuterDisposeScope();
    }
}
