using JengaFleet.Models.HunyuanVideo.TextEncoders;
using JengaFleet.Models.HunyuanVideo.TextEncoders.Tokenization;
using JengaFleet.Testing;
using Xunit;
using static TorchSharp.torch;

namespace JengaFleet.Models.Tests.HunyuanVideo.TextEncoders;

/// <summary>
/// The CLIP tokenizer wrapper on a tiny <c>tokenizer.json</c> written in the layout of openai's CLIP files
/// (NFC + whitespace collapse + lower-case, CLIP's split pattern, byte-level, BPE with <c>&lt;/w&gt;</c>, start/end
/// tokens added by the post-processor). No npm package ships openai/clip-vit-large-patch14's tokenizer files, so the
/// real vocabulary is not tested here.
/// </summary>
public class ClipTokenizerTests
{
    private const int Bos = 60;
    private const int Eot = 61;

    private static readonly string TinyClipTokenizerJson = BuildTokenizerJson();

    private static string BuildTokenizerJson()
    {
        var vocab = new List<string>();
        vocab.AddRange(Enumerable.Range('a', 26).Select(c => ((char)c).ToString()));
        vocab.AddRange(Enumerable.Range('a', 26).Select(c => ((char)c) + "</w>"));
        vocab.AddRange([",", ",</w>", ".", ".</w>", "ca", "cat</w>", "do", "dog</w>", "<|startoftext|>", "<|endoftext|>"]);
        var vocabJson = string.Join(", ", vocab.Select((t, i) => $"\"{t}\": {i}"));
        return $$"""
            {"version": "1.0", "truncation": null, "padding": null,
             "added_tokens": [
               {"id": {{Bos}}, "content": "<|startoftext|>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": true, "special": true},
               {"id": {{Eot}}, "content": "<|endoftext|>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}],
             "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "}, {"type": "Lowercase"}]},
             "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
               {"type": "Split", "pattern": {"Regex": "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+"}, "behavior": "Removed", "invert": true},
               {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false}]},
             "post_processor": {"type": "RobertaProcessing", "sep": ["<|endoftext|>", {{Eot}}], "cls": ["<|startoftext|>", {{Bos}}], "trim_offsets": false, "add_prefix_space": false},
             "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},
             "model": {"type": "BPE", "dropout": null, "unk_token": "<|endoftext|>", "continuing_subword_prefix": "", "end_of_word_suffix": "</w>",
                       "fuse_unk": false, "byte_fallback": false, "vocab": { {{vocabJson}} }, "merges": ["c a", "ca t</w>", "d o", "do g</w>"] } }
            """;
    }

    private static ClipTokenizer Open(TempDirectory dir)
    {
        File.WriteAllText(Path.Combine(dir.Path, "tokenizer.json"), TinyClipTokenizerJson);
        File.WriteAllText(Path.Combine(dir.Path, "tokenizer_config.json"), """{"bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>"}""");
        return ClipTokenizer.Open(dir.Path);
    }

    [Fact]
    public void Lower_cases_splits_words_and_frames_with_start_and_end_of_text()
    {
        using var dir = new TempDirectory();
        using var tokenizer = Open(dir);
        // a</w>=26, cat</w>=57, ,</w>=53, dog</w>=59, .</w>=55
        Assert.Equal([Bos, 26, 57, 53, 59, 55, Eot], tokenizer.Encode("A Cat,  DOG."));
        Assert.Equal((Bos, Eot, Eot), (tokenizer.BosTokenId, tokenizer.EosTokenId, tokenizer.PadTokenId));
    }

    [Fact]
    public void Pads_to_77_with_end_of_text_and_truncation_keeps_the_closing_end_of_text()
    {
        using var dir = new TempDirectory();
        using var tokenizer = Open(dir);
        var batch = tokenizer.Tokenize(["a dog", string.Join(' ', Enumerable.Repeat("cat", 100))]);
        Assert.Equal(77, batch.Length);
        Assert.Equal(new long[] { Bos, 26, 59, Eot }.Concat(Enumerable.Repeat((long)Eot, 73)), batch.InputIds[0]);
        Assert.Equal(Enumerable.Repeat(1L, 4).Concat(Enumerable.Repeat(0L, 73)), batch.AttentionMask[0]);
        Assert.Equal(new long[] { Bos }.Concat(Enumerable.Repeat(57L, 75)).Append(Eot), batch.InputIds[1]);
        Assert.All(batch.AttentionMask[1], m => Assert.Equal(1L, m));
    }

    [Fact]
    public void Prompt_encoder_pools_at_the_first_end_of_text()
    {
        using var dir = new TempDirectory();
        using var tokenizer = Open(dir);
        using var scope = NewDisposeScope();
        var config = new ClipTextConfig(62, 16, 32, 2, 2, 77, 1e-5, "quick_gelu", ClipTextConfig.LegacyEosTokenId);
        using var model = new ClipTextEncoder(config);
        var encoder = new HunyuanClipPromptEncoder(tokenizer, model);

        var pooled = encoder.Encode(["  A cat. "]);
        var batch = encoder.Tokenize(["A cat."]);
        var hidden = model.LastHiddenState(batch.InputIdsTensor(), batch.AttentionMaskTensor());
        Assert.Equal([1L, 16L], pooled.shape);
        // BOS a cat . EOT: the first EOT is position 4
        Assert.True(pooled.eq(hidden[.., 4]).all().item<bool>());
    }
}
