using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Transformer.Modules;

/// <summary>
/// Official <c>ModulateDiT</c>: <c>linear(SiLU(vec))</c> split into <c>factor</c> equal chunks
/// (shift, scale, gate, ...) in that order.
/// </summary>
public sealed class Modulation : nn.Module<Tensor, Tensor[]>
{
    private readonly Linear linear;
    private readonly int _factor;

    public Modulation(long hidden, int factor, ParameterPlacement placement) : base(nameof(Modulation))
    {
        _factor = factor;
        linear = placement.Linear(hidden, factor * hidden);
        RegisterComponents();
    }

    public override Tensor[] forward(Tensor vec)
    {
        using var scope = NewDisposeScope();
        var chunks = linear.forward(nn.functional.silu(vec)).chunk(_factor, -1);
        foreach (var chunk in chunks)
            chunk.MoveToOuterDisposeScope();
        return chunks;
    }
}
