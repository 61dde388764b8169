using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.TextEncoders.Modules;

/// <summary>One pre-norm Llama decoder layer (<c>layers.N</c>).</summary>
public sealed class LlamaDecoderLayer : nn.Module
{
    private readonly LlamaAttention self_attn;
    private readonly LlamaMlp mlp;
    private readonly LlamaRmsNorm input_layernorm;
    private readonly LlamaRmsNorm post_attention_layernorm;

    public LlamaDecoderLayer(LlamaConfig config, Device? device = null, ScalarType? dtype = null) : base(nameof(LlamaDecoderLayer))
    {
        self_attn = new LlamaAttention(config, device, dtype);
        mlp = new LlamaMlp(config, device, dtype);
        input_layernorm = new LlamaRmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        post_attention_layernorm = new LlamaRmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        RegisterComponents();
    }

    // h = x + attn(norm1(x)); y = h + mlp(norm2(h))
    public Tensor forward(Tensor x, Tensor cos, Tensor sin, Tensor allow)
    {
        using var scope = NewDisposeScope();
        var h = x + self_attn.forward(input_layernorm.forward(x), cos, sin, allow);
        return (h + mlp.forward(post_attention_layernorm.forward(h))).MoveToOuterDisposeScope();
    }
}
