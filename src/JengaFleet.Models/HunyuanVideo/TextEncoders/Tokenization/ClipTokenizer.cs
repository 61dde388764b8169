namespace JengaFleet.Models.HunyuanVideo.TextEncoders.Tokenization;

/// <summary>
/// The CLIP tokenizer of openai/clip-vit-large-patch14 (<c>ckpts/text_encoder_2</c>), from the folder's
/// <c>tokenizer.json</c> through the Hugging Face tokenizers library: lower-cased byte-level BPE with <c>&lt;/w&gt;</c>
/// word ends, <c>&lt;|startoftext|&gt;</c> first and <c>&lt;|endoftext|&gt;</c> last. Truncation keeps the end-of-text
/// token; padding repeats the pad token (end-of-text in openai's files).
/// </summary>
public sealed class ClipTokenizer : IDisposable
{
    public const string StartOfText = "<|startoftext|>";
    public const string EndOfText = "<|endoftext|>";

    /// <summary>CLIP's context length.</summary>
    public const int DefaultMaxLength = 77;

    private readonly Tokenizers.DotNet.Tokenizer _tokenizer;
    private readonly Lock _lock = new();

    private ClipTokenizer(TokenizerFolder files)
    {
        BosTokenId = files.SpecialId("bos_token", StartOfText) ?? throw new InvalidDataException($"{files.TokenizerJson} has no {StartOfText}");
        EosTokenId = files.SpecialId("eos_token", EndOfText) ?? throw new InvalidDataException($"{files.TokenizerJson} has no {EndOfText}");
        PadTokenId = files.SpecialId("pad_token", EndOfText) ?? EosTokenId;
        _tokenizer = new Tokenizers.DotNet.Tokenizer(files.TokenizerJson);
    }

    /// <summary>Opens <c>tokenizer.json</c> in <paramref name="path"/> (the folder, or the file itself).</summary>
    public static ClipTokenizer Open(string path) => new(TokenizerFolder.Open(path));

    public int BosTokenId { get; }

    public int EosTokenId { get; }

    public int PadTokenId { get; }

    /// <summary>The ids of <paramref name="text"/> framed by start- and end-of-text, without padding or truncation.</summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        uint[] raw;
        lock (_lock)
            raw = _tokenizer.Encode(text);
        var ids = raw.Select(id => checked((int)id)).ToList();
        if (ids.Count == 0 || ids[0] != BosTokenId)
            ids.Insert(0, BosTokenId);
        if (ids.Count == 1 || ids[^1] != EosTokenId)
            ids.Add(EosTokenId);
        return [.. ids];
    }

    /// <summary>As the reference calls it: <c>max_length=77</c>, <c>padding="max_length"</c>, <c>truncation=True</c>, right padding.</summary>
    public TokenizedBatch Tokenize(IReadOnlyList<string> texts, int maxLength = DefaultMaxLength) =>
        TokenizedBatch.Pad(texts.Select(t => (IReadOnlyList<int>)Encode(t)), maxLength, PadTokenId, keepLast: 1);

    public void Dispose() => _tokenizer.Dispose();
}
