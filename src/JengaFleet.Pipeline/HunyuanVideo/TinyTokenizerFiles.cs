using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace JengaFleet.Pipeline.HunyuanVideo;

/// <summary>
/// Word-level Hugging Face <c>tokenizer.json</c> files for the tiny model: the words of the prompt template and
/// of common prompts, everything else the unknown token. Loaded by the same tokenizer library as the real files.
/// </summary>
internal static partial class TinyTokenizerFiles
{
    private static readonly string[] CommonWords =
    [
        "a", "an", "the", "of", "in", "on", "at", "with", "and", "or", "to", "from", "by", "is", "are", "over", "under",
        "cat", "cats", "dog", "dogs", "bird", "fish", "horse", "person", "man", "woman", "child", "people", "robot", "car",
        "city", "street", "forest", "sea", "ocean", "river", "mountain", "sky", "sun", "moon", "night", "day", "rain",
        "snow", "fire", "water", "tree", "trees", "flower", "flowers", "house", "room", "light", "red", "blue", "green",
        "yellow", "white", "black", "golden", "small", "big", "slow", "fast", "running", "walking", "flying", "dancing",
        "playing", "boxing", "swimming", "sitting", "camera", "shot", "close", "up", "wide", "aerial", "view", "video",
    ];

    /// <summary>The Llama-style file: begin-of-text, header and end-of-turn tokens as in the release, a pad token.</summary>
    public static void WriteLlama(string folder, string templateText)
    {
        string[] specials = ["<|begin_of_text|>", "<|eot_id|>", "<|start_header_id|>", "<|end_header_id|>", "<pad>", "<unk>"];
        Write(folder, specials, Words(templateText), unk: "<unk>");
        WriteSpecialTokens(folder, new() { ["bos_token"] = "<|begin_of_text|>", ["eos_token"] = "<|eot_id|>", ["pad_token"] = "<pad>" });
    }

    /// <summary>The CLIP-style file: start- and end-of-text (also the pad, as CLIP pads).</summary>
    public static void WriteClip(string folder)
    {
        string[] specials = ["<|startoftext|>", "<|endoftext|>", "<unk>"];
        Write(folder, specials, CommonWords, unk: "<unk>");
        WriteSpecialTokens(folder, new() { ["bos_token"] = "<|startoftext|>", ["eos_token"] = "<|endoftext|>", ["pad_token"] = "<|endoftext|>" });
    }

    public static int VocabularySize(string folder)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "tokenizer.json")));
        return document.RootElement.GetProperty("model").GetProperty("vocab").EnumerateObject().Count();
    }

    private static IEnumerable<string> Words(string text) => WordPattern().Matches(text).Select(m => m.Value.ToLowerInvariant()).Concat(CommonWords);

    private static void Write(string folder, string[] specials, IEnumerable<string> words, string unk)
    {
        var vocab = new JsonObject();
        var id = 0;
        var added = new JsonArray();
        foreach (var special in specials)
        {
            vocab[special] = id;
            added.Add(new JsonObject
            {
                ["id"] = id, ["content"] = special, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
                ["normalized"] = false, ["special"] = true,
            });
            id++;
        }

        foreach (var word in words.Distinct(StringComparer.Ordinal).Where(w => !vocab.ContainsKey(w)))
            vocab[word] = id++;

        var tokenizer = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = new JsonObject { ["type"] = "Lowercase" },
            ["pre_tokenizer"] = new JsonObject { ["type"] = "Whitespace" },
            ["post_processor"] = null,
            ["decoder"] = null,
            ["model"] = new JsonObject { ["type"] = "WordLevel", ["vocab"] = vocab, ["unk_token"] = unk },
        };
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), tokenizer.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static void WriteSpecialTokens(string folder, Dictionary<string, string> tokens) =>
        File.WriteAllText(Path.Combine(folder, "special_tokens_map.json"), JsonSerializer.Serialize(tokens));

    // The Whitespace pre-tokenizer's split: runs of word characters, runs of other non-space characters.
    [GeneratedRegex(@"\w+|[^\w\s]+")]
    private static partial Regex WordPattern();
}
