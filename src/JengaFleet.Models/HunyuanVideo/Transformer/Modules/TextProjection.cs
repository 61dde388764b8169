using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Transformer.Modules;

/// <summary>Official <c>TextProjection</c> (<c>txt_in.c_embedder</c>): <c>linear_2(SiLU(linear_1(x)))</c>.</summary>
public sealed class TextProjection : nn.Module<Tensor, Tensor>
{
    private readonly Linear linear_1;
    private readonly Linear linear_2;

    public TextProjection(long inFeatures, long hidden, ParameterPlacement placement) : base(nameof(TextProjection))
    {
        linear_1 = placement.Linear(inFeatures, hidden);
        linear_2 = placement.Linear(hidden, hidden);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return linear_2.forward(nn.functional.silu(linear_1.forward(x))).MoveToOuterDisposeScope();
    }
}
