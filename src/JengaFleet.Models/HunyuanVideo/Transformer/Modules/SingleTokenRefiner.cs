using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Transformer.Modules;

/// <summary>
/// Official <c>SingleTokenRefiner</c> (<c>txt_in</c>): <c>c = t_embedder(t) + c_embedder(mean of the valid
/// text states)</c>; <c>h = input_embedder(text states)</c>; then the individual token refiner blocks.
/// </summary>
public sealed class SingleTokenRefiner : nn.Module<Tensor, Tensor, Tensor?, Tensor>
{
    private readonly Linear input_embedder;
    private readonly TimestepEmbedder t_embedder;
    private readonly TextProjection c_embedder;
    private readonly IndividualTokenRefiner individual_token_refiner;

    public SingleTokenRefiner(HunyuanVideoTransformerConfig config, ParameterPlacement placement) : base(nameof(SingleTokenRefiner))
    {
        input_embedder = placement.Linear(config.TextStatesDim, config.HiddenSize, config.QkvBias);
        t_embedder = new TimestepEmbedder(config.HiddenSize, placement);
        c_embedder = new TextProjection(config.TextStatesDim, config.HiddenSize, placement);
        individual_token_refiner = new IndividualTokenRefiner(config, placement);
        RegisterComponents();
    }

    /// <param name="textStates">[B, L, text_states_dim] in the model dtype.</param>
    /// <param name="timestep">[B].</param>
    /// <param name="mask">[B, L] (nonzero = valid) or null.</param>
    public override Tensor forward(Tensor textStates, Tensor timestep, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        var timeAware = t_embedder.forward(timestep);
        var contextAware = c_embedder.forward(MaskedMean(textStates, mask));
        var c = timeAware.add(contextAware);
        var h = input_embedder.forward(textStates);
        return individual_token_refiner.forward(h, c, mask).MoveToOuterDisposeScope();
    }

    /// <summary>mean over the valid tokens: <c>sum(x * mask) / sum(mask)</c> (plain mean without a mask).</summary>
    public static Tensor MaskedMean(Tensor x, Tensor? mask)
    {
        if (mask is null)
            return x.mean([1]);
        using var scope = NewDisposeScope();
        // float32 like the reference's mask.float(); cast back to the model dtype for c_embedder.
        var weights = mask.to(ScalarType.Float32).to(x.device).unsqueeze(-1);
        return x.to(ScalarType.Float32).mul(weights).sum(1).div(weights.sum(1)).to(x.dtype).MoveToOuterDisposeScope();
    }
}
