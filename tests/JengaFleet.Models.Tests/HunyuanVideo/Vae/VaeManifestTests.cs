using JengaFleet.Models.HunyuanVideo.Vae;
using JengaFleet.Testing.Manifests;
using TorchSharp;
using Xunit;

namespace JengaFleet.Models.Tests.HunyuanVideo.Vae;

/// <summary>The full-size VAE, built on the meta device (no weight memory), has exactly the released checkpoint's tensors.</summary>
public class VaeManifestTests
{
    private static WeightManifest Manifest() => WeightManifest.Load("hunyuan_video_vae_884_16c_hy");

    [Fact]
    public void Full_size_module_has_every_manifest_tensor_with_its_shape_and_nothing_else()
    {
        var manifest = Manifest();
        using var vae = new CausalVideoAutoencoder(CausalVaeConfig.FullSize, torch.META);
        var actual = vae.state_dict();
        Assert.All(actual.Values, t => Assert.Equal(DeviceType.META, t.device_type));
        manifest.AssertMatches(vae);
        Assert.Equal(manifest.NumTensors, actual.Count);
        Assert.Equal(manifest.NumParams, actual.Values.Sum(t => t.numel()));
    }

    [Fact]
    public void Built_in_full_size_config_equals_the_manifest_config()
    {
        var manifest = Manifest();
        var fromManifest = CausalVaeConfig.Parse(manifest.Config.GetRawText());
        VaeConfigTests.AssertSameConfig(CausalVaeConfig.FullSize, fromManifest);

        var tiling = manifest.Json.GetProperty("tiling");
        var derived = CausalVaeTiling.From(fromManifest);
        Assert.Equal(tiling.GetProperty("tile_sample_min_size").GetInt32(), derived.TileSampleMinSize);
        Assert.Equal(tiling.GetProperty("tile_latent_min_size").GetInt32(), derived.TileLatentMinSize);
        Assert.Equal(tiling.GetProperty("tile_sample_min_tsize").GetInt32(), derived.TileSampleMinTSize);
        Assert.Equal(tiling.GetProperty("tile_latent_min_tsize").GetInt32(), derived.TileLatentMinTSize);
        Assert.Equal(tiling.GetProperty("tile_overlap_factor").GetDouble(), derived.TileOverlapFactor);
    }
}
