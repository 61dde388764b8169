using JengaFleet.Jenga.Blocks;
using JengaFleet.Jenga.Curves;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

using JengaFleet.Testing.Golden;

namespace JengaFleet.Jenga.Tests.Golden;

[Trait("Category", "Golden")]
public class SfcGoldenTests
{
    public const string Suite = "sfc";

    [Theory(SkipTestWithoutData = true)]
    [MemberData(nameof(GoldenSuite.CaseData), Suite, MemberType = typeof(GoldenSuite))]
    public void Curve_and_block_neighbours_match(string name)
    {
        using var scope = NewDisposeScope();
        using var golden = GoldenSuite.Load(Suite, name);
        var grid = golden.Input("in.grid_thw").data<long>().ToArray();
        var kind = golden.Config.GetProperty("curve").GetString() switch
        {
            "gilbert" => CurveKind.Gilbert,
            "sliced_gilbert" => CurveKind.SlicedGilbert,
            var other => throw new InvalidOperationException($"{name}: unknown curve flavour '{other}'"),
        };

        var curve = CurvePermutation.For(new TokenGrid((int)grid[0], (int)grid[1], (int)grid[2]), kind);
        var adjacency = BlockAdjacency.For(curve);
        golden.AssertOutputs(new Dictionary<string, Tensor>
        {
            ["out.curve_to_linear"] = tensor(curve.CurveToLinear.Select(v => (long)v).ToArray()),
            ["out.linear_to_curve"] = tensor(curve.LinearToCurve.Select(v => (long)v).ToArray()),
            ["out.block_neighbors"] = adjacency.ToTensor().to(ScalarType.Byte),
        });
    }
}
