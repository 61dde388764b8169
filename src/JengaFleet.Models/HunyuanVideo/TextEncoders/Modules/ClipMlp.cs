using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.TextEncoders.Modules;

/// <summary>CLIP's two-layer MLP (<c>mlp.fc1</c>, <c>mlp.fc2</c>) with quick-GELU (or exact GELU when configured).</summary>
public sealed class ClipMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly bool _quickGelu;

    public ClipMlp(ClipTextConfig config, Device? device = null, ScalarType? dtype = null) : base(nameof(ClipMlp))
    {
        fc1 = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: true, device, dtype);
        fc2 = nn.Linear(config.IntermediateSize, config.HiddenSize, hasBias: true, device, dtype);
        _quickGelu = config.HiddenAct == "quick_gelu";
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = fc1.forward(x);
        h = _quickGelu ? QuickGelu(h) : nn.functional.gelu(h);
        return fc2.forward(h).MoveToOuterDisposeScope();
    }

    // quick_gelu(x) = x · sigmoid(1.702 x)
    private static Tensor QuickGelu(Tensor x) => x * (x * 1.702).sigmoid();
}
