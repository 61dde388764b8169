using System.Text.Json;
using JengaFleet.Models.HunyuanVideo.Transformer;
using JengaFleet.Models.HunyuanVideo.Transformer.Modules;
using JengaFleet.Testing.Golden;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace JengaFleet.Models.Tests.HunyuanVideo;

/// <summary>
/// The full-size transformer built on the meta device (no memory: 12.8 B parameters would need 51 GB in
/// float32) has exactly the parameter names and shapes of the official checkpoints, per the shared manifests.
/// </summary>
public class TransformerManifestTests
{
    [Theory]
    [InlineData("hunyuan_video_t2v_720p_transformer.json")]
    [InlineData("hunyuan_video_i2v_720p_transformer.json")]
    public void Full_size_module_matches_the_manifest(string manifestFile)
    {
        var path = ManifestPath(manifestFile);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        var config = HunyuanVideoTransformerConfig.FromJson(root.GetProperty("config"));

        using var model = new HunyuanVideoTransformer(config, ParameterPlacement.Meta);
        var stateDict = model.state_dict();
        Assert.All(stateDict.Values, t => Assert.Equal(DeviceType.META, t.device_type));

        var expected = root.GetProperty("tensors").EnumerateArray()
            .Select(t => (Key: t.GetProperty("key").GetString()!, Shape: t.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray()))
            .ToList();
        Assert.Equal(root.GetProperty("num_tensors").GetInt32(), expected.Count);

        var missing = expected.Where(e => !stateDict.ContainsKey(e.Key)).Select(e => e.Key).ToList();
        var unexpected = stateDict.Keys.Except(expected.Select(e => e.Key)).ToList();
        var misShaped = expected.Where(e => stateDict.TryGetValue(e.Key, out var t) && !t.shape.SequenceEqual(e.Shape))
            .Select(e => $"{e.Key}: module [{string.Join(", ", stateDict[e.Key].shape)}], manifest [{string.Join(", ", e.Shape)}]").ToList();
        Assert.True(missing.Count + unexpected.Count + misShaped.Count == 0,
            $"missing: {string.Join(", ", missing.Take(10))}\nunexpected: {string.Join(", ", unexpected.Take(10))}\nmis-shaped: {string.Join(", ", misShaped.Take(10))}");

        // Registration order follows the official module too (the manifest lists tensors in that order).
        Assert.Equal(expected.Select(e => e.Key), stateDict.Keys);
        Assert.Equal(root.GetProperty("num_params").GetInt64(), stateDict.Values.Sum(t => t.numel()));
    }

    [Fact]
    public void I2V_manifest_equals_T2V_without_guidance_in()
    {
        using var t2v = new HunyuanVideoTransformer(HunyuanVideoTransformerConfig.T2V720p, ParameterPlacement.Meta);
        using var i2v = new HunyuanVideoTransformer(HunyuanVideoTransformerConfig.I2V720p, ParameterPlacement.Meta);
        var t2vKeys = t2v.state_dict().Keys.Where(k => !k.StartsWith("guidance_in.", StringComparison.Ordinal));
        Assert.Equal(t2vKeys, i2v.state_dict().Keys);
        Assert.Equal(4, t2v.state_dict().Count - i2v.state_dict().Count);
    }

    private static string ManifestPath(string file)
    {
        var fixtures = FixtureRoot.Path;
        var path = fixtures is null ? null : Path.GetFullPath(Path.Combine(fixtures, "..", "manifests", file));
        Assert.SkipUnless(path is not null && File.Exists(path), $"manifest {file} not found beside the fixtures ({FixtureRoot.Describe()})");
        return path!;
    }
}
