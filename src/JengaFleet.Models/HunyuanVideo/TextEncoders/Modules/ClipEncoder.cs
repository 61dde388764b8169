using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.TextEncoders.Modules;

/// <summary>The stack of CLIP layers (<c>text_model.encoder</c>).</summary>
public sealed class ClipEncoder : nn.Module
{
    private readonly ModuleList<ClipEncoderLayer> layers;

    public ClipEncoder(ClipTextConfig config, Device? device = null, ScalarType? dtype = null) : base(nameof(ClipEncoder))
    {
        layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new ClipEncoderLayer(config, device, dtype)).ToArray());
        RegisterComponents();
    }

    public Tensor forward(Tensor x, Tensor allow)
    {
        using var scope = NewDisposeScope();
        foreach (var layer in layers)
            x = layer.forward(x, allow);
        return x.MoveToOuterDisposeScope();
    }
}
