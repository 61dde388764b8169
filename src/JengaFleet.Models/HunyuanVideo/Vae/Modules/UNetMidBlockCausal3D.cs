using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Vae.Modules;

/// <summary>
/// resnet → (attention over all T·H·W positions with the block-causal mask → resnet), one attention layer in
/// the VAE. Attention is optional (<c>mid_block_add_attention</c>).
/// </summary>
public sealed class UNetMidBlockCausal3D : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are the checkpoint's keys
    private readonly ModuleList<MidBlockAttention> attentions;
    private readonly ModuleList<ResnetBlockCausal3D> resnets;
#pragma warning restore IDE1006

    public UNetMidBlockCausal3D(long channels, int groups, bool addAttention, Device? device = null, ScalarType? dtype = null)
        : base(nameof(UNetMidBlockCausal3D))
    {
        const int layers = 1;
        attentions = addAttention
            ? nn.ModuleList(Enumerable.Range(0, layers).Select(_ => new MidBlockAttention(channels, groups, ResnetBlockCausal3D.Eps, device, dtype)).ToArray())
            : nn.ModuleList<MidBlockAttention>();
        resnets = nn.ModuleList(Enumerable.Range(0, layers + 1).Select(_ => new ResnetBlockCausal3D(channels, channels, groups, device, dtype)).ToArray());
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var hidden = resnets[0].call(input);
        for (var i = 1; i < resnets.Count; i++)
        {
            if (attentions.Count > 0)
            {
                var next = Attend(attentions[i - 1], hidden);
                hidden.Dispose();
                hidden = next;
            }
            var after = resnets[i].call(hidden);
            hidden.Dispose();
            hidden = after;
        }
        return hidden;
    }

    // [B, C, T, H, W] -> tokens [B, T·H·W, C] -> attention -> back.
    private static Tensor Attend(MidBlockAttention attention, Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var (b, c, t, h, w) = (hidden.shape[0], hidden.shape[1], hidden.shape[2], hidden.shape[3], hidden.shape[4]);
        var tokens = hidden.reshape(b, c, t * h * w).transpose(1, 2);
        var mask = BlockCausalMask.Create(t, h * w, hidden.dtype, hidden.device);
        var attended = attention.call(tokens, mask);
        mask.Dispose();
        var output = attended.transpose(1, 2).reshape(b, c, t, h, w).contiguous();
        return output.MoveToOuterDisposeScope();
    }
}
