using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Transformer.Modules;

/// <summary>
/// Official <c>IndividualTokenRefiner</c>: the refiner blocks with the text self-attention mask
/// <c>allow[i][j] = mask_i AND mask_j</c>, column 0 forced on (a padded token then sees token 0 only).
/// </summary>
public sealed class IndividualTokenRefiner : nn.Module<Tensor, Tensor, Tensor?, Tensor>
{
    private readonly ModuleList<IndividualTokenRefinerBlock> blocks;

    public IndividualTokenRefiner(HunyuanVideoTransformerConfig config, ParameterPlacement placement) : base(nameof(IndividualTokenRefiner))
    {
        blocks = new ModuleList<IndividualTokenRefinerBlock>(
            Enumerable.Range(0, config.RefinerDepth).Select(_ => new IndividualTokenRefinerBlock(config, placement)).ToArray());
        RegisterComponents();
    }

    /// <param name="mask">[B, L] text mask (nonzero = real token), or null for all tokens.</param>
    public override Tensor forward(Tensor x, Tensor c, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        var attentionMask = mask is null ? ones(x.shape[0], 1, x.shape[1], x.shape[1], ScalarType.Bool, x.device) : PairMask(mask.to(x.device));
        foreach (var block in blocks)
            x = block.forward(x, c, attentionMask);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>bool [B, 1, L, L]: <c>mask_i AND mask_j</c>, and every row may see key 0.</summary>
    public static Tensor PairMask(Tensor mask)
    {
        using var scope = NewDisposeScope();
        var valid = mask.ne(0);
        var pair = valid.unsqueeze(2).logical_and(valid.unsqueeze(1)).unsqueeze(1);
        pair[TensorIndex.Ellipsis, 0] = tensor(true);
        return pair.MoveToOuterDisposeScope();
    }
}
