using System.Text.Json;

namespace JengaFleet.Models.HunyuanVideo.TextEncoders;

/// <summary>
/// Hyper-parameters of a CLIP text tower (transformers' <c>CLIPTextConfig</c>). <see cref="Load"/> accepts
/// both a text-only config and a full <c>CLIPConfig</c> (openai/clip-vit-large-patch14's), whose
/// <c>text_config</c> it reads.
/// </summary>
public sealed record ClipTextConfig(
    int VocabSize,
    int HiddenSize,
    int IntermediateSize,
    int NumHiddenLayers,
    int NumAttentionHeads,
    int MaxPositionEmbeddings,
    double LayerNormEps,
    string HiddenAct,
    int EosTokenId)
{
    /// <summary>The text tower of openai/clip-vit-large-patch14 (<c>ckpts/text_encoder_2</c>), per the weight manifest.</summary>
    public static ClipTextConfig ClipVitLargePatch14 { get; } = new(49408, 768, 3072, 12, 12, 77, 1e-5, "quick_gelu", 2);

    /// <summary>
    /// The <c>eos_token_id</c> for which transformers pools at <c>argmax(input_ids)</c> instead of at the
    /// first end-of-text id (configs written before <c>eos_token_id</c> was set correctly, openai's among them).
    /// </summary>
    public const int LegacyEosTokenId = 2;

    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>Reads <c>config.json</c> of a CLIP checkpoint folder.</summary>
    public static ClipTextConfig Load(string configJsonPath) => FromJson(ConfigJson.Parse(configJsonPath), configJsonPath);

    /// <summary>Builds the config from a <c>CLIPTextConfig</c> or <c>CLIPConfig</c> JSON object (defaults as transformers').</summary>
    public static ClipTextConfig FromJson(JsonElement json, string where = "config")
    {
        if (json.TryGetProperty("text_config", out var text) && text.ValueKind == JsonValueKind.Object)
            json = text;
        var act = ConfigJson.String(json, "hidden_act", "quick_gelu");
        if (act is not ("quick_gelu" or "gelu"))
            throw new NotSupportedException($"{where}: hidden_act '{act}' is not supported (CLIP uses quick_gelu)");
        var config = new ClipTextConfig(
            ConfigJson.Int(json, "vocab_size", 49408),
            ConfigJson.Int(json, "hidden_size", 512),
            ConfigJson.Int(json, "intermediate_size", 2048),
            ConfigJson.Int(json, "num_hidden_layers", 12),
            ConfigJson.Int(json, "num_attention_heads", 8),
            ConfigJson.Int(json, "max_position_embeddings", 77),
            ConfigJson.Double(json, "layer_norm_eps", 1e-5),
            act,
            ConfigJson.Int(json, "eos_token_id", 49407));
        if (config.HiddenSize % config.NumAttentionHeads != 0)
            throw new InvalidDataException($"{where}: hidden_size {config.HiddenSize} is not a multiple of num_attention_heads {config.NumAttentionHeads}");
        return config;
    }
}
