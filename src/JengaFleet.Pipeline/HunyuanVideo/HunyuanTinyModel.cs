using System.Text.Json;
using System.Text.Json.Nodes;
using JengaFleet.Jenga.SafeTensors;
using JengaFleet.Models.Checkpoints;
using JengaFleet.Models.HunyuanVideo.TextEncoders;
using JengaFleet.Models.HunyuanVideo.TextEncoders.Tokenization;
using JengaFleet.Models.HunyuanVideo.Transformer;
using JengaFleet.Models.HunyuanVideo.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Pipeline.HunyuanVideo;

/// <summary>
/// <c>hunyuan-tiny</c>: the real HunyuanVideo architecture (every module: transformer with token refiner and
/// double/single blocks, causal VAE, Llama and CLIP text towers, tokenizers) at tiny widths, with deterministic
/// random weights. It is written once to disk in the official file layout and then loaded by the normal loader,
/// so every code path runs on a CPU in seconds. Its videos are noise.
/// </summary>
public static class HunyuanTinyModel
{
    public const string Name = "hunyuan-tiny";

    /// <summary>Bump when the tiny configuration or file format changes: older copies on disk are rewritten.</summary>
    private const int FormatVersion = 2;

    private const string MarkerFile = "hunyuan-tiny.json";

    private const ulong Seed = 20250522;

    public static HunyuanVideoTransformerConfig TransformerConfig { get; } = new()
    {
        HiddenSize = 64,
        HeadsNum = 2,
        DoubleBlocks = 1,
        SingleBlocks = 1,
        RopeDims = [8, 12, 12],
        TextStatesDim = 64,
        TextStatesDim2 = 32,
    };

    /// <summary>The default cache folder: <c>$JENGA_CACHE_DIR</c> or <c>~/.cache/jengafleet</c>, then <c>hunyuan-tiny</c>.</summary>
    public static string DefaultRoot =>
        Path.Combine(Environment.GetEnvironmentVariable("JENGA_CACHE_DIR") is { Length: > 0 } cache
            ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "jengafleet"), Name);

    /// <summary>Writes the tiny model below <paramref name="root"/> unless a current copy is there; returns its layout and prompt crop.</summary>
    public static (HunyuanVideoWeightLayout Layout, int CropStart) EnsureWritten(string root)
    {
        var marker = Path.Combine(root, MarkerFile);
        if (ReadCropStart(marker) is { } existing)
            return (new HunyuanVideoWeightLayout(root), existing);

        // Write into a sibling folder and swap it in, so a crash never leaves half a model behind.
        var staging = root.TrimEnd(Path.DirectorySeparatorChar) + $".staging-{Environment.ProcessId}";
        if (Directory.Exists(staging))
            Directory.Delete(staging, recursive: true);
        var crop = Write(new HunyuanVideoWeightLayout(staging));
        File.WriteAllText(Path.Combine(staging, MarkerFile), JsonSerializer.Serialize(new { format = FormatVersion, crop_start = crop }));
        if (Directory.Exists(root))
            Directory.Delete(root, recursive: true);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(root))!);
        try
        {
            Directory.Move(staging, root);
        }
        catch (IOException) when (ReadCropStart(marker) is not null)
        {
            Directory.Delete(staging, recursive: true); // another process won the race; its copy is identical
        }

        return (new HunyuanVideoWeightLayout(root), crop);
    }

    private static int? ReadCropStart(string marker)
    {
        if (!File.Exists(marker))
            return null;
        using var document = JsonDocument.Parse(File.ReadAllText(marker));
        var root = document.RootElement;
        return root.GetProperty("format").GetInt32() == FormatVersion ? root.GetProperty("crop_start").GetInt32() : null;
    }

    private static int Write(HunyuanVideoWeightLayout layout)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(Seed);

        // Text encoders first: the LLM's vocabulary size comes from its tokenizer.
        TinyTokenizerFiles.WriteLlama(layout.LlmFolder, HunyuanPromptTemplate.Video.Text);
        var llmVocab = TinyTokenizerFiles.VocabularySize(layout.LlmFolder);
        WriteJson(Path.Combine(layout.LlmFolder, "config.json"), new JsonObject
        {
            ["architectures"] = new JsonArray("LlamaForCausalLM"), ["model_type"] = "llama",
            ["vocab_size"] = llmVocab, ["hidden_size"] = TransformerConfig.TextStatesDim, ["intermediate_size"] = 128,
            ["num_hidden_layers"] = 4, ["num_attention_heads"] = 4, ["num_key_value_heads"] = 2, ["head_dim"] = 16,
            ["hidden_act"] = "silu", ["rms_norm_eps"] = 1e-5, ["rope_theta"] = 500000.0, ["max_position_embeddings"] = 2048,
            ["attention_bias"] = false, ["mlp_bias"] = false, ["tie_word_embeddings"] = false,
        });
        var llm = new LlamaTextEncoder(LlamaConfig.Load(Path.Combine(layout.LlmFolder, "config.json")), CPU, ScalarType.Float32);
        SaveSafeTensors(Path.Combine(layout.LlmFolder, "model.safetensors"), llm, generator);

        TinyTokenizerFiles.WriteClip(layout.ClipFolder);
        WriteJson(Path.Combine(layout.ClipFolder, "config.json"), new JsonObject
        {
            ["architectures"] = new JsonArray("CLIPTextModel"), ["model_type"] = "clip_text_model",
            ["vocab_size"] = TinyTokenizerFiles.VocabularySize(layout.ClipFolder), ["hidden_size"] = TransformerConfig.TextStatesDim2,
            ["intermediate_size"] = 64, ["num_hidden_layers"] = 2, ["num_attention_heads"] = 2, ["max_position_embeddings"] = 77,
            ["layer_norm_eps"] = 1e-5, ["hidden_act"] = "quick_gelu", ["eos_token_id"] = 1,
        });
        var clip = new ClipTextEncoder(ClipTextConfig.Load(Path.Combine(layout.ClipFolder, "config.json")), CPU, ScalarType.Float32);
        SaveSafeTensors(Path.Combine(layout.ClipFolder, "model.safetensors"), clip, generator);

        Directory.CreateDirectory(layout.TransformerFolder);
        File.WriteAllText(layout.TransformerConfig, JsonSerializer.Serialize(TransformerConfig));
        var transformer = new HunyuanVideoTransformer(TransformerConfig);
        Randomise(transformer, generator);
        PyTorchCheckpointWriter.Write(layout.TransformerFile, transformer.state_dict().Select(kv => (kv.Key, kv.Value)), wrapKey: "module");

        Directory.CreateDirectory(layout.VaeFolder);
        WriteJson(layout.VaeConfig, new JsonObject
        {
            ["_class_name"] = "AutoencoderKLCausal3D", ["in_channels"] = 3, ["out_channels"] = 3, ["latent_channels"] = 16,
            ["block_out_channels"] = new JsonArray(8, 8, 8, 8), ["layers_per_block"] = 1, ["norm_num_groups"] = 2, ["act_fn"] = "silu",
            ["down_block_types"] = new JsonArray("DownEncoderBlockCausal3D", "DownEncoderBlockCausal3D", "DownEncoderBlockCausal3D", "DownEncoderBlockCausal3D"),
            ["up_block_types"] = new JsonArray("UpDecoderBlockCausal3D", "UpDecoderBlockCausal3D", "UpDecoderBlockCausal3D", "UpDecoderBlockCausal3D"),
            ["sample_size"] = 128, ["sample_tsize"] = 32, ["scaling_factor"] = 0.476986, ["spatial_compression_ratio"] = 8,
            ["time_compression_ratio"] = 4, ["mid_block_add_attention"] = true,
        });
        var vae = new CausalVideoAutoencoder(CausalVaeConfig.Load(layout.VaeConfig));
        Randomise(vae, generator);
        PyTorchCheckpointWriter.Write(layout.VaeFile, vae.state_dict().Select(kv => (kv.Key, kv.Value)));

        using var tokenizer = LlamaTokenizer.Open(layout.LlmFolder);
        return tokenizer.Encode(HunyuanPromptTemplate.Video.Prefix).Length;
    }

    private static void SaveSafeTensors(string path, nn.Module module, Generator generator)
    {
        Randomise(module, generator);
        SafeTensorsWriter.Write(path, module.state_dict().Select(kv => (kv.Key, kv.Value)));
    }

    /// <summary>
    /// Deterministic weights: norms' scales 1, biases 0, every other tensor N(0, 1/fan_in) from one seeded generator
    /// in state-dict order — small enough that random activations stay finite through every module.
    /// </summary>
    private static void Randomise(nn.Module module, Generator generator)
    {
        using var noGrad = no_grad();
        foreach (var (name, tensor) in module.state_dict())
        {
            if (!tensor.is_floating_point())
                continue;
            if (name.EndsWith(".bias", StringComparison.Ordinal))
                tensor.zero_();
            else if (tensor.ndim == 1)
                tensor.fill_(1.0);
            else
                tensor.normal_(0, 1.0 / Math.Sqrt(tensor.numel() / tensor.shape[0]), generator);
        }
    }

    private static void WriteJson(string path, JsonObject json)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
