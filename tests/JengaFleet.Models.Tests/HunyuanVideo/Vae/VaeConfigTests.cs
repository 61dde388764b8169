using JengaFleet.Models.HunyuanVideo.Vae;
using JengaFleet.Testing;
using Xunit;

namespace JengaFleet.Models.Tests.HunyuanVideo.Vae;

public class VaeConfigTests
{
    // The released vae/config.json layout (diffusers ConfigMixin: class name and version keys included).
    private const string OfficialConfigJson = """
        {
          "_class_name": "AutoencoderKLCausal3D",
          "_diffusers_version": "0.4.2",
          "act_fn": "silu",
          "block_out_channels": [128, 256, 512, 512],
          "down_block_types": ["DownEncoderBlockCausal3D", "DownEncoderBlockCausal3D", "DownEncoderBlockCausal3D", "DownEncoderBlockCausal3D"],
          "in_channels": 3,
          "latent_channels": 16,
          "layers_per_block": 2,
          "norm_num_groups": 32,
          "out_channels": 3,
          "sample_size": 256,
          "sample_tsize": 64,
          "up_block_types": ["UpDecoderBlockCausal3D", "UpDecoderBlockCausal3D", "UpDecoderBlockCausal3D", "UpDecoderBlockCausal3D"],
          "scaling_factor": 0.476986,
          "time_compression_ratio": 4,
          "spatial_compression_ratio": 8,
          "mid_block_add_attention": true,
          "force_upcast": true
        }
        """;

    [Fact]
    public void Reads_an_official_config_json_file()
    {
        using var dir = new TempDirectory();
        var path = dir.File("config.json");
        File.WriteAllText(path, OfficialConfigJson);

        var config = CausalVaeConfig.Load(path);

        Assert.Equal([128, 256, 512, 512], config.BlockOutChannels);
        Assert.Equal(2, config.LayersPerBlock);
        Assert.Equal(32, config.NormNumGroups);
        Assert.Equal(16, config.LatentChannels);
        Assert.Equal(256, config.SampleSize);
        Assert.Equal(64, config.SampleTSize);
        Assert.Equal(0.476986, config.ScalingFactor);
        Assert.Equal(4, config.TimeCompressionRatio);
        Assert.Equal(8, config.SpatialCompressionRatio);
        Assert.True(config.MidBlockAddAttention);
        AssertSameConfig(CausalVaeConfig.FullSize, config);

        var tiling = CausalVaeTiling.From(config);
        Assert.Equal((256, 32, 64, 16), (tiling.TileSampleMinSize, tiling.TileLatentMinSize, tiling.TileSampleMinTSize, tiling.TileLatentMinTSize));
        // 720p decode: latent tiles every 24 rows/columns, blended over 64 px, 192 px kept; temporal tiles every 12 latent frames.
        Assert.Equal((24, 64, 192), (tiling.DecodeSpatialStride, tiling.DecodeSpatialBlend, tiling.DecodeSpatialKeep));
        Assert.Equal((12, 16, 48), (tiling.DecodeTemporalStride, tiling.DecodeTemporalBlend, tiling.DecodeTemporalKeep));
        Assert.Equal((192, 8, 24), (tiling.EncodeSpatialStride, tiling.EncodeSpatialBlend, tiling.EncodeSpatialKeep));
        Assert.Equal((48, 4, 12), (tiling.EncodeTemporalStride, tiling.EncodeTemporalBlend, tiling.EncodeTemporalKeep));
    }

    [Fact]
    public void A_sample_size_list_means_its_first_entry()
    {
        var config = CausalVaeConfig.Parse(OfficialConfigJson.Replace("\"sample_size\": 256", "\"sample_size\": [128, 128]", StringComparison.Ordinal));
        Assert.Equal(128, config.SampleSize);
        Assert.Equal(16, CausalVaeTiling.From(config).TileLatentMinSize);
    }

    [Fact]
    public void Rejects_what_the_reference_cannot_build()
    {
        Assert.Throws<FormatException>(() => CausalVaeConfig.Parse(OfficialConfigJson.Replace("\"time_compression_ratio\": 4", "\"time_compression_ratio\": 8", StringComparison.Ordinal)));
        Assert.Throws<FormatException>(() => CausalVaeConfig.Parse(OfficialConfigJson.Replace("\"block_out_channels\": [128, 256, 512, 512]", "\"block_out_channels\": [128, 256, 512]", StringComparison.Ordinal)));
        Assert.Throws<FormatException>(() => CausalVaeConfig.Parse(OfficialConfigJson.Replace("\"act_fn\": \"silu\"", "\"act_fn\": \"gelu\"", StringComparison.Ordinal)));
    }

    internal static void AssertSameConfig(CausalVaeConfig expected, CausalVaeConfig actual)
    {
        Assert.Equal(expected.InChannels, actual.InChannels);
        Assert.Equal(expected.OutChannels, actual.OutChannels);
        Assert.Equal(expected.DownBlockTypes, actual.DownBlockTypes);
        Assert.Equal(expected.UpBlockTypes, actual.UpBlockTypes);
        Assert.Equal(expected.BlockOutChannels, actual.BlockOutChannels);
        Assert.Equal(expected.LayersPerBlock, actual.LayersPerBlock);
        Assert.Equal(expected.ActFn, actual.ActFn);
        Assert.Equal(expected.LatentChannels, actual.LatentChannels);
        Assert.Equal(expected.NormNumGroups, actual.NormNumGroups);
        Assert.Equal(expected.SampleSize, actual.SampleSize);
        Assert.Equal(expected.SampleTSize, actual.SampleTSize);
        Assert.Equal(expected.ScalingFactor, actual.ScalingFactor);
        Assert.Equal(expected.ForceUpcast, actual.ForceUpcast);
        Assert.Equal(expected.SpatialCompressionRatio, actual.SpatialCompressionRatio);
        Assert.Equal(expected.TimeCompressionRatio, actual.TimeCompressionRatio);
        Assert.Equal(expected.MidBlockAddAttention, actual.MidBlockAddAttention);
    }
}
