using JengaFleet.Models.HunyuanVideo.Transformer;
using JengaFleet.Models.HunyuanVideo.Transformer.Modules;
using JengaFleet.Testing.Manifests;
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
    [InlineData("hunyuan_video_t2v_720p_transformer")]
    [InlineData("hunyuan_video_i2v_720p_transformer")]
    public void Full_size_module_matches_the_manifest(string manifestName)
    {
        var manifest = WeightManifest.Load(manifestName);
        var config = HunyuanVideoTransformerConfig.FromJson(manifest.Config);

        using var model = new HunyuanVideoTransformer(config, ParameterPlacement.Meta);
        var stateDict = model.state_dict();
        Assert.All(stateDict.Values, t => Assert.Equal(DeviceType.META, t.device_type));
        Assert.Equal(manifest.NumTensors, manifest.Tensors.Count);
        manifest.AssertMatches(model);

        // Registration order follows the official module too (the manifest lists tensors in that order).
        Assert.Equal(manifest.Tensors.Select(e => e.Key), stateDict.Keys);
        Assert.Equal(manifest.NumParams, stateDict.Values.Sum(t => t.numel()));
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
}
