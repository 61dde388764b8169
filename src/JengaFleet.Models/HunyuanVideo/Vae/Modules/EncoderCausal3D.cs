using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Vae.Modules;

/// <summary>
/// Video [B, 3, 1 + 4k, H, W] → moments before <c>quant_conv</c> [B, 2·latent, 1 + k, H/8, W/8]:
/// conv_in, one down block per level (×2 in space on the first log2(8) levels, ×2 in time on the
/// log2(4) levels before the last), mid block, GroupNorm → SiLU → conv_out.
/// </summary>
public sealed class EncoderCausal3D : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are the checkpoint's keys
    private readonly CausalConv3d conv_in;
    private readonly ModuleList<DownEncoderBlockCausal3D> down_blocks;
    private readonly UNetMidBlockCausal3D mid_block;
    private readonly GroupNorm conv_norm_out;
    private readonly CausalConv3d conv_out;
#pragma warning restore IDE1006

    public EncoderCausal3D(CausalVaeConfig config, Device? device = null, ScalarType? dtype = null)
        : base(nameof(EncoderCausal3D))
    {
        var channels = config.BlockOutChannels;
        var levels = channels.Count;
        conv_in = new CausalConv3d(config.InChannels, channels[0], 3, device: device, dtype: dtype);
        var blocks = new List<DownEncoderBlockCausal3D>();
        for (var i = 0; i < levels; i++)
        {
            var isFinal = i == levels - 1;
            var spatial = i < config.SpatialScaleSteps;
            var temporal = i >= levels - 1 - config.TemporalScaleSteps && !isFinal;
            (long, long, long)? stride = spatial || temporal ? (temporal ? 2 : 1, spatial ? 2 : 1, spatial ? 2 : 1) : null;
            blocks.Add(new DownEncoderBlockCausal3D(i == 0 ? channels[0] : channels[i - 1], channels[i], config.LayersPerBlock, config.NormNumGroups, stride, device, dtype));
        }
        down_blocks = nn.ModuleList(blocks.ToArray());
        mid_block = new UNetMidBlockCausal3D(channels[^1], config.NormNumGroups, config.MidBlockAddAttention, device, dtype);
        conv_norm_out = InitializedGroupNorm.Create(config.NormNumGroups, channels[^1], ResnetBlockCausal3D.Eps, device, dtype);
        conv_out = new CausalConv3d(channels[^1], 2 * config.LatentChannels, 3, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var hidden = conv_in.call(input);
        foreach (var block in down_blocks)
            hidden = VaeSequence.Replace(hidden, block.call(hidden));
        hidden = VaeSequence.Replace(hidden, mid_block.call(hidden));
        hidden = VaeSequence.Replace(hidden, conv_norm_out.call(hidden)).silu_();
        return VaeSequence.Replace(hidden, conv_out.call(hidden));
    }
}
