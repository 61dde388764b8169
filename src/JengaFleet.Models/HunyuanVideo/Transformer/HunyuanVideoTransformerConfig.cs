using System.Text.Json;
using System.Text.Json.Serialization;

namespace JengaFleet.Models.HunyuanVideo.Transformer;

/// <summary>
/// Hyper-parameters of the HunyuanVideo diffusion transformer, named as in the official config
/// (<c>HUNYUAN_VIDEO_CONFIG</c> plus the constructor arguments), so the JSON of a manifest's or a fixture's
/// <c>config</c> object reads directly.
/// </summary>
public sealed record HunyuanVideoTransformerConfig
{
    [JsonPropertyName("patch_size")] public int[] PatchSize { get; init; } = [1, 2, 2];
    [JsonPropertyName("in_channels")] public int InChannels { get; init; } = 16;
    [JsonPropertyName("out_channels")] public int OutChannels { get; init; } = 16;
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 3072;
    [JsonPropertyName("heads_num")] public int HeadsNum { get; init; } = 24;
    [JsonPropertyName("mlp_width_ratio")] public double MlpWidthRatio { get; init; } = 4.0;
    [JsonPropertyName("mlp_act_type")] public string MlpActType { get; init; } = "gelu_tanh";
    [JsonPropertyName("mm_double_blocks_depth")] public int DoubleBlocks { get; init; } = 20;
    [JsonPropertyName("mm_single_blocks_depth")] public int SingleBlocks { get; init; } = 40;
    [JsonPropertyName("rope_dim_list")] public int[] RopeDims { get; init; } = [16, 56, 56];
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; init; } = 256.0;
    [JsonPropertyName("qkv_bias")] public bool QkvBias { get; init; } = true;
    [JsonPropertyName("qk_norm")] public bool QkNorm { get; init; } = true;
    [JsonPropertyName("qk_norm_type")] public string QkNormType { get; init; } = "rms";
    [JsonPropertyName("guidance_embed")] public bool GuidanceEmbed { get; init; } = true;
    [JsonPropertyName("text_projection")] public string TextProjection { get; init; } = "single_refiner";
    [JsonPropertyName("text_states_dim")] public int TextStatesDim { get; init; } = 4096;
    [JsonPropertyName("text_states_dim_2")] public int TextStatesDim2 { get; init; } = 768;
    [JsonPropertyName("refiner_depth")] public int RefinerDepth { get; init; } = 2;
    [JsonPropertyName("norm_eps")] public double NormEps { get; init; } = 1e-6;

    /// <summary>Width of the sinusoidal timestep features fed to the timestep embedders.</summary>
    public const int FrequencyEmbeddingSize = 256;

    /// <summary>The T2V model Jenga runs: <c>HYVideo-T/2-cfgdistill</c> (guidance-distilled).</summary>
    public static HunyuanVideoTransformerConfig T2V720p { get; } = new();

    /// <summary>The I2V model (<c>HYVideo-T/2</c>, token_replace): no guidance embedder.</summary>
    public static HunyuanVideoTransformerConfig I2V720p { get; } = new() { GuidanceEmbed = false };

    public int HeadDim => HiddenSize / HeadsNum;

    public int MlpHidden => (int)(HiddenSize * MlpWidthRatio);

    /// <summary>Output features of the final layer per token: <c>pt*ph*pw*out_channels</c>.</summary>
    public int PatchOutFeatures => PatchSize[0] * PatchSize[1] * PatchSize[2] * OutChannels;

    /// <summary>
    /// Reads a config object (a manifest's <c>config</c> or a fixture's <c>model</c>); absent keys keep the
    /// official defaults, <c>token_refiner.depth</c> sets <see cref="RefinerDepth"/>; the result is validated.
    /// </summary>
    public static HunyuanVideoTransformerConfig FromJson(JsonElement json)
    {
        var config = json.Deserialize<HunyuanVideoTransformerConfig>(JsonOptions)
            ?? throw new JsonException("transformer config is null");
        if (json.TryGetProperty("token_refiner", out var refiner) && refiner.TryGetProperty("depth", out var depth))
            config = config with { RefinerDepth = depth.GetInt32() };
        config.Validate();
        return config;
    }

    public static HunyuanVideoTransformerConfig FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return FromJson(document.RootElement);
    }

    /// <summary>Rejects settings this implementation does not have (instead of silently computing something else).</summary>
    public void Validate()
    {
        void Require(bool ok, string what)
        {
            if (!ok)
                throw new NotSupportedException($"HunyuanVideo transformer config: {what}");
        }

        Require(PatchSize.Length == 3 && PatchSize.All(p => p > 0), $"patch_size must have 3 positive entries, got [{string.Join(", ", PatchSize)}]");
        Require(HiddenSize > 0 && HeadsNum > 0 && HiddenSize % HeadsNum == 0, $"hidden_size {HiddenSize} must be a positive multiple of heads_num {HeadsNum}");
        Require(RopeDims.Length == 3 && RopeDims.Sum() == HeadDim && RopeDims.All(d => d > 0 && d % 2 == 0), $"rope_dim_list [{string.Join(", ", RopeDims)}] must be 3 even sizes summing to the head dim {HeadDim}");
        Require(MlpActType == "gelu_tanh", $"mlp_act_type '{MlpActType}' (only gelu_tanh)");
        Require(QkNorm && QkNormType == "rms", $"qk_norm {QkNorm} / '{QkNormType}' (only RMS qk-norm)");
        Require(TextProjection == "single_refiner", $"text_projection '{TextProjection}' (only single_refiner)");
        Require(DoubleBlocks >= 0 && SingleBlocks >= 0 && RefinerDepth >= 0, "block counts must not be negative");
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { NumberHandling = JsonNumberHandling.AllowReadingFromString };
}
