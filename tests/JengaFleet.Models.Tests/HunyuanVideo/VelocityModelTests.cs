using JengaFleet.Jenga.Attention;
using JengaFleet.Jenga.Caching;
using JengaFleet.Jenga.Curves;
using JengaFleet.Jenga.Presets;
using JengaFleet.Jenga.ProRes;
using JengaFleet.Models.HunyuanVideo.Transformer;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace JengaFleet.Models.Tests.HunyuanVideo;

/// <summary>The transformer inside the ProRes denoise loop, with carving and step skipping, on a tiny random model.</summary>
public class VelocityModelTests
{
    private static readonly HunyuanVideoTransformerConfig Tiny = new()
    {
        HiddenSize = 64,
        HeadsNum = 2,
        DoubleBlocks = 1,
        SingleBlocks = 1,
        RopeDims = [8, 12, 12],
        TextStatesDim = 64,
        TextStatesDim2 = 32,
    };

    private static TextConditioning Text(int valid)
    {
        var mask = zeros(1, 256, ScalarType.Byte);
        mask.narrow(1, 0, valid).fill_(1);
        return new TextConditioning(randn(1, 256, 64), mask, randn(1, 32));
    }

    [Fact]
    public void Turbo_plan_runs_through_the_progressive_denoiser_with_carving_and_skips()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var transformer = new HunyuanVideoTransformer(Tiny);
        var plan = ProgressiveResolutionPlan.Create(new VideoRequestGeometry(128, 256, 5), JengaPresets.Turbo, steps: 12);
        using var recorder = new RecordingAttention(new BlockSparseAttention());
        var statistics = new CarvingStatistics();
        using var model = new HunyuanVideoVelocityModel(transformer, Text(20), recorder, statistics);

        var noise = randn(plan.Stages[0].LatentShape);
        var result = ProgressiveDenoiser.Run(plan, noise, shape => randn(shape), model.Velocity, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(plan.Stages[^1].LatentShape, result.shape);
        Assert.True(result.isfinite().all().item<bool>());
        var blocksPerCall = Tiny.DoubleBlocks + Tiny.SingleBlocks;
        Assert.True(plan.ComputedCalls < plan.Calls.Count, "the plan should skip some steps");
        Assert.Equal(plan.ComputedCalls * blocksPerCall, recorder.Calls);
        var carvedCalls = plan.Calls.Count(c => c.ComputeBlocks && c.DropRate > 0);
        Assert.Equal(carvedCalls * blocksPerCall, recorder.BlockMasks.Count);
        Assert.Equal(carvedCalls * blocksPerCall, statistics.Calls);
    }

    [Fact]
    public void Skipped_call_adds_the_cached_residual()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var transformer = new HunyuanVideoTransformer(Tiny);
        var latent = randn([1, 16, 2, 16, 16]);
        var grid = transformer.TokenGridOf(latent);
        var text = Text(33);
        var t = tensor(new[] { 900f });
        var g = tensor(new[] { 6016f });
        var curve = CurvePermutation.For(grid, CurveKind.Gilbert);
        using var cache = new ResidualCache();
        var backend = new BlockSparseAttention();

        var computed = transformer.Forward(latent, t, text, g, new TransformerCallContext(backend, curve, Cache: cache));
        Assert.True(cache.HasResidual);
        var skipped = transformer.Forward(latent, t, text, g, new TransformerCallContext(backend, curve, Cache: cache, ComputeBlocks: false));
        Assert.True(skipped.allclose(computed, rtol: 0, atol: 1e-5), $"max gap {skipped.sub(computed).abs().max().item<float>()}");

        // A different timestep changes the modulation of the final layer, not the reused block output.
        var later = transformer.Forward(latent, tensor(new[] { 500f }), text, g, new TransformerCallContext(backend, curve, Cache: cache, ComputeBlocks: false));
        Assert.False(later.allclose(computed, rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void Rejects_a_latent_the_patch_does_not_divide_and_a_non_prefix_mask()
    {
        using var scope = NewDisposeScope();
        using var transformer = new HunyuanVideoTransformer(Tiny);
        var backend = new BlockSparseAttention();
        var t = tensor(new[] { 900f });
        var g = tensor(new[] { 6016f });
        Assert.Throws<ArgumentException>(() => transformer.Forward(randn([1, 16, 2, 15, 16]), t, Text(4), g, new TransformerCallContext(backend)));

        var holes = zeros(1, 256, ScalarType.Byte);
        holes[0, 3] = tensor((byte)1);
        var bad = new TextConditioning(randn(1, 256, 64), holes, randn(1, 32));
        var error = Assert.Throws<ArgumentException>(() => transformer.Forward(randn([1, 16, 2, 16, 16]), t, bad, g, new TransformerCallContext(backend)));
        Assert.Contains("text mask", error.Message);
    }
}
