using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Transformer.Modules;

/// <summary>Official <c>MLPEmbedder</c> (<c>vector_in</c>): <c>out_layer(SiLU(in_layer(x)))</c>.</summary>
public sealed class MlpEmbedder : nn.Module<Tensor, Tensor>
{
    private readonly Linear in_layer;
    private readonly Linear out_layer;

    public MlpEmbedder(long inFeatures, long hidden, ParameterPlacement placement) : base(nameof(MlpEmbedder))
    {
        in_layer = placement.Linear(inFeatures, hidden);
        out_layer = placement.Linear(hidden, hidden);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return out_layer.forward(nn.functional.silu(in_layer.forward(x))).MoveToOuterDisposeScope();
    }
}
