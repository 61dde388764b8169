using Xunit;

using JengaFleet.Testing.Golden;

namespace JengaFleet.Jenga.Tests.Golden;

/// <summary>
/// Every suite folder of the fixtures shows up in the results: implemented suites must have
/// cases, the others are reported as skipped by name (never as passed).
/// </summary>
[Trait("Category", "Golden")]
public sealed class SuiteCoverageTests
{
    /// <summary>The suite folders present, as theory data (empty when the fixtures are missing).</summary>
    public static TheoryData<string> Suites()
    {
        var data = new TheoryData<string>();
        if (FixtureRoot.Exists)
        {
            data.AddRange(GoldenSuite.SuiteFolders());
        }
        return data;
    }

    [Fact]
    public void Fixture_root_exists_and_holds_suites()
    {
        Assert.True(FixtureRoot.Exists, FixtureRoot.MissingMessage());
        Assert.True(GoldenSuite.SuiteFolders().Count > 0,
            $"golden fixtures folder {FixtureRoot.Describe()} holds no suite folder with .safetensors files");
    }

    [Theory(SkipTestWithoutData = true)]
    [MemberData(nameof(Suites))]
    public void Suite_is_implemented_and_has_cases(string suite)
    {
        var count = GoldenSuite.CaseNames(suite).Count();
        if (!ImplementedSuites.Names.Contains(suite))
        {
            Assert.Skip($"golden suite '{suite}' is not implemented yet ({count} cases)");
        }
        Assert.True(count > 0, $"golden suite '{suite}' is implemented but {GoldenSuite.Directory(suite)} has no cases");
    }

    [Fact]
    public void Every_implemented_suite_has_a_fixture_folder()
    {
        if (ImplementedSuites.Names.Count == 0 || !FixtureRoot.Exists)
        {
            return; // nothing to check, or the missing root is reported by Fixture_root_exists_and_holds_suites
        }
        var present = GoldenSuite.SuiteFolders();
        var absent = ImplementedSuites.Names.Where(s => !present.Contains(s)).Order(StringComparer.Ordinal).ToList();
        Assert.True(absent.Count == 0,
            $"implemented golden suites without cases under {FixtureRoot.Describe()}: {string.Join(", ", absent)}");
    }
}
