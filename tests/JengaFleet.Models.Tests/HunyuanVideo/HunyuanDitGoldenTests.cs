using JengaFleet.Jenga.Attention;
using JengaFleet.Jenga.Blocks;
using JengaFleet.Jenga.Carving;
using JengaFleet.Jenga.Curves;
using JengaFleet.Models.Checkpoints;
using JengaFleet.Models.HunyuanVideo.Transformer;
using JengaFleet.Models.HunyuanVideo.Transformer.Modules;
using JengaFleet.Testing.Golden;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace JengaFleet.Models.Tests.HunyuanVideo;

/// <summary>
/// The tiny-config HunyuanVideo transformer against the official reference (fixture suite <c>hunyuan_dit</c>):
/// weights from the case's <c>w.*</c> tensors by their official names, every <c>out.*</c> compared.
/// </summary>
[Trait("Category", "Golden")]
public class HunyuanDitGoldenTests
{
    public const string Suite = "hunyuan_dit";

    [Theory(SkipTestWithoutData = true)]
    [MemberData(nameof(GoldenSuite.CaseData), Suite, MemberType = typeof(GoldenSuite))]
    public void Forward_matches_the_reference(string name)
    {
        using var scope = NewDisposeScope();
        using var golden = GoldenSuite.Load(Suite, name);
        using var model = LoadModel(golden);
        var inputs = Inputs(golden);
        var call = golden.Config.GetProperty("call");
        var jenga = call.GetProperty("forward").GetString() == "jenga";

        var vector = model.Vector(inputs.Timestep, inputs.Text.Pooled, inputs.Guidance);
        var expected = new Dictionary<string, Tensor>
        {
            ["out.vec"] = vector.Vec,
            ["out.time_in"] = vector.TimeIn,
            ["out.vector_in"] = vector.VectorIn,
            ["out.guidance_in"] = vector.GuidanceIn!,
            ["out.txt_in"] = model.RefineText(inputs.Text.States, inputs.Timestep, inputs.Text.Mask),
        };

        IAttentionBackend[] backends = jenga ? [new BlockSparseAttention(), new DenseMaskedAttention()] : [new BlockSparseAttention()];
        foreach (var backend in backends)
        {
            using var recorder = new RecordingAttention(backend);
            var context = jenga ? JengaContext(golden, model, recorder) : new TransformerCallContext(recorder);
            var outputs = new Dictionary<string, Tensor>(expected)
            {
                ["out.x"] = model.Forward(inputs.Latent, inputs.Timestep, inputs.Text, inputs.Guidance, context),
            };
            if (jenga)
            {
                var layers = golden.Config.GetProperty("jenga").GetProperty("mask_layer_order").EnumerateArray().Select(e => e.GetString()!).ToList();
                Assert.Equal(layers.Count, recorder.BlockMasks.Count);
                for (var i = 0; i < layers.Count; i++)
                    outputs[$"out.block_mask.{layers[i]}"] = recorder.BlockMasks[i];
            }

            Assert.Equal(model.Config.DoubleBlocks + model.Config.SingleBlocks, recorder.Calls);
            golden.AssertOutputs(outputs);
        }
    }

    /// <summary>The dense forward is order-independent: running it in curve order must give the same velocity.</summary>
    [Theory(SkipTestWithoutData = true)]
    [MemberData(nameof(GoldenSuite.CaseData), Suite, MemberType = typeof(GoldenSuite))]
    public void Dense_forward_in_curve_order_matches_raster_order(string name)
    {
        using var scope = NewDisposeScope();
        using var golden = GoldenSuite.Load(Suite, name);
        using var model = LoadModel(golden);
        var inputs = Inputs(golden);
        var curve = CurvePermutation.For(model.TokenGridOf(inputs.Latent), CurveKind.Gilbert);
        var backend = new BlockSparseAttention();
        var raster = model.Forward(inputs.Latent, inputs.Timestep, inputs.Text, inputs.Guidance, new TransformerCallContext(backend));
        var curved = model.Forward(inputs.Latent, inputs.Timestep, inputs.Text, inputs.Guidance, new TransformerCallContext(backend, curve));
        var gap = raster.sub(curved).abs().max().item<float>();
        Assert.True(gap < 1e-4f, $"curve-order dense forward differs by {gap}");
    }

    /// <summary>The model's own RoPE tables equal the reference helper's (rows in raster order).</summary>
    [Theory(SkipTestWithoutData = true)]
    [MemberData(nameof(GoldenSuite.CaseData), Suite, MemberType = typeof(GoldenSuite))]
    public void Rope_tables_match_the_reference(string name)
    {
        using var scope = NewDisposeScope();
        using var golden = GoldenSuite.Load(Suite, name);
        var config = HunyuanVideoTransformerConfig.FromJson(golden.Config.GetProperty("model"));
        var rope = golden.Config.GetProperty("rope");
        var sizes = rope.GetProperty("rope_sizes").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var (cos, sin) = RotaryEmbedding.Tables(new TokenGrid(sizes[0], sizes[1], sizes[2]), config.RopeDims, rope.GetProperty("theta").GetDouble());
        Assert.True(cos.allclose(golden.Input("freqs_cos"), rtol: 0, atol: 1e-6), "cos table differs");
        Assert.True(sin.allclose(golden.Input("freqs_sin"), rtol: 0, atol: 1e-6), "sin table differs");
    }

    internal static HunyuanVideoTransformer LoadModel(GoldenCase golden)
    {
        var config = HunyuanVideoTransformerConfig.FromJson(golden.Config.GetProperty("model"));
        var model = new HunyuanVideoTransformer(config);
        using var file = SafeTensorsSource.Open(golden.Path);
        using var weights = new PrefixedTensorSource(file, "w.");
        StateDictLoader.Load(model, weights);
        return model;
    }

    internal static (Tensor Latent, Tensor Timestep, TextConditioning Text, Tensor Guidance) Inputs(GoldenCase golden) =>
        (golden.Input("x"), golden.Input("t"), new TextConditioning(golden.Input("text_states"), golden.Input("text_mask"), golden.Input("text_states_2")), golden.Input("guidance"));

    /// <summary>The Jenga call of a case: the project's own curve and adjacency (checked against the case's), carving from its settings.</summary>
    private static TransformerCallContext JengaContext(GoldenCase golden, HunyuanVideoTransformer model, IAttentionBackend backend)
    {
        var settings = golden.Config.GetProperty("jenga");
        var grid = model.TokenGridOf(golden.Input("x"));
        var curve = CurvePermutation.For(grid, CurveKind.Gilbert);
        Assert.Equal(golden.Input("hilbert_order").data<long>().ToArray(), curve.CurveToLinear.Select(i => (long)i).ToArray());
        Assert.Equal(golden.Input("linear_to_hilbert").data<long>().ToArray(), curve.LinearToCurve.Select(i => (long)i).ToArray());
        var adjacency = BlockAdjacency.For(curve);
        Assert.True(adjacency.ToTensor().eq(golden.Input("block_neighbor").to(ScalarType.Bool)).all().item<bool>(), "block adjacency differs from the case's");

        var videoBlocks = BlockLayout.BlocksFor(grid.TokenCount);
        var carving = new CarvingSettings(
            TopKRule.FromDropRate(settings.GetProperty("sa_drop_rate").GetDouble(), videoBlocks),
            settings.GetProperty("p_remain_rates").GetDouble(),
            adjacency,
            settings.GetProperty("text_amp").GetDouble());
        Assert.Equal(settings.GetProperty("select_block_num_top_k").GetInt32(), carving.TopK);
        return new TransformerCallContext(backend, curve, carving);
    }
}
