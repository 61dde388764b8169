using System.Text.Json;
using TorchSharp;
using Xunit;

using JengaFleet.Testing.Golden;

namespace JengaFleet.Jenga.Tests.Golden;

/// <summary>
/// Every fixture file of every suite opens, every tensor loads with its header's shape, and
/// config and tolerance parse. This checks the reader on real files; whether an implementation
/// reproduces a suite is the business of that suite's own golden tests.
/// </summary>
[Trait("Category", "Golden")]
public sealed class GoldenFixtureFilesTests
{
    public static TheoryData<string, string> AllCases()
    {
        var data = new TheoryData<string, string>();
        if (FixtureRoot.Exists)
        {
            foreach (var suite in GoldenSuite.SuiteFolders())
            {
                foreach (var name in GoldenSuite.CaseNames(suite))
                {
                    data.Add(suite, name);
                }
            }
        }
        return data;
    }

    [Theory(SkipTestWithoutData = true)]
    [MemberData(nameof(AllCases))]
    public void Fixture_file_is_readable(string suite, string name)
    {
        using var golden = GoldenSuite.Load(suite, name);
        Assert.Equal(JsonValueKind.Object, golden.Config.ValueKind);
        Assert.NotEmpty(golden.OutputNames);
        Assert.True(golden.Tolerance.Present, $"{golden} has no tolerance metadata");

        using var scope = torch.NewDisposeScope();
        foreach (var entry in golden.File.Entries)
        {
            var tensor = golden.File.Load(entry.Name);
            Assert.Equal(entry.Shape, tensor.shape);
        }
    }

    [Fact]
    public void Case_names_are_sorted_and_loadable_by_name()
    {
        var names = GoldenSuite.CaseNames("sfc").ToList();
        Assert.Contains("gilbert_2x4x4", names);
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Equal(names, GoldenSuite.CaseData("sfc").Select(row => row.Data));

        using var golden = GoldenSuite.Load("sfc", "gilbert_2x4x4");
        Assert.Equal("sfc", golden.Suite);
        Assert.Equal(2, golden.Config.GetProperty("T").GetInt32());
        Assert.True(golden.Tolerance.Exact);
        Assert.Equal(["out.block_neighbors", "out.curve_to_linear", "out.linear_to_curve"], golden.OutputNames);

        var error = Assert.Throws<FileNotFoundException>(() => GoldenSuite.Load("sfc", "gilbert_9x9x9"));
        Assert.Contains("gilbert_2x4x4", error.Message);
    }

    [Fact]
    public void Real_tolerances_pick_the_documented_rules()
    {
        using var carving = GoldenSuite.Load("carving", GoldenSuite.CaseNames("carving").First());
        Assert.True(carving.Tolerance.For("out.block_mask", torch.ScalarType.Byte).Exact);
        var probs = carving.Tolerance.For("out.block_probs", torch.ScalarType.Float32);
        Assert.Equal((1e-5, 1e-4), (probs.Atol, probs.Rtol));

        using var wan = GoldenSuite.Load("wan_dit", "t2v_jenga");
        Assert.True(wan.Tolerance.For("out.block_mask.0", torch.ScalarType.Byte).Exact);
        Assert.Equal(3e-5, wan.Tolerance.For("out.x", torch.ScalarType.Float32).Atol);
    }
}
