using JengaFleet.Jenga.Blocks;
using JengaFleet.Jenga.Curves;
using Xunit;

namespace JengaFleet.Jenga.Tests.Curves;

public class GilbertCurveTests
{
    [Fact]
    public void Small_3d_curve_matches_the_documented_vector()
    {
        var order = CurvePermutation.For(new TokenGrid(2, 3, 4), CurveKind.Gilbert).CurveToLinear;
        Assert.Equal([0, 12, 13, 1, 5, 17, 16, 4, 8, 20, 21, 9, 10, 22, 23, 11, 7, 19, 18, 6, 2, 14, 15, 3], order);
    }

    [Fact]
    public void Odd_3d_curve_matches_the_documented_vector()
    {
        var order = CurvePermutation.For(new TokenGrid(3, 5, 7), CurveKind.Gilbert).CurveToLinear;
        int[] expected =
        [
            0, 1, 36, 35, 70, 71, 72, 73, 38, 3, 2, 37, 44, 9, 10, 45, 80, 79, 78, 77, 42, 43, 8, 7, 14, 49, 50, 15, 22, 57, 56, 21, 28, 63, 29, 64,
            99, 98, 91, 84, 85, 92, 93, 86, 87, 94, 101, 66, 100, 65, 30, 31, 24, 59, 58, 23, 16, 51, 52, 17, 18, 53, 54, 19, 26, 61, 60, 25, 32, 67,
            33, 68, 103, 102, 95, 96, 88, 89, 90, 97, 104, 69, 34, 27, 62, 55, 20, 13, 12, 47, 48, 83, 82, 81, 46, 11, 4, 39, 74, 75, 76, 41, 40, 5, 6,
        ];
        Assert.Equal(expected, order);
    }

    [Fact]
    public void Sliced_curve_mirrors_alternate_frames()
    {
        var order = CurvePermutation.For(new TokenGrid(2, 3, 4), CurveKind.SlicedGilbert).CurveToLinear;
        Assert.Equal([0, 1, 5, 4, 8, 9, 10, 11, 7, 6, 2, 3, 15, 14, 18, 19, 23, 22, 21, 20, 16, 17, 13, 12], order);
    }

    /// <summary>The worked examples of the spec (chapter 2.6), including a sliced grid taller than wide.</summary>
    [Theory]
    [InlineData("gilbert", 2, 4, 4, new[] { 0, 16, 17, 1, 5, 21, 20, 4, 8, 12, 28, 24, 25, 29, 13, 9, 10, 14, 30, 26, 27, 31, 15, 11, 7, 23, 22, 6, 2, 18, 19, 3 })]
    [InlineData("gilbert", 2, 3, 5, new[] { 0, 15, 20, 5, 10, 25, 26, 11, 6, 21, 16, 1, 2, 17, 18, 3, 8, 23, 22, 7, 12, 13, 27, 28, 29, 14, 9, 24, 19, 4 })]
    [InlineData("sliced", 3, 3, 4, new[] { 0, 1, 5, 4, 8, 9, 10, 11, 7, 6, 2, 3, 15, 14, 18, 19, 23, 22, 21, 20, 16, 17, 13, 12, 24, 25, 29, 28, 32, 33, 34, 35, 31, 30, 26, 27 })]
    [InlineData("sliced", 2, 5, 3, new[] { 0, 1, 2, 5, 4, 3, 6, 9, 10, 7, 8, 11, 14, 13, 12, 27, 28, 29, 26, 25, 24, 21, 18, 19, 22, 23, 20, 17, 16, 15 })]
    public void Spec_worked_examples(string kind, int t, int h, int w, int[] expected)
    {
        var curve = CurvePermutation.For(new TokenGrid(t, h, w), kind == "sliced" ? CurveKind.SlicedGilbert : CurveKind.Gilbert);
        Assert.Equal(expected, curve.CurveToLinear);
    }

    [Fact]
    public void Spec_adjacency_example()
    {
        var adjacency = BlockAdjacency.For(CurvePermutation.For(new TokenGrid(4, 8, 16), CurveKind.Gilbert));
        int[][] rows = [[0, 1], [0, 1, 2], [1, 2, 3], [2, 3]];
        for (var i = 0; i < 4; i++)
            Assert.Equal(rows[i], Enumerable.Range(0, 4).Where(j => adjacency[i, j]));
    }

    public static TheoryData<string, int, int, int, long[], long[], long, int, int> ProductionGrids => new()
    {
        { "gilbert", 32, 45, 80, [0, 80, 3680, 3600, 3601, 3681, 81, 1, 2, 3602, 3603, 3], [159, 158, 78, 79], 382864150102976, 900, 16834 },
        { "gilbert", 32, 33, 60, [0, 1980, 1981, 1, 61, 2041, 2040, 60, 120, 121, 181, 180], [58, 2038, 2039, 59], 64164579752432, 495, 8541 },
        { "gilbert", 32, 22, 40, [0, 40, 920, 880, 881, 921, 41, 1, 2, 882, 883, 3], [919, 959, 79, 39], 5584576301856, 220, 3702 },
        { "gilbert", 32, 68, 52, [0, 52, 53, 1, 3537, 3589, 3588, 3536, 7072, 7073, 10609, 10608], [7020, 7021, 3485, 3484], 365980958074352, 884, 16782 },
        { "sliced", 21, 30, 52, [0, 52, 53, 1, 2, 3, 55, 54, 106, 107, 159, 158], [31303, 31302, 31250, 31251], 11712599417186, 256, 3460 },
        { "sliced", 21, 22, 39, [0, 39, 40, 1, 2, 3, 42, 41, 80, 81, 120, 119], [17237, 17236, 17197, 17198], 1948587623041, 141, 1531 },
        { "sliced", 21, 45, 80, [0, 1, 81, 80, 160, 240, 241, 161, 162, 242, 243, 163], [72078, 72158, 72159, 72079], 143942675151464, 591, 9627 },
        { "sliced", 21, 33, 60, [0, 60, 61, 1, 2, 3, 63, 62, 122, 123, 183, 182], [39658, 39718, 39719, 39659], 23948482919158, 325, 4477 },
    };

    /// <summary>Digests of the algorithm document (§2.6); they catch the truncating-division trap on every grid.</summary>
    [Theory]
    [MemberData(nameof(ProductionGrids))]
    public void Production_grids_match_the_documented_digests(string kind, int t, int h, int w, long[] head, long[] tail, long checksum, int blocks, int adjacencyCount)
    {
        var curve = CurvePermutation.For(new TokenGrid(t, h, w), kind == "sliced" ? CurveKind.SlicedGilbert : CurveKind.Gilbert);
        var order = curve.CurveToLinear;
        Assert.Equal(head, order.Take(12).Select(v => (long)v));
        Assert.Equal(tail, order.Skip(order.Length - 4).Select(v => (long)v));
        long sum = 0;
        for (var k = 0; k < order.Length; k++)
            sum += (long)k * order[k];
        Assert.Equal(checksum, sum);

        var adjacency = BlockAdjacency.For(curve);
        Assert.Equal(blocks, adjacency.Blocks);
        Assert.Equal(adjacencyCount, adjacency.Count);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1, 7, 3)]
    [InlineData(5, 5, 5)]
    [InlineData(7, 9, 11)]
    [InlineData(9, 2, 13)]
    [InlineData(33, 4, 3)]
    public void Both_curves_are_inverse_permutations(int t, int h, int w)
    {
        foreach (var kind in new[] { CurveKind.Gilbert, CurveKind.SlicedGilbert })
        {
            var curve = CurvePermutation.For(new TokenGrid(t, h, w), kind);
            Assert.Equal(Enumerable.Range(0, t * h * w), curve.CurveToLinear.Order());
            for (var k = 0; k < curve.TokenCount; k++)
                Assert.Equal(k, curve.LinearToCurve[curve.CurveToLinear[k]]);
        }
    }

    [Fact]
    public void Curves_are_cached_per_grid()
    {
        var grid = new TokenGrid(4, 6, 10);
        Assert.Same(CurvePermutation.For(grid, CurveKind.Gilbert), CurvePermutation.For(grid, CurveKind.Gilbert));
        Assert.NotSame(CurvePermutation.For(grid, CurveKind.Gilbert), CurvePermutation.For(grid, CurveKind.SlicedGilbert));
    }
}
