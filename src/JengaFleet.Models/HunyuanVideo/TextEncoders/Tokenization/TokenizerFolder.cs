using System.Text.Json;

namespace JengaFleet.Models.HunyuanVideo.TextEncoders.Tokenization;

/// <summary>
/// The files of a Hugging Face tokenizer folder: <c>tokenizer.json</c> (read by the tokenizers library) and the
/// special-token names of <c>tokenizer_config.json</c> / <c>special_tokens_map.json</c>, resolved to ids
/// through the added tokens and the vocabulary of <c>tokenizer.json</c>.
/// </summary>
internal sealed class TokenizerFolder
{
    private readonly Dictionary<string, string> _specialNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

    private TokenizerFolder(string tokenizerJson)
    {
        TokenizerJson = tokenizerJson;
        using var document = JsonDocument.Parse(File.ReadAllBytes(tokenizerJson));
        var root = document.RootElement;
        if (root.TryGetProperty("model", out var model) && model.TryGetProperty("vocab", out var vocab) && vocab.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in vocab.EnumerateObject())
                _ids[entry.Name] = entry.Value.GetInt32();
        }
        if (root.TryGetProperty("added_tokens", out var added))
        {
            foreach (var token in added.EnumerateArray())
                _ids[token.GetProperty("content").GetString()!] = token.GetProperty("id").GetInt32();
        }
    }

    public string TokenizerJson { get; }

    /// <summary>A folder with <c>tokenizer.json</c>, or the path of a <c>tokenizer.json</c> itself.</summary>
    public static TokenizerFolder Open(string path)
    {
        var folder = File.Exists(path) ? Path.GetDirectoryName(Path.GetFullPath(path))! : path;
        var json = File.Exists(path) ? path : Path.Combine(folder, "tokenizer.json");
        if (!File.Exists(json))
            throw new FileNotFoundException($"no tokenizer.json in {folder}", json);
        var result = new TokenizerFolder(json);
        // special_tokens_map.json first, tokenizer_config.json wins (transformers reads both; the config is newer)
        foreach (var file in new[] { "special_tokens_map.json", "tokenizer_config.json" })
        {
            var p = Path.Combine(folder, file);
            if (!File.Exists(p))
                continue;
            using var document = JsonDocument.Parse(File.ReadAllText(p));
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var name = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Object when property.Value.TryGetProperty("content", out var c) => c.GetString(),
                    _ => null,
                };
                if (name is not null && property.Name.EndsWith("_token", StringComparison.Ordinal))
                    result._specialNames[property.Name] = name;
            }
        }
        return result;
    }

    /// <summary>The id of a token of the vocabulary or of the added tokens.</summary>
    public int? Id(string token) => _ids.TryGetValue(token, out var id) ? id : null;

    /// <summary>The id of a special token named in the config files (<c>bos_token</c>, <c>pad_token</c>, ...), else of <paramref name="fallbackToken"/>.</summary>
    public int? SpecialId(string role, string? fallbackToken = null)
    {
        var token = _specialNames.GetValueOrDefault(role) ?? fallbackToken;
        return token is null ? null : Id(token);
    }
}
