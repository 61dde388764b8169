using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Vae.Modules;

/// <summary>
/// Latents [B, latent, T, h, w] (after <c>post_quant_conv</c>) → video [B, 3, 1 + 4(T − 1), 8h, 8w]: conv_in, mid
/// block, one up block per level with <c>layers_per_block + 1</c> ResNets (×2 in space on the first log2(8)
/// levels, ×2 in time on the log2(4) levels before the last), GroupNorm → SiLU → conv_out.
/// </summary>
public sealed class DecoderCausal3D : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are the checkpoint's keys
    private readonly CausalConv3d conv_in;
    private readonly ModuleList<UpDecoderBlockCausal3D> up_blocks;
    private readonly UNetMidBlockCausal3D mid_block;
    private readonly GroupNorm conv_norm_out;
    private readonly CausalConv3d conv_out;
#pragma warning restore IDE1006

    public DecoderCausal3D(CausalVaeConfig config, Device? device = null, ScalarType? dtype = null)
        : base(nameof(DecoderCausal3D))
    {
        var reversed = config.BlockOutChannels.Reverse().ToArray();
        var levels = reversed.Length;
        conv_in = new CausalConv3d(config.LatentChannels, reversed[0], 3, device: device, dtype: dtype);
        mid_block = new UNetMidBlockCausal3D(reversed[0], config.NormNumGroups, config.MidBlockAddAttention, device, dtype);
        var blocks = new List<UpDecoderBlockCausal3D>();
        for (var i = 0; i < levels; i++)
        {
            var isFinal = i == levels - 1;
            var spatial = i < config.SpatialScaleSteps;
            var temporal = i >= levels - 1 - config.TemporalScaleSteps && !isFinal;
            (long, long, long)? factor = spatial || temporal ? (temporal ? 2 : 1, spatial ? 2 : 1, spatial ? 2 : 1) : null;
            blocks.Add(new UpDecoderBlockCausal3D(i == 0 ? reversed[0] : reversed[i - 1], reversed[i], config.LayersPerBlock + 1, config.NormNumGroups, factor, device, dtype));
        }
        up_blocks = nn.ModuleList(blocks.ToArray());
        conv_norm_out = InitializedGroupNorm.Create(config.NormNumGroups, config.BlockOutChannels[0], ResnetBlockCausal3D.Eps, device, dtype);
        conv_out = new CausalConv3d(config.BlockOutChannels[0], config.OutChannels, 3, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var hidden = conv_in.call(input);
        hidden = VaeSequence.Replace(hidden, mid_block.call(hidden));
        foreach (var block in up_blocks)
            hidden = VaeSequence.Replace(hidden, block.call(hidden));
        hidden = VaeSequence.Replace(hidden, conv_norm_out.call(hidden)).silu_();
        return VaeSequence.Replace(hidden, conv_out.call(hidden));
    }
}
