using JengaFleet.Models.HunyuanVideo.TextEncoders.Tokenization;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.TextEncoders;

/// <summary>
/// Prompt → <c>text_states_2 [B, 768]</c>, as the official <c>TextEncoder</c> (type <c>clipL</c>) does: the stripped
/// prompt without template, 77 tokens, the attention mask passed, the pooled output. Does not own the tokenizer or the model.
/// </summary>
public sealed class HunyuanClipPromptEncoder(ClipTokenizer tokenizer, ClipTextEncoder model, int maxLength = ClipTokenizer.DefaultMaxLength)
{
    public TokenizedBatch Tokenize(IReadOnlyList<string> prompts) => tokenizer.Tokenize(prompts.Select(p => p.Trim()).ToList(), maxLength);

    public Tensor Encode(IReadOnlyList<string> prompts)
    {
        using var scope = NewDisposeScope();
        var batch = Tokenize(prompts);
        var device = model.parameters().First().device;
        return model.Pooled(batch.InputIdsTensor(device), batch.AttentionMaskTensor(device)).MoveToOuterDisposeScope();
    }
}
