namespace JengaFleet.Pipeline.HunyuanVideo;

/// <summary>
/// Where the files of a HunyuanVideo text-to-video model live below a weights root, in the official download
/// layout (<c>huggingface-cli download tencent/HunyuanVideo --local-dir ckpts</c>).
/// </summary>
public sealed record HunyuanVideoWeightLayout(string Root)
{
    public string TransformerFolder => Path.Combine(Root, "hunyuan-video-t2v-720p", "transformers");

    public string TransformerFile => Path.Combine(TransformerFolder, "mp_rank_00_model_states.pt");

    /// <summary>Optional: the transformer's hyper-parameters when they are not the 720p release's (the tiny model writes one).</summary>
    public string TransformerConfig => Path.Combine(TransformerFolder, "config.json");

    public string VaeFolder => Path.Combine(Root, "hunyuan-video-t2v-720p", "vae");

    public string VaeConfig => Path.Combine(VaeFolder, "config.json");

    public string VaeFile => Path.Combine(VaeFolder, "pytorch_model.pt");

    /// <summary>The LLaVA-Llama-3 text tower (config.json, tokenizer files, safetensors shards).</summary>
    public string LlmFolder => Path.Combine(Root, "text_encoder");

    /// <summary>CLIP ViT-L/14 (config.json, tokenizer files, safetensors).</summary>
    public string ClipFolder => Path.Combine(Root, "text_encoder_2");

    /// <summary>The files a load needs, with what each is; the transformer may also be a safetensors repack beside the .pt.</summary>
    public IReadOnlyList<(string Path, string What)> RequiredFiles =>
    [
        (VaeConfig, "VAE config"),
        (VaeFile, "VAE weights"),
        (Path.Combine(LlmFolder, "config.json"), "LLM text encoder config"),
        (Path.Combine(LlmFolder, "tokenizer.json"), "LLM tokenizer"),
        (Path.Combine(ClipFolder, "config.json"), "CLIP text encoder config"),
        (Path.Combine(ClipFolder, "tokenizer.json"), "CLIP tokenizer"),
    ];

    /// <summary>The first missing file, as "what (path)", or null when everything is there. Checks names only; reads nothing.</summary>
    public string? FirstMissing()
    {
        try
        {
            JengaFleet.Models.Checkpoints.CheckpointFiles.FindTransformer(Root);
        }
        catch (FileNotFoundException e)
        {
            return $"transformer weights ({e.FileName})";
        }

        foreach (var (path, what) in RequiredFiles)
        {
            if (!File.Exists(path))
                return $"{what} ({path})";
        }

        if (!Directory.Exists(LlmFolder) || Directory.GetFiles(LlmFolder, "*.safetensors").Length == 0)
            return $"LLM text encoder weights (*.safetensors in {LlmFolder})";
        if (!Directory.Exists(ClipFolder) || Directory.GetFiles(ClipFolder, "*.safetensors").Length == 0)
            return $"CLIP text encoder weights (*.safetensors in {ClipFolder})";
        return null;
    }
}
