using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.TextEncoders.Tokenization;

/// <summary>Token ids and attention masks of several texts, each padded or truncated to <see cref="Length"/>.</summary>
public sealed record TokenizedBatch(IReadOnlyList<long[]> InputIds, IReadOnlyList<long[]> AttentionMask)
{
    public int BatchSize => InputIds.Count;

    public int Length => InputIds.Count == 0 ? 0 : InputIds[0].Length;

    /// <summary><c>input_ids</c> as an int64 <c>[B, L]</c> tensor (the caller owns it).</summary>
    public Tensor InputIdsTensor(Device? device = null) => Stack(InputIds, device);

    /// <summary><c>attention_mask</c> as an int64 <c>[B, L]</c> tensor, 1 for real tokens (the caller owns it).</summary>
    public Tensor AttentionMaskTensor(Device? device = null) => Stack(AttentionMask, device);

    /// <summary>
    /// Right padding and truncation as transformers does with <c>padding="max_length", truncation=True</c>:
    /// ids longer than <paramref name="maxLength"/> are cut, keeping the last <paramref name="keepLast"/> ids (the
    /// closing special tokens that the tokenizer adds after truncating); shorter ones are padded with <paramref name="padId"/>.
    /// </summary>
    public static TokenizedBatch Pad(IEnumerable<IReadOnlyList<int>> encoded, int maxLength, int padId, int keepLast = 0)
    {
        var ids = new List<long[]>();
        var masks = new List<long[]>();
        foreach (var e in encoded)
        {
            var kept = e.Count <= maxLength ? e : [.. e.Take(maxLength - keepLast), .. e.Skip(e.Count - keepLast)];
            var row = new long[maxLength];
            var mask = new long[maxLength];
            for (var i = 0; i < maxLength; i++)
            {
                row[i] = i < kept.Count ? kept[i] : padId;
                mask[i] = i < kept.Count ? 1 : 0;
            }
            ids.Add(row);
            masks.Add(mask);
        }
        return new TokenizedBatch(ids, masks);
    }

    private Tensor Stack(IReadOnlyList<long[]> rows, Device? device) =>
        tensor(rows.SelectMany(r => r).ToArray(), [rows.Count, Length], ScalarType.Int64, device);
}
