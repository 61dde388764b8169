using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.TextEncoders.Modules;

/// <summary>One pre-LN CLIP transformer layer (<c>encoder.layers.N</c>).</summary>
public sealed class ClipEncoderLayer : nn.Module
{
    private readonly ClipAttention self_attn;
    private readonly LayerNorm layer_norm1;
    private readonly ClipMlp mlp;
    private readonly LayerNorm layer_norm2;

    public ClipEncoderLayer(ClipTextConfig config, Device? device = null, ScalarType? dtype = null) : base(nameof(ClipEncoderLayer))
    {
        self_attn = new ClipAttention(config, device, dtype);
        layer_norm1 = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device, dtype: dtype);
        mlp = new ClipMlp(config, device, dtype);
        layer_norm2 = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device, dtype: dtype);
        RegisterComponents();
    }

    // h = x + attn(ln1(x)); y = h + mlp(ln2(h))
    public Tensor forward(Tensor x, Tensor allow)
    {
        using var scope = NewDisposeScope();
        var h = x + self_attn.forward(layer_norm1.forward(x), allow);
        return (h + mlp.forward(layer_norm2.forward(h))).MoveToOuterDisposeScope();
    }
}
