using JengaFleet.Models.HunyuanVideo.TextEncoders;
using JengaFleet.Testing.Manifests;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace JengaFleet.Models.Tests.HunyuanVideo.TextEncoders;

/// <summary>
/// The full-size encoders, built on the meta device (shapes only, no memory), against the weight manifests of
/// the official checkpoints.
/// </summary>
public class TextEncoderManifestTests
{
    [Fact]
    public void Full_size_llm_tower_has_every_manifest_key_and_shape()
    {
        var manifest = WeightManifest.Load("llava_llama3_8b_text_encoder");
        Assert.Equal(LlamaConfig.LlavaLlama3_8B, LlamaConfig.FromJson(manifest.Config));

        using var model = new LlamaTextEncoder(LlamaConfig.LlavaLlama3_8B, META, ScalarType.Float16);
        AssertNothingAllocated(model);
        manifest.AssertMatches(model);
        Assert.Equal(manifest.NumParams, ParameterCount(model));
        // the checkpoint's lm_head.weight is neither in the manifest nor in the module: the loader skips it
        Assert.DoesNotContain(model.state_dict().Keys, k => k.StartsWith("lm_head", StringComparison.Ordinal));
        Assert.Equal(manifest.Tensors.Select(t => t.Key), model.state_dict().Keys);
    }

    [Fact]
    public void Full_size_clip_text_tower_has_every_manifest_key_and_shape()
    {
        var manifest = WeightManifest.Load("clip_vit_large_patch14_text_encoder");
        Assert.Equal(ClipTextConfig.ClipVitLargePatch14, ClipTextConfig.FromJson(manifest.Config));

        using var model = new ClipTextEncoder(ClipTextConfig.ClipVitLargePatch14, META, ScalarType.Float32);
        AssertNothingAllocated(model);
        manifest.AssertMatches(model);
        Assert.Equal(manifest.NumParams, ParameterCount(model));
        Assert.Equal(manifest.Tensors.Select(t => t.Key), model.state_dict().Keys);
    }

    private static void AssertNothingAllocated(nn.Module model) =>
        Assert.All(model.state_dict(), kv => Assert.Equal(DeviceType.META, kv.Value.device_type));

    private static long ParameterCount(nn.Module model) => model.parameters().Sum(p => p.numel());
}
