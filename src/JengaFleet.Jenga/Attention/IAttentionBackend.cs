using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.Attention;

/// <summary>
/// The one attention seam every transformer calls. q, k and v are <c>[B, H, L, D]</c> with
/// L = video + condition tokens; the result has the same shape.
///
/// Semantics (identical for every backend):
/// * Dense call (no carving): every query attends to the keys of its sample's valid length
///   (video tokens and valid condition tokens).
/// * Carved call: a video query of block m attends to the tokens of the key blocks in the selection
///   mask, keys beyond the sample's valid length removed, with <c>TextAmp·ln2</c> added to the logits of
///   condition keys. Condition queries attend densely to all L keys, padded condition keys included,
///   without bias (the reference's text path, kept on purpose).
/// </summary>
public interface IAttentionBackend
{
    string Name { get; }

    Tensor Attend(Tensor query, Tensor key, Tensor value, AttentionCall call);
}
