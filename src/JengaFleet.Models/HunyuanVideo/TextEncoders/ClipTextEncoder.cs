using JengaFleet.Models.Checkpoints;
using JengaFleet.Models.HunyuanVideo.TextEncoders.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.TextEncoders;

/// <summary>
/// HunyuanVideo's second text encoder: transformers' <c>CLIPTextModel</c> (openai/clip-vit-large-patch14's text
/// tower), one field <c>text_model</c> so that state-dict keys are the released <c>text_model.*</c> names.
/// HunyuanVideo uses its <see cref="Pooled"/> output (no projection).
/// </summary>
public sealed class ClipTextEncoder : nn.Module
{
    private readonly ClipTextTransformer text_model;

    /// <param name="device">where the parameters live; <c>torch.META</c> builds the module without allocating them</param>
    public ClipTextEncoder(ClipTextConfig config, Device? device = null, ScalarType? dtype = null) : base(nameof(ClipTextEncoder))
    {
        Config = config;
        text_model = new ClipTextTransformer(config, device, dtype);
        RegisterComponents();
    }

    public ClipTextConfig Config { get; }

    /// <summary>
    /// Builds the encoder from the openai/clip-vit-large-patch14 folder as downloaded (<c>ckpts/text_encoder_2</c>:
    /// <c>config.json</c> and <c>model.safetensors</c> of the whole CLIPModel; the vision tower is ignored).
    /// </summary>
    public static ClipTextEncoder FromPretrained(string folder, Device device, ScalarType dtype)
    {
        var config = ClipTextConfig.Load(Path.Combine(folder, "config.json"));
        return TextEncoderCheckpoints.LoadFolder(new ClipTextEncoder(config, device, dtype), folder, TextEncoderCheckpoints.ClipTextWeights);
    }

    /// <summary><c>last_hidden_state [B, L, hidden]</c>: the final LayerNorm output at every position.</summary>
    public Tensor LastHiddenState(Tensor inputIds, Tensor attentionMask)
    {
        using var noGrad = no_grad();
        return text_model.forward(inputIds.to(ScalarType.Int64), attentionMask);
    }

    /// <summary>
    /// <c>pooler_output [B, hidden]</c>: the last hidden state at the end-of-text position, found as transformers does:
    /// <c>argmax(input_ids)</c> when the config's <c>eos_token_id</c> is the legacy 2 (openai's config; EOT is the largest
    /// id and padding reuses it, so this is the first EOT), otherwise the first position holding <c>eos_token_id</c>.
    /// </summary>
    public Tensor Pooled(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var ids = inputIds.to(ScalarType.Int64);
        var hidden = LastHiddenState(ids, attentionMask);
        var position = EndOfTextPosition(ids.to(hidden.device));
        var rows = arange(ids.shape[0], ScalarType.Int64, hidden.device);
        return hidden[rows, position].MoveToOuterDisposeScope();
    }

    private Tensor EndOfTextPosition(Tensor ids) =>
        Config.EosTokenId == ClipTextConfig.LegacyEosTokenId
            ? ids.argmax(-1)
            : ids.eq(Config.EosTokenId).to(ScalarType.Int32).argmax(-1);
}
