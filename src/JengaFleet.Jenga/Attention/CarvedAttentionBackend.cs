using JengaFleet.Jenga.Carving;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.Attention;

/// <summary>
/// What every backend does the same way: input checks, the dense path, block selection, statistics and
/// the condition-query rows. A backend supplies only how video query rows attend to their kept blocks.
/// </summary>
public abstract class CarvedAttentionBackend : IBlockMaskedAttention
{
    public abstract string Name { get; }

    public Tensor Attend(Tensor query, Tensor key, Tensor value, AttentionCall call) =>
        AttentionMath.SelectAndAttend(this, query, key, value, call);

    public Tensor AttendMasked(Tensor query, Tensor key, Tensor value, AttentionCall call, Tensor blockMask)
    {
        AttentionMath.Validate(query, key, value, call);
        AttentionMath.ValidateMask(blockMask, query, call.Layout);
        var settings = AttentionMath.RequireCarving(call);
        using var scope = NewDisposeScope();
        var layout = call.Layout;
        var video = AttendVideoRows(query, key, value, blockMask, call, settings);
        var output = layout.ConditionTokens == 0
            ? video
            : cat(new[] { video, AttentionMath.ConditionRows(query, key, value, layout) }, 2);
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Output rows of the video queries, <c>[B, H, Nv, D]</c>: each query block attends to the tokens of the
    /// key blocks its mask row keeps (<c>[B, H, Vq, Vk + C]</c>), keys beyond the sample's valid length
    /// removed, the text bias on condition keys.
    /// </summary>
    protected abstract Tensor AttendVideoRows(Tensor query, Tensor key, Tensor value, Tensor mask, AttentionCall call, CarvingSettings settings);
}
