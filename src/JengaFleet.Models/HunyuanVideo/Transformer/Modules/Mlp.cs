using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Transformer.Modules;

/// <summary>Official <c>MLP</c>: <c>fc2(act(fc1(x)))</c>; GELU-tanh in the blocks, SiLU in the token refiner.</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly Func<Tensor, Tensor> _activation;

    public Mlp(long features, long hidden, Func<Tensor, Tensor> activation, ParameterPlacement placement) : base(nameof(Mlp))
    {
        fc1 = placement.Linear(features, hidden);
        fc2 = placement.Linear(hidden, features);
        _activation = activation;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return fc2.forward(_activation(fc1.forward(x))).MoveToOuterDisposeScope();
    }
}
