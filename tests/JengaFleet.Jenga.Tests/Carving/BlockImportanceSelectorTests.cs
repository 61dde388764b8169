using JengaFleet.Jenga.Blocks;
using JengaFleet.Jenga.Carving;
using JengaFleet.Jenga.Curves;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.Tests.Carving;

public class BlockImportanceSelectorTests
{
    [Theory]
    [InlineData(1, 0.3, 0)]
    [InlineData(3, 0.9, 0)]
    [InlineData(5, 0.0, 2)]
    [InlineData(0, 0.6, 3)]
    public void Selection_follows_the_top_p_rule_with_a_top_k_floor(int topK, double p, int firstFrameBlocks)
    {
        using var scope = NewDisposeScope();
        var generator = manual_seed(7);
        const int videoTokens = 7 * 128 - 50; // partial last block
        var layout = new BlockLayout(videoTokens, 256);
        var q = randn(2, 3, layout.SequenceLength, 16);
        var k = randn(2, 3, layout.SequenceLength, 16);
        // A per-block offset gives the pooled scores a clear ranking.
        var offsets = randn(2, 3, layout.VideoBlocks, 16).mul(3).repeat_interleave(128, 2).narrow(2, 0, videoTokens);
        q.narrow(2, 0, videoTokens).add_(offsets);
        k.narrow(2, 0, videoTokens).add_(offsets.flip(2));
        var adjacency = BlockAdjacency.For(CurvePermutation.For(new TokenGrid(2, 11, 37), CurveKind.Gilbert));
        Assert.Equal(layout.VideoBlocks, adjacency.Blocks);
        var settings = new CarvingSettings(topK, p, adjacency, FirstFrameBlocks: firstFrameBlocks);

        using var selection = BlockImportanceSelector.Select(q, k, layout, settings);
        var blocks = layout.VideoBlocks;
        Assert.Equal(new long[] { 2, 3, blocks, blocks }, selection.Probabilities.shape);
        Assert.Equal(new long[] { 2, 3, blocks, blocks + 2 }, selection.Mask.shape);

        var probs = selection.Probabilities.data<float>().ToArray();
        var selected = selection.Selected.data<bool>().ToArray();
        var mask = selection.Mask.data<bool>().ToArray();
        var row = 0;
        for (var b = 0; b < 2; b++)
        for (var h = 0; h < 3; h++)
        for (var m = 0; m < blocks; m++, row++)
        {
            var rowProbs = probs.Skip(row * blocks).Take(blocks).ToArray();
            Assert.InRange(rowProbs.Sum(), 0.9999, 1.0001);
            var ranked = rowProbs.Select((value, index) => (value, index)).OrderByDescending(x => x.value).ToArray();
            var crossing = 1;
            double cumulative = 0;
            foreach (var (value, _) in ranked)
            {
                cumulative += value;
                if (cumulative <= p) crossing++;
                else break;
            }

            var need = Math.Min(Math.Max(crossing, topK), blocks);
            var expectedSelected = ranked.Take(need).Select(x => x.index).ToHashSet();
            for (var j = 0; j < blocks; j++)
            {
                Assert.Equal(expectedSelected.Contains(j), selected[row * blocks + j]);
                var expectedMask = expectedSelected.Contains(j) || adjacency[m, j] || (m < firstFrameBlocks && j < firstFrameBlocks);
                Assert.Equal(expectedMask, mask[row * (blocks + 2) + j]);
            }

            Assert.True(mask[row * (blocks + 2) + blocks] && mask[row * (blocks + 2) + blocks + 1], "condition blocks are always kept");
        }
    }

    [Fact]
    public void Wan_layout_has_no_condition_columns()
    {
        using var scope = NewDisposeScope();
        var layout = new BlockLayout(500, 0);
        var q = randn(1, 2, 500, 8);
        using var selection = BlockImportanceSelector.Select(q, q, layout, new CarvingSettings(1, 0.5));
        Assert.Equal(new long[] { 1, 2, 4, 4 }, selection.Mask.shape);
    }
}
