using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.TextEncoders.Modules;

/// <summary>The attention mask both text encoders use: causal, combined with the key-padding mask.</summary>
internal static class CausalPaddingMask
{
    /// <summary>
    /// <c>allow[b, 0, i, j] = j ≤ i ∧ mask[b, j]</c> as a boolean <c>[B, 1, L, L]</c> tensor. Padded query rows still
    /// see the valid prefix (as in transformers). A row left with no key (only possible with left padding or an
    /// all-zero mask) is opened to every key, as transformers' SDPA path does, instead of producing NaN.
    /// </summary>
    public static Tensor Build(Tensor attentionMask)
    {
        var length = attentionMask.shape[1];
        var keys = attentionMask.to(ScalarType.Bool).unsqueeze(1).unsqueeze(1);
        var causal = ones(length, length, ScalarType.Bool, attentionMask.device).tril().unsqueeze(0).unsqueeze(0);
        var allow = causal.logical_and(keys);
        var empty = allow.any(-1, keepdim: true).logical_not();
        return allow.logical_or(empty);
    }
}
