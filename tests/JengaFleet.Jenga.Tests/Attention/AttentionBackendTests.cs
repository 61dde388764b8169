using JengaFleet.Jenga.Attention;
using JengaFleet.Jenga.Blocks;
using JengaFleet.Jenga.Carving;
using JengaFleet.Jenga.Curves;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.Tests.Attention;

public class AttentionBackendTests
{
    public static TheoryData<string> Scenarios => new() { "hunyuan-aligned", "padded-batch2", "wan-first-frame", "everything-kept" };

    private static (Tensor Q, Tensor K, Tensor V, AttentionCall Call) Scenario(string name)
    {
        manual_seed(11);
        return name switch
        {
            // 3 video blocks + 2 text blocks, 77 valid text tokens, Turbo's first-stage text amplifier.
            "hunyuan-aligned" => Make(1, 2, 32, new TokenGrid(3, 4, 32), CurveKind.Gilbert, 256, [77],
                new CarvingSettings(1, 0.5, null, TextAmp: 0.4312)),
            // Partial last video block and partial condition block, two samples with their own valid lengths.
            "padded-batch2" => Make(2, 3, 16, new TokenGrid(3, 10, 10), CurveKind.Gilbert, 200, [200, 57],
                new CarvingSettings(2, 0.3, null, TextAmp: -0.5)),
            // No condition tokens, partial last block, first-frame rule.
            "wan-first-frame" => Make(1, 2, 16, new TokenGrid(5, 10, 10), CurveKind.SlicedGilbert, 0, null,
                new CarvingSettings(1, 0.2, null, FirstFrameBlocks: 2)),
            "everything-kept" => Make(1, 2, 16, new TokenGrid(4, 6, 10), CurveKind.Gilbert, 150, [99],
                new CarvingSettings(100, 1.0, null)),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    private static (Tensor, Tensor, Tensor, AttentionCall) Make(int batch, int heads, int dim, TokenGrid grid, CurveKind kind, int condition, long[]? valid, CarvingSettings settings)
    {
        var layout = new BlockLayout(grid.TokenCount, condition);
        var adjacency = BlockAdjacency.For(CurvePermutation.For(grid, kind));
        var call = new AttentionCall(layout, valid, settings with { Adjacency = adjacency });
        var shape = new long[] { batch, heads, layout.SequenceLength, dim };
        return (randn(shape), randn(shape), randn(shape), call);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Block_sparse_equals_the_dense_masked_reference(string scenario)
    {
        using var scope = NewDisposeScope();
        var (q, k, v, call) = Scenario(scenario);
        var reference = new DenseMaskedAttention().Attend(q, k, v, call);
        // A tiny budget forces many chunks of differently sized rows.
        var sparse = new BlockSparseAttention(chunkBudgetBytes: 200_000).Attend(q, k, v, call);
        Assert.Equal(q.shape, sparse.shape);
        Assert.False(sparse.isnan().any().item<bool>());
        var diff = (sparse - reference).abs().max().item<float>();
        Assert.True(diff < 1e-5, $"{scenario}: max abs difference {diff}");
    }

    [Fact]
    public void Keys_outside_the_selection_do_not_influence_a_query_block()
    {
        using var scope = NewDisposeScope();
        var (q, k, v, call) = Scenario("padded-batch2");
        var backend = new BlockSparseAttention();
        var before = backend.Attend(q, k, v, call);
        using var selection = BlockImportanceSelector.Select(q, k, call.Layout, call.Carving!);
        var mask = selection.Mask; // [B, H, Vq, Kb]

        // Replace every value row of block 1 of sample 0, head 0; only query blocks that keep block 1 may change.
        var changed = v.clone();
        changed[0, 0, TensorIndex.Slice(128, 256)] = full(128, v.shape[3], 100f);
        var after = backend.Attend(q, k, changed, call);
        for (var m = 0; m < call.Layout.VideoBlocks; m++)
        {
            var rows = TensorIndex.Slice(m * 128, Math.Min((m + 1) * 128, call.Layout.VideoTokens));
            var same = before[0, 0, rows].eq(after[0, 0, rows]).all().item<bool>();
            Assert.Equal(!mask[0, 0, m, 1].item<bool>(), same);
        }
    }

    [Fact]
    public void Carving_that_keeps_everything_equals_dense_attention_on_video_rows()
    {
        using var scope = NewDisposeScope();
        var (q, k, v, call) = Scenario("everything-kept");
        var carved = new BlockSparseAttention().Attend(q, k, v, call);
        var dense = new BlockSparseAttention().Attend(q, k, v, call with { Carving = null });
        var video = call.Layout.VideoTokens;
        var diff = (carved.narrow(2, 0, video) - dense.narrow(2, 0, video)).abs().max().item<float>();
        Assert.True(diff < 1e-5, $"max abs difference {diff}");
    }

    [Fact]
    public void Dense_call_hides_padded_condition_keys_per_sample()
    {
        using var scope = NewDisposeScope();
        var (q, k, v, call) = Scenario("padded-batch2");
        var dense = call with { Carving = null };
        var output = new BlockSparseAttention().Attend(q, k, v, dense);
        for (var b = 0; b < 2; b++)
        {
            var limit = call.KeyValidLength(b);
            var expected = nn.functional.scaled_dot_product_attention(q[b], k[b].narrow(1, 0, limit), v[b].narrow(1, 0, limit));
            var diff = (output[b] - expected).abs().max().item<float>();
            Assert.True(diff < 1e-5, $"sample {b}: max abs difference {diff}");
        }
    }

    [Fact]
    public void Statistics_count_kept_blocks()
    {
        using var scope = NewDisposeScope();
        var (q, k, v, call) = Scenario("hunyuan-aligned");
        var stats = new CarvingStatistics();
        new BlockSparseAttention().Attend(q, k, v, call with { Statistics = stats });
        Assert.Equal(1, stats.Calls);
        Assert.InRange(stats.MeanKeptBlocks, 1.0, 3.0);
        Assert.InRange(stats.KeptFraction, 1.0 / 3, 1.0);
    }

    [Fact]
    public void Mismatched_inputs_are_rejected_with_the_shapes()
    {
        using var scope = NewDisposeScope();
        var (q, k, v, call) = Scenario("hunyuan-aligned");
        var error = Assert.Throws<ArgumentException>(() => new BlockSparseAttention().Attend(q, k.narrow(2, 0, 10), v, call));
        Assert.Contains("shapes differ", error.Message);
        Assert.Throws<ArgumentException>(() => new BlockSparseAttention().Attend(q, k, v, call with { ConditionValidLengths = [1, 2] }));
    }
    [Fact]
    public void A_given_mask_with_diagonal_only_and_full_rows_gives_the_reference_result()
    {
        using var scope = NewDisposeScope();
        var (q, k, v, call) = Scenario("padded-batch2");
        var layout = call.Layout;
        var mask = zeros(new long[] { 2, 3, layout.VideoBlocks, layout.TotalBlocks }, ScalarType.Bool);
        for (var m = 0; m < layout.VideoBlocks; m++)
        {
            mask[TensorIndex.Ellipsis, m, m] = tensor(true);                             // diagonal only ...
            mask[TensorIndex.Ellipsis, m, TensorIndex.Slice(layout.VideoBlocks)] = tensor(true);
        }

        mask[1, 2, 0] = tensor(true);                                                     // ... and one full row
        var reference = new DenseMaskedAttention().AttendMasked(q, k, v, call, mask);
        var sparse = new BlockSparseAttention(chunkBudgetBytes: 200_000).AttendMasked(q, k, v, call, mask);
        var diff = (sparse - reference).abs().max().item<float>();
        Assert.True(diff < 1e-5, $"max abs difference {diff}");
    }

    [Fact]
    public void A_given_mask_of_the_wrong_shape_is_rejected()
    {
        using var scope = NewDisposeScope();
        var (q, k, v, call) = Scenario("hunyuan-aligned");
        var wrong = ones(new long[] { 1, 2, call.Layout.VideoBlocks, call.Layout.VideoBlocks }, ScalarType.Bool);
        var error = Assert.Throws<ArgumentException>(() => new BlockSparseAttention().AttendMasked(q, k, v, call, wrong));
        Assert.Contains("block mask must be bool", error.Message);
        Assert.Throws<ArgumentException>(() => new DenseMaskedAttention().AttendMasked(q, k, v, call, wrong.to(ScalarType.Float32)));
    }
}
