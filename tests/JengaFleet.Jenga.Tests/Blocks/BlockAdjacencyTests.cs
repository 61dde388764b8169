using JengaFleet.Jenga.Blocks;
using JengaFleet.Jenga.Curves;
using Xunit;

namespace JengaFleet.Jenga.Tests.Blocks;

public class BlockAdjacencyTests
{
    /// <summary>Brute force over all token pairs: the definition, independent of the implementation's neighbour walk.</summary>
    [Theory]
    [InlineData(5, 7, 9, CurveKind.Gilbert)]
    [InlineData(3, 10, 13, CurveKind.SlicedGilbert)]
    public void Matches_pairwise_contact_definition(int t, int h, int w, CurveKind kind)
    {
        var grid = new TokenGrid(t, h, w);
        var curve = CurvePermutation.For(grid, kind);
        var adjacency = BlockAdjacency.For(curve);
        var n = grid.TokenCount;
        var blocks = BlockLayout.BlocksFor(n);
        var expected = new bool[blocks, blocks];
        for (var a = 0; a < n; a++)
        for (var b = 0; b < n; b++)
        {
            int ta = a / (h * w), ya = a / w % h, xa = a % w;
            int tb = b / (h * w), yb = b / w % h, xb = b % w;
            if (Math.Abs(ta - tb) <= 1 && Math.Abs(ya - yb) <= 1 && Math.Abs(xa - xb) <= 1)
                expected[curve.LinearToCurve[a] / 128, curve.LinearToCurve[b] / 128] = true;
        }

        for (var i = 0; i < blocks; i++)
        for (var j = 0; j < blocks; j++)
            Assert.True(expected[i, j] == adjacency[i, j], $"block pair ({i}, {j})");
    }

    [Fact]
    public void Tensor_form_is_symmetric_with_true_diagonal()
    {
        var adjacency = BlockAdjacency.For(CurvePermutation.For(new TokenGrid(8, 12, 16), CurveKind.Gilbert));
        using var m = adjacency.ToTensor();
        Assert.Equal(new long[] { 12, 12 }, m.shape);
        using var transposed = m.t();
        Assert.True(m.eq(transposed).all().item<bool>());
        using var diagonal = m.diagonal();
        Assert.True(diagonal.all().item<bool>());
        Assert.False(m.all().item<bool>(), "a 12-block grid must have some non-adjacent pairs");
    }

    [Fact]
    public void Layout_pads_partial_blocks()
    {
        var layout = new BlockLayout(32760, 256);
        Assert.Equal(256, layout.VideoBlocks);
        Assert.Equal(2, layout.ConditionBlocks);
        Assert.Equal(32768, layout.PaddedVideoTokens);
        Assert.False(layout.IsBlockAligned);
        Assert.True(new BlockLayout(115200, 256).IsBlockAligned);
        Assert.Equal(4, new BlockLayout(113152, 396).ConditionBlocks);
    }
}
