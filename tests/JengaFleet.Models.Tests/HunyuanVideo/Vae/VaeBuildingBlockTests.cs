using JengaFleet.Jenga.SafeTensors;
using JengaFleet.Models.Checkpoints;
using JengaFleet.Models.HunyuanVideo.Vae;
using JengaFleet.Models.HunyuanVideo.Vae.Modules;
using JengaFleet.Testing;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace JengaFleet.Models.Tests.HunyuanVideo.Vae;

/// <summary>The pieces the golden cases exercise only indirectly, checked against plain definitions.</summary>
public class VaeBuildingBlockTests
{
    private static readonly CausalVaeConfig Tiny = new()
    {
        BlockOutChannels = [4, 8, 8, 8],
        LayersPerBlock = 1,
        NormNumGroups = 2,
        SampleSize = 32,
        SampleTSize = 16,
    };

    [Fact]
    public void Upsampling_equals_nearest_interpolation_with_the_first_frame_only_upsampled_in_space()
    {
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 2, 3, 4, 5, 6 });
        var got = UpsampleCausal3D.Upsample(x, (2, 2, 2));

        var first = nn.functional.interpolate(x[.., .., 0], scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest).unsqueeze(2);
        var rest = nn.functional.interpolate(x[.., .., 1..], scale_factor: [2.0, 2.0, 2.0], mode: InterpolationMode.Nearest);
        var expected = cat([first, rest], dim: 2);
        Assert.Equal(new long[] { 2, 3, 7, 10, 12 }, got.shape);
        Assert.True(got.eq(expected).all().item<bool>());

        var spaceOnly = UpsampleCausal3D.Upsample(x, (1, 2, 2));
        var expectedSpaceOnly = nn.functional.interpolate(x, scale_factor: [1.0, 2.0, 2.0], mode: InterpolationMode.Nearest);
        Assert.True(spaceOnly.eq(expectedSpaceOnly).all().item<bool>());
    }

    [Fact]
    public void Causal_conv_output_at_a_frame_does_not_depend_on_later_frames()
    {
        using var scope = NewDisposeScope();
        var conv = new CausalConv3d(2, 3, 3);
        var x = randn(new long[] { 1, 2, 5, 6, 6 });
        var changed = x.clone();
        changed[.., .., 3..].add_(1.0);
        using var noGrad = no_grad();
        var a = conv.call(x);
        var b = conv.call(changed);
        Assert.Equal(new long[] { 1, 3, 5, 6, 6 }, a.shape);
        Assert.True(a[.., .., ..3].allclose(b[.., .., ..3]));
        Assert.False(a[.., .., 3..].allclose(b[.., .., 3..]));
    }

    [Fact]
    public void Block_causal_mask_lets_a_frame_see_itself_and_earlier_frames()
    {
        using var scope = NewDisposeScope();
        var mask = BlockCausalMask.Create(3, 2, float32, CPU);
        Assert.Equal(new long[] { 6, 6 }, mask.shape);
        for (var q = 0; q < 6; q++)
        {
            for (var k = 0; k < 6; k++)
            {
                var value = mask[q, k].item<float>();
                if (k / 2 <= q / 2)
                    Assert.Equal(0f, value);
                else
                    Assert.Equal(float.NegativeInfinity, value);
            }
        }
    }

    [Fact]
    public void Shapes_follow_the_causal_compression_rules()
    {
        using var scope = NewDisposeScope();
        using var vae = new CausalVideoAutoencoder(Tiny);
        var latents = randn(new long[] { 1, 16, 2, 3, 5 });
        var video = vae.DecodeLatents(latents);
        Assert.Equal(new long[] { 1, 3, 5, 24, 40 }, video.shape);
        using var posterior = vae.Encode(video);
        Assert.Equal(new long[] { 1, 16, 2, 3, 5 }, posterior.Mean.shape);
    }

    [Fact]
    public void Temporal_tiling_gives_1_plus_4_times_T_minus_1_frames_for_every_length()
    {
        using var scope = NewDisposeScope();
        using var vae = new CausalVideoAutoencoder(Tiny);
        vae.EnableTiling();
        for (var t = 1; t <= 12; t++)
        {
            using var inner = NewDisposeScope();
            var video = vae.DecodeLatents(randn(new long[] { 1, 16, t, 2, 2 }));
            Assert.Equal(1 + 4 * (t - 1), video.shape[2]);
        }
    }

    [Fact]
    public void Posterior_clamps_logvar_and_samples_with_the_given_noise()
    {
        using var scope = NewDisposeScope();
        var moments = cat([full(new long[] { 1, 2, 1, 1, 1 }, 0.5f), tensor(new float[] { -40f, 25f }).view(1, 2, 1, 1, 1)], dim: 1);
        using var posterior = new DiagonalGaussianDistribution(moments);
        Assert.Equal(new[] { -30f, 20f }, posterior.LogVar.flatten().data<float>().ToArray());
        var noise = tensor(new float[] { 1f, -2f }).view(1, 2, 1, 1, 1);
        var sample = posterior.Sample(noise);
        var expected = 0.5f + MathF.Exp(0.5f * -30f) * 1f;
        Assert.Equal(expected, sample.flatten()[0].item<float>(), 6);
        Assert.Throws<ArgumentException>(() => posterior.Sample(zeros(new long[] { 1, 2, 1, 1, 2 })));
    }

    [Fact]
    public void Frames_are_truncated_not_rounded_and_laid_out_frame_height_width_channel()
    {
        using var scope = NewDisposeScope();
        // x/2 + 0.5 = 0.999 -> 254.745 -> 254; -2 clamps to 0; 3 clamps to 255.
        var sample = zeros(new long[] { 1, 3, 2, 1, 2 });
        sample[0, 0, 1, 0, 1] = tensor(0.998f);
        sample[0, 1, 0, 0, 0] = tensor(-2f);
        sample[0, 2, 0, 0, 1] = tensor(3f);
        var frames = VideoFrames.ToUint8(sample);
        Assert.Equal(new long[] { 2, 1, 2, 3 }, frames.shape);
        Assert.Equal(ScalarType.Byte, frames.dtype);
        Assert.Equal(254, frames[1, 0, 1, 0].item<byte>());
        Assert.Equal(0, frames[0, 0, 0, 1].item<byte>());
        Assert.Equal(255, frames[0, 0, 1, 2].item<byte>());
        Assert.Equal(127, frames[0, 0, 0, 0].item<byte>()); // 0.5 · 255 = 127.5 -> 127
    }

    [Fact]
    public void Weights_under_a_vae_prefix_load_and_a_wrong_file_is_named_in_the_error()
    {
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        using var source = new CausalVideoAutoencoder(Tiny);
        var path = dir.File("prefixed.safetensors");
        SafeTensorsWriter.Write(path, source.state_dict().Select(kv => ("vae." + kv.Key, kv.Value)).Append(("other.weight", zeros(1))));
        using var target = new CausalVideoAutoencoder(Tiny);
        using (var file = SafeTensorsSource.Open(path))
            target.LoadWeights(file);
        var key = "decoder.mid_block.attentions.0.to_q.weight";
        Assert.True(target.state_dict()[key].eq(source.state_dict()[key]).all().item<bool>());

        var bad = dir.File("bad.safetensors");
        SafeTensorsWriter.Write(bad, source.state_dict().Where(kv => kv.Key != key).Select(kv => (kv.Key, kv.Value)));
        using var badFile = SafeTensorsSource.Open(bad);
        var error = Assert.Throws<CheckpointMismatchException>(() => target.LoadWeights(badFile));
        Assert.Contains(bad, error.Message);
        Assert.Equal([key], error.Missing);
    }

    [Fact]
    public void Fresh_model_has_pytorch_initial_norm_parameters_and_finite_weights()
    {
        // TorchSharp's own GroupNorm leaves weight and bias uninitialised; the VAE must not.
        using var scope = NewDisposeScope();
        using var vae = new CausalVideoAutoencoder(Tiny);
        foreach (var (key, value) in vae.state_dict())
        {
            Assert.True(value.isfinite().all().item<bool>(), key);
            if (key.EndsWith("norm1.weight", StringComparison.Ordinal) || key.EndsWith("group_norm.weight", StringComparison.Ordinal) || key.EndsWith("conv_norm_out.weight", StringComparison.Ordinal))
                Assert.True(value.eq(1).all().item<bool>(), key);
            if (key.EndsWith("norm2.bias", StringComparison.Ordinal) || key.EndsWith("conv_norm_out.bias", StringComparison.Ordinal))
                Assert.True(value.eq(0).all().item<bool>(), key);
        }
    }
}
