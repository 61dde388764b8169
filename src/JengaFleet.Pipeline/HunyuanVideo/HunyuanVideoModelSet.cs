using JengaFleet.Models.Checkpoints;
using JengaFleet.Models.HunyuanVideo.TextEncoders;
using JengaFleet.Models.HunyuanVideo.TextEncoders.Tokenization;
using JengaFleet.Models.HunyuanVideo.Transformer;
using JengaFleet.Models.HunyuanVideo.Transformer.Modules;
using JengaFleet.Models.HunyuanVideo.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Pipeline.HunyuanVideo;

/// <summary>
/// Every module of a HunyuanVideo text-to-video model, loaded once and kept in memory: the transformer, the
/// causal VAE, the LLM and CLIP text encoders with their tokenizers.
/// </summary>
public sealed class HunyuanVideoModelSet : IDisposable
{
    private HunyuanVideoModelSet(
        HunyuanVideoTransformer transformer,
        CausalVideoAutoencoder vae,
        HunyuanLlmPromptEncoder llm,
        HunyuanClipPromptEncoder clip,
        IDisposable[] owned,
        Device device,
        ScalarType vaeDtype)
    {
        VaeDType = vaeDtype;
        Transformer = transformer;
        Vae = vae;
        Llm = llm;
        Clip = clip;
        _owned = owned;
        Device = device;
    }

    private readonly IDisposable[] _owned;

    public HunyuanVideoTransformer Transformer { get; }

    public CausalVideoAutoencoder Vae { get; }

    public HunyuanLlmPromptEncoder Llm { get; }

    public HunyuanClipPromptEncoder Clip { get; }

    public Device Device { get; }

    /// <summary>The VAE's parameter dtype (latents are cast to it before decoding).</summary>
    public ScalarType VaeDType { get; }

    /// <summary>
    /// Loads from the official layout. CPU: float32 everywhere. CUDA: bf16 transformer and text encoders, fp16 VAE
    /// (the reference's precisions, with bf16 for the text encoders that it runs in fp16).
    /// </summary>
    /// <param name="cropStart">
    /// Tokens of the prompt template before the prompt; null uses the release's 95 (Llama 3 tokenizer). A model with
    /// another tokenizer (the tiny one) passes its own count.
    /// </param>
    public static HunyuanVideoModelSet Load(HunyuanVideoWeightLayout layout, Device device, int? cropStart = null)
    {
        var missing = layout.FirstMissing();
        if (missing is not null)
            throw new FileNotFoundException($"HunyuanVideo weights are incomplete under {layout.Root}: missing {missing}");

        var gpu = device.type == DeviceType.CUDA;
        var modelDtype = gpu ? ScalarType.BFloat16 : ScalarType.Float32;
        var vaeDtype = gpu ? ScalarType.Float16 : ScalarType.Float32;
        var owned = new List<IDisposable>();
        try
        {
            var config = File.Exists(layout.TransformerConfig)
                ? HunyuanVideoTransformerConfig.FromJson(File.ReadAllText(layout.TransformerConfig))
                : HunyuanVideoTransformerConfig.T2V720p;
            var transformer = new HunyuanVideoTransformer(config, new ParameterPlacement(device, modelDtype));
            owned.Add(transformer);
            using (var weights = CheckpointFiles.OpenTransformer(layout.Root))
                StateDictLoader.Load(transformer, weights);
            transformer.eval();

            var vae = new CausalVideoAutoencoder(CausalVaeConfig.Load(layout.VaeConfig), device, vaeDtype);
            owned.Add(vae);
            // The reference unwraps an optional "state_dict" entry (and a "vae." key prefix, which LoadWeights handles).
            using (var weights = CheckpointFiles.Open(layout.VaeFile, loadKey: "state_dict"))
                vae.LoadWeights(weights);
            vae.EnableTiling();
            vae.eval();

            var llmTokenizer = LlamaTokenizer.Open(layout.LlmFolder);
            owned.Add(llmTokenizer);
            var llmModel = LlamaTextEncoder.FromPretrained(layout.LlmFolder, device, modelDtype);
            owned.Add(llmModel);
            var template = cropStart is { } crop ? HunyuanPromptTemplate.Video with { CropStart = crop } : HunyuanPromptTemplate.Video;

            var clipTokenizer = ClipTokenizer.Open(layout.ClipFolder);
            owned.Add(clipTokenizer);
            var clipModel = ClipTextEncoder.FromPretrained(layout.ClipFolder, device, modelDtype);
            owned.Add(clipModel);

            return new HunyuanVideoModelSet(
                transformer,
                vae,
                new HunyuanLlmPromptEncoder(llmTokenizer, llmModel, template),
                new HunyuanClipPromptEncoder(clipTokenizer, clipModel),
                [.. owned],
                device,
                vaeDtype);
        }
        catch
        {
            foreach (var item in owned)
                item.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var item in _owned)
            item.Dispose();
    }
}
