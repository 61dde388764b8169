using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.TextEncoders.Modules;

/// <summary>Learned token and absolute position embeddings (<c>text_model.embeddings</c>).</summary>
public sealed class ClipTextEmbeddings : nn.Module<Tensor, Tensor>
{
    private readonly Embedding token_embedding;
    private readonly Embedding position_embedding;

    public ClipTextEmbeddings(ClipTextConfig config, Device? device = null, ScalarType? dtype = null) : base(nameof(ClipTextEmbeddings))
    {
        token_embedding = nn.Embedding(config.VocabSize, config.HiddenSize, device: device, dtype: dtype);
        position_embedding = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize, device: device, dtype: dtype);
        RegisterComponents();
    }

    // e = token(ids) + position(0..L-1)
    public override Tensor forward(Tensor inputIds)
    {
        using var scope = NewDisposeScope();
        var positions = arange(inputIds.shape[1], ScalarType.Int64, inputIds.device).unsqueeze(0);
        return (token_embedding.forward(inputIds) + position_embedding.forward(positions)).MoveToOuterDisposeScope();
    }
}
