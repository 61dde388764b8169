using JengaFleet.Models.Checkpoints;
using JengaFleet.Models.HunyuanVideo.TextEncoders.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.TextEncoders;

/// <summary>
/// HunyuanVideo's LLM text encoder: the <c>LlamaModel</c> text tower of LLaVA-Llama-3-8B, with fields named as
/// its state dict (<c>embed_tokens</c>, <c>layers.N.*</c>, <c>norm</c>). <see cref="Encode"/> does what the official
/// <c>TextEncoder.encode</c> does with token ids: the hidden state of layer −(skip+1) without the final norm,
/// cropped past the template.
/// </summary>
public sealed class LlamaTextEncoder : nn.Module
{
    /// <summary><c>hidden_state_skip_layer</c> of the official encoder: take <c>hidden_states[-(2+1)]</c>.</summary>
    public const int DefaultHiddenStateSkipLayer = 2;

    private readonly Embedding embed_tokens;
    private readonly ModuleList<LlamaDecoderLayer> layers;
    private readonly LlamaRmsNorm norm;

    /// <param name="device">where the parameters live; <c>torch.META</c> builds the module without allocating them</param>
    public LlamaTextEncoder(LlamaConfig config, Device? device = null, ScalarType? dtype = null) : base(nameof(LlamaTextEncoder))
    {
        Config = config;
        embed_tokens = nn.Embedding(config.VocabSize, config.HiddenSize, device: device, dtype: dtype);
        layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new LlamaDecoderLayer(config, device, dtype)).ToArray());
        norm = new LlamaRmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        RegisterComponents();
    }

    public LlamaConfig Config { get; }

    /// <summary>
    /// Builds the encoder from a Hugging Face folder as downloaded (<c>ckpts/text_encoder</c>: <c>config.json</c> and
    /// safetensors shards with their index), converting every tensor to <paramref name="dtype"/> on <paramref name="device"/>.
    /// </summary>
    public static LlamaTextEncoder FromPretrained(string folder, Device device, ScalarType dtype)
    {
        var config = LlamaConfig.Load(Path.Combine(folder, "config.json"));
        return TextEncoderCheckpoints.LoadFolder(new LlamaTextEncoder(config, device, dtype), folder, TextEncoderCheckpoints.LlamaWeights);
    }

    /// <summary>
    /// Entry <paramref name="index"/> of transformers' <c>hidden_states</c> tuple (negative counts from the end):
    /// 0 is the embeddings, i the output of layer i (no norm) for i &lt; N, and N the final-normed output of layer N.
    /// Only the layers needed are run.
    /// </summary>
    /// <param name="inputIds">[B, L] int64</param>
    /// <param name="attentionMask">[B, L], 1 for real tokens (any integer or bool dtype)</param>
    public Tensor HiddenState(Tensor inputIds, Tensor attentionMask, int index)
    {
        var count = Config.NumHiddenLayers;
        var resolved = index < 0 ? index + count + 1 : index;
        if (resolved < 0 || resolved > count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"hidden_states has {count + 1} entries");

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var h = embed_tokens.forward(inputIds.to(ScalarType.Int64));
        var allow = CausalPaddingMask.Build(attentionMask.to(h.device));
        var (cos, sin) = LlamaRotaryEmbedding.Tables(inputIds.shape[1], Config.HeadDim, Config.RopeTheta, h.device, h.dtype);
        for (var i = 0; i < resolved; i++)
            h = ((LlamaDecoderLayer)layers[i]).forward(h, cos, sin, allow);
        if (resolved == count)
            h = norm.forward(h);
        return h.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The official encoding of tokenized prompts: <c>hidden_states[-(skip+1)]</c> without the final norm, then
    /// states and mask cropped to positions <c>cropStart..</c> (the template's instruction dropped).
    /// </summary>
    public LlmTextEncoding Encode(Tensor inputIds, Tensor attentionMask, int cropStart, int hiddenStateSkipLayer = DefaultHiddenStateSkipLayer)
    {
        if (cropStart < 0 || cropStart >= inputIds.shape[1])
            throw new ArgumentOutOfRangeException(nameof(cropStart), cropStart, $"must be below the token length {inputIds.shape[1]}");
        using var scope = NewDisposeScope();
        var states = HiddenState(inputIds, attentionMask, -(hiddenStateSkipLayer + 1));
        var cropped = states[.., cropStart..].contiguous();
        var mask = attentionMask[.., cropStart..].to(ScalarType.Int64).to(cropped.device).contiguous();
        return new LlmTextEncoding(cropped.MoveToOuterDisposeScope(), mask.MoveToOuterDisposeScope());
    }
}
