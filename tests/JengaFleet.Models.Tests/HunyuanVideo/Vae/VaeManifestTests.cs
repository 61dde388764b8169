using System.Text.Json;
using JengaFleet.Models.HunyuanVideo.Vae;
using JengaFleet.Testing.Golden;
using TorchSharp;
using Xunit;

namespace JengaFleet.Models.Tests.HunyuanVideo.Vae;

/// <summary>The full-size VAE, built on the meta device (no weight memory), has exactly the released checkpoint's tensors.</summary>
public class VaeManifestTests
{
    private const string ManifestName = "hunyuan_video_vae_884_16c_hy.json";

    /// <summary><c>../shared/manifests</c>, beside the fixtures folder.</summary>
    internal static string ManifestPath()
    {
        var fixtures = FixtureRoot.Require();
        var path = Path.GetFullPath(Path.Combine(fixtures, "..", "manifests", ManifestName));
        Assert.True(File.Exists(path), $"manifest {path} not found (it lives in shared/manifests beside the fixtures {FixtureRoot.Describe()})");
        return path;
    }

    [Fact]
    public void Full_size_module_has_every_manifest_tensor_with_its_shape_and_nothing_else()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(ManifestPath()));
        var expected = manifest.RootElement.GetProperty("tensors").EnumerateArray()
            .ToDictionary(t => t.GetProperty("key").GetString()!, t => t.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray(), StringComparer.Ordinal);

        using var vae = new CausalVideoAutoencoder(CausalVaeConfig.FullSize, torch.META);
        var actual = vae.state_dict();
        Assert.All(actual.Values, t => Assert.Equal(DeviceType.META, t.device_type));

        var missing = expected.Keys.Where(k => !actual.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var unexpected = actual.Keys.Where(k => !expected.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var misShaped = expected.Where(kv => actual.TryGetValue(kv.Key, out var t) && !t.shape.SequenceEqual(kv.Value))
            .Select(kv => $"{kv.Key}: manifest [{string.Join(", ", kv.Value)}], module [{string.Join(", ", actual[kv.Key].shape)}]").ToList();
        Assert.True(missing.Count + unexpected.Count + misShaped.Count == 0,
            $"missing: {string.Join(", ", missing)}\nunexpected: {string.Join(", ", unexpected)}\nmis-shaped: {string.Join("; ", misShaped)}");

        Assert.Equal(manifest.RootElement.GetProperty("num_tensors").GetInt32(), actual.Count);
        Assert.Equal(manifest.RootElement.GetProperty("num_params").GetInt64(), actual.Values.Sum(t => t.numel()));
    }

    [Fact]
    public void Built_in_full_size_config_equals_the_manifest_config()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(ManifestPath()));
        var fromManifest = CausalVaeConfig.Parse(manifest.RootElement.GetProperty("config").GetRawText());
        VaeConfigTests.AssertSameConfig(CausalVaeConfig.FullSize, fromManifest);

        var tiling = manifest.RootElement.GetProperty("tiling");
        var derived = CausalVaeTiling.From(fromManifest);
        Assert.Equal(tiling.GetProperty("tile_sample_min_size").GetInt32(), derived.TileSampleMinSize);
        Assert.Equal(tiling.GetProperty("tile_latent_min_size").GetInt32(), derived.TileLatentMinSize);
        Assert.Equal(tiling.GetProperty("tile_sample_min_tsize").GetInt32(), derived.TileSampleMinTSize);
        Assert.Equal(tiling.GetProperty("tile_latent_min_tsize").GetInt32(), derived.TileLatentMinTSize);
        Assert.Equal(tiling.GetProperty("tile_overlap_factor").GetDouble(), derived.TileOverlapFactor);
    }
}
