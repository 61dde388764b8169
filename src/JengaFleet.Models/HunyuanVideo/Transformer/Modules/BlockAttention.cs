using JengaFleet.Jenga.Attention;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Transformer.Modules;

/// <summary>
/// The joint attention of one transformer call, shared by all double- and single-stream blocks: the core's
/// backend and the call description (layout <c>[video in curve order | text]</c>, valid text lengths, carving).
/// </summary>
public sealed record BlockAttention(IAttentionBackend Backend, AttentionCall Call)
{
    /// <summary>q, k, v <c>[B, H, L, D]</c> -> <c>[B, L, H*D]</c>.</summary>
    public Tensor Attend(Tensor q, Tensor k, Tensor v)
    {
        using var scope = NewDisposeScope();
        return DitMath.MergeHeads(Backend.Attend(q, k, v, Call)).MoveToOuterDisposeScope();
    }
}
