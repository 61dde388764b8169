using JengaFleet.Models.HunyuanVideo.TextEncoders.Tokenization;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.TextEncoders;

/// <summary>
/// Prompt → <c>text_states [B, text_len, 4096]</c> + <c>text_mask [B, text_len]</c>, as the official
/// <c>TextEncoder</c> (type <c>llm</c>) does: template, tokenizer (max length text_len + crop_start, right padding,
/// truncation), hidden state −3, crop. Does not own the tokenizer or the model.
/// </summary>
public sealed class HunyuanLlmPromptEncoder(LlamaTokenizer tokenizer, LlamaTextEncoder model, HunyuanPromptTemplate template, int textLength = HunyuanPromptTemplate.DefaultTextLength)
{
    public HunyuanPromptTemplate Template => template;

    /// <summary>The token ids and mask the model will see (length <c>textLength + CropStart</c>).</summary>
    public TokenizedBatch Tokenize(IReadOnlyList<string> prompts) =>
        tokenizer.Tokenize(prompts.Select(template.Apply).ToList(), template.MaxLength(textLength));

    public LlmTextEncoding Encode(IReadOnlyList<string> prompts)
    {
        using var scope = NewDisposeScope();
        var batch = Tokenize(prompts);
        var device = model.parameters().First().device;
        var encoding = model.Encode(batch.InputIdsTensor(device), batch.AttentionMaskTensor(device), template.CropStart);
        encoding.States.MoveToOuterDisposeScope();
        encoding.Mask.MoveToOuterDisposeScope();
        return encoding;
    }
}
