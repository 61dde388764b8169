namespace JengaFleet.Models.HunyuanVideo.TextEncoders.Tokenization;

/// <summary>
/// The Llama-3 tokenizer of the LLM encoder, from its official <c>tokenizer.json</c> through the Hugging Face
/// tokenizers library (Tokenizers.DotNet), so ids are those of the reference's <c>PreTrainedTokenizerFast</c>.
/// Every encoding starts with begin-of-text: the LLaVA <c>tokenizer.json</c> adds it in its post-processor; copies of
/// the Llama-3 file without that post-processor get it prepended here. Special tokens written in the text
/// (<c>&lt;|eot_id|&gt;</c>, ...) become their ids.
/// </summary>
public sealed class LlamaTokenizer : IDisposable
{
    /// <summary><c>&lt;|begin_of_text|&gt;</c>.</summary>
    public const string BeginOfText = "<|begin_of_text|>";

    private readonly Tokenizers.DotNet.Tokenizer _tokenizer;
    private readonly TokenizerFolder _files;
    private readonly Lock _lock = new();

    private LlamaTokenizer(TokenizerFolder files, int? padTokenId)
    {
        _files = files;
        BosTokenId = files.SpecialId("bos_token", BeginOfText)
            ?? throw new InvalidDataException($"{files.TokenizerJson} has no begin-of-text token {BeginOfText}");
        PadTokenId = padTokenId ?? files.SpecialId("pad_token")
            ?? throw new InvalidDataException(
                $"{files.TokenizerJson}: no pad_token in tokenizer_config.json / special_tokens_map.json (the LLaVA text-encoder folder declares one); pass the pad id explicitly");
        _tokenizer = new Tokenizers.DotNet.Tokenizer(files.TokenizerJson);
    }

    /// <summary>
    /// Opens <c>tokenizer.json</c> in <paramref name="path"/> (a folder like <c>ckpts/text_encoder</c>, or the file itself).
    /// The pad id is <paramref name="padTokenId"/> when given, else the folder's <c>pad_token</c>.
    /// </summary>
    public static LlamaTokenizer Open(string path, int? padTokenId = null) => new(TokenizerFolder.Open(path), padTokenId);

    public int BosTokenId { get; }

    public int PadTokenId { get; }

    /// <summary>The id of a token of the vocabulary or an added/special token, e.g. <c>&lt;|eot_id|&gt;</c>.</summary>
    public int? TokenId(string token) => _files.Id(token);

    /// <summary>The ids of <paramref name="text"/>, begin-of-text first, without padding or truncation.</summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        uint[] raw;
        lock (_lock)
            raw = _tokenizer.Encode(text);
        var ids = raw.Select(id => checked((int)id));
        return raw.Length > 0 && raw[0] == BosTokenId ? ids.ToArray() : [BosTokenId, .. ids];
    }

    /// <summary>As the reference calls it: <c>padding="max_length"</c>, <c>truncation=True</c>, right padding with <see cref="PadTokenId"/>.</summary>
    public TokenizedBatch Tokenize(IReadOnlyList<string> texts, int maxLength) =>
        TokenizedBatch.Pad(texts.Select(t => (IReadOnlyList<int>)Encode(t)), maxLength, PadTokenId);

    public void Dispose() => _tokenizer.Dispose();
}
