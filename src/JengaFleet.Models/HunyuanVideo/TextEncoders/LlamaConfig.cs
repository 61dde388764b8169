using System.Text.Json;

namespace JengaFleet.Models.HunyuanVideo.TextEncoders;

/// <summary>
/// Hyper-parameters of a Llama text tower, as in a Hugging Face <c>LlamaConfig</c> <c>config.json</c>.
/// Only the plain Llama / Llama-3.0 variant is supported: SiLU MLP, no biases, unscaled RoPE.
/// </summary>
public sealed record LlamaConfig(
    int VocabSize,
    int HiddenSize,
    int IntermediateSize,
    int NumHiddenLayers,
    int NumAttentionHeads,
    int NumKeyValueHeads,
    int HeadDim,
    double RmsNormEps,
    double RopeTheta)
{
    /// <summary>The text tower of LLaVA-Llama-3-8B (<c>ckpts/text_encoder</c>), per the weight manifest.</summary>
    public static LlamaConfig LlavaLlama3_8B { get; } = new(128320, 4096, 14336, 32, 32, 8, 128, 1e-5, 500000.0);

    /// <summary>Reads <c>config.json</c> of a Llama checkpoint folder.</summary>
    public static LlamaConfig Load(string configJsonPath) => FromJson(ConfigJson.Parse(configJsonPath), configJsonPath);

    /// <summary>Builds the config from the JSON object of a <c>config.json</c> (defaults as transformers' <c>LlamaConfig</c>).</summary>
    public static LlamaConfig FromJson(JsonElement json, string where = "config")
    {
        var hidden = ConfigJson.Int(json, "hidden_size", 4096);
        var heads = ConfigJson.Int(json, "num_attention_heads", 32);
        var act = ConfigJson.String(json, "hidden_act", "silu");
        if (act != "silu")
            throw new NotSupportedException($"{where}: hidden_act '{act}' is not supported (Llama uses silu)");
        if (ConfigJson.Bool(json, "attention_bias", false) || ConfigJson.Bool(json, "mlp_bias", false))
            throw new NotSupportedException($"{where}: attention_bias / mlp_bias are not supported (Llama 3 has none)");
        if (!ConfigJson.IsNullOrAbsent(json, "rope_scaling"))
            throw new NotSupportedException($"{where}: rope_scaling is not supported (Llama 3.0 / LLaVA-Llama-3 use plain RoPE)");
        var config = new LlamaConfig(
            ConfigJson.Int(json, "vocab_size", 32000),
            hidden,
            ConfigJson.Int(json, "intermediate_size", 11008),
            ConfigJson.Int(json, "num_hidden_layers", 32),
            heads,
            ConfigJson.Int(json, "num_key_value_heads", heads),
            ConfigJson.IsNullOrAbsent(json, "head_dim") ? hidden / heads : ConfigJson.Int(json, "head_dim", hidden / heads),
            ConfigJson.Double(json, "rms_norm_eps", 1e-6),
            ConfigJson.Double(json, "rope_theta", 10000.0));
        config.Validate(where);
        return config;
    }

    /// <summary>Key/value heads shared by each group of query heads (grouped-query attention).</summary>
    public int QueriesPerKeyValueHead => NumAttentionHeads / NumKeyValueHeads;

    private void Validate(string where)
    {
        if (NumAttentionHeads % NumKeyValueHeads != 0)
            throw new InvalidDataException($"{where}: num_attention_heads {NumAttentionHeads} is not a multiple of num_key_value_heads {NumKeyValueHeads}");
        if (HeadDim % 2 != 0)
            throw new InvalidDataException($"{where}: head_dim {HeadDim} must be even for RoPE");
    }
}
