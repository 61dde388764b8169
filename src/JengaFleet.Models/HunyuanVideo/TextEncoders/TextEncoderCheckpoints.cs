using TorchSharp;
using static TorchSharp.torch;
using JengaFleet.Models.Checkpoints;

namespace JengaFleet.Models.HunyuanVideo.TextEncoders;

/// <summary>The key conventions of the text-encoder files as downloaded, mapped to the module's state-dict names.</summary>
public static class TextEncoderCheckpoints
{
    /// <summary>
    /// LLM tower: the official <c>ckpts/text_encoder</c> was saved from a <c>LlamaForCausalLM</c>, so its keys are
    /// <c>model.&lt;key&gt;</c> plus an unused <c>lm_head.weight</c>; other copies store bare <c>LlamaModel</c> keys.
    /// Both load; <c>lm_head.weight</c> is never read (HunyuanVideo only needs hidden states).
    /// </summary>
    public static ITensorSource LlamaWeights(ITensorSource file)
    {
        if (file.Names.Any(n => n.StartsWith("model.", StringComparison.Ordinal)))
            return new PrefixedTensorSource(file, "model.");
        return new FilteredTensorSource(file, name => name != "lm_head.weight", "without lm_head.weight");
    }

    /// <summary>
    /// CLIP: the file holds the whole <c>CLIPModel</c>; keep its <c>text_model.*</c> tensors, less the
    /// <c>position_ids</c> buffer some files carry (transformers does not persist it).
    /// </summary>
    public static ITensorSource ClipTextWeights(ITensorSource file) =>
        new FilteredTensorSource(
            file,
            name => name.StartsWith("text_model.", StringComparison.Ordinal) && name != "text_model.embeddings.position_ids",
            "text_model.* only");

    /// <summary>
    /// Loads a freshly built encoder from a Hugging Face folder's safetensors (after mapping its key names) and puts
    /// it in eval mode; the module is disposed if the files do not fit it.
    /// </summary>
    internal static TModule LoadFolder<TModule>(TModule model, string folder, Func<ITensorSource, ITensorSource> keyMapping)
        where TModule : nn.Module
    {
        try
        {
            using var file = SafeTensorsSource.Open(folder);
            using var weights = keyMapping(file);
            StateDictLoader.Load(model, weights);
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
