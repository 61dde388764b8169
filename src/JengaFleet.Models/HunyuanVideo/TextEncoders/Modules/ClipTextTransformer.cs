using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.TextEncoders.Modules;

/// <summary>transformers' <c>CLIPTextTransformer</c> (<c>text_model</c>): embeddings, layers, final LayerNorm.</summary>
public sealed class ClipTextTransformer : nn.Module
{
    private readonly ClipTextEmbeddings embeddings;
    private readonly ClipEncoder encoder;
    private readonly LayerNorm final_layer_norm;

    public ClipTextTransformer(ClipTextConfig config, Device? device = null, ScalarType? dtype = null) : base(nameof(ClipTextTransformer))
    {
        embeddings = new ClipTextEmbeddings(config, device, dtype);
        encoder = new ClipEncoder(config, device, dtype);
        final_layer_norm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device, dtype: dtype);
        RegisterComponents();
    }

    /// <summary>The final-LayerNorm output <c>[B, L, hidden]</c> (<c>last_hidden_state</c>).</summary>
    public Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var allow = CausalPaddingMask.Build(attentionMask);
        var h = encoder.forward(embeddings.forward(inputIds), allow);
        return final_layer_norm.forward(h).MoveToOuterDisposeScope();
    }
}
