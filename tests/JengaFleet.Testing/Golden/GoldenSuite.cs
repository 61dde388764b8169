using Xunit;

namespace JengaFleet.Testing.Golden;

/// <summary>The suites (sub-folders of <see cref="FixtureRoot"/>) and their cases (<c>*.safetensors</c> files).</summary>
public static class GoldenSuite
{
    private const string Extension = ".safetensors";

    /// <summary>Folder of <paramref name="suite"/>.</summary>
    public static string Directory(string suite)
    {
        ArgumentException.ThrowIfNullOrEmpty(suite);
        return Path.Combine(FixtureRoot.Require(), suite);
    }

    /// <summary>
    /// Case names of <paramref name="suite"/> (file names without extension), sorted ordinally;
    /// empty when the suite folder or the whole fixture root is missing (the latter is reported
    /// by <see cref="SuiteCoverageTests"/>). For <c>[MemberData]</c> use <see cref="CaseData"/>:
    /// xunit v3 does not accept a plain sequence of strings there.
    /// </summary>
    public static IEnumerable<string> CaseNames(string suite)
    {
        ArgumentException.ThrowIfNullOrEmpty(suite);
        if (!FixtureRoot.Exists)
        {
            return [];
        }
        var directory = Directory(suite);
        if (!System.IO.Directory.Exists(directory))
        {
            return [];
        }
        return System.IO.Directory.EnumerateFiles(directory, "*" + Extension, SearchOption.TopDirectoryOnly)
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The case names of <paramref name="suite"/> as theory data, for
    /// <c>[MemberData(nameof(GoldenSuite.CaseData), "sfc", MemberType = typeof(GoldenSuite))]</c>.
    /// Empty when the fixture root or the suite is missing.
    /// </summary>
    public static TheoryData<string> CaseData(string suite)
    {
        var data = new TheoryData<string>();
        data.AddRange(CaseNames(suite));
        return data;
    }

    /// <summary>Opens case <paramref name="name"/> of <paramref name="suite"/>.</summary>
    /// <exception cref="FileNotFoundException">No such case; the message lists the suite's cases.</exception>
    public static GoldenCase Load(string suite, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var path = Path.Combine(Directory(suite), name + Extension);
        if (!File.Exists(path))
        {
            var known = CaseNames(suite).ToList();
            throw new FileNotFoundException(
                $"golden case '{suite}/{name}' not found at '{path}'; the suite has {known.Count} cases: {string.Join(", ", known)}", path);
        }
        return GoldenCase.Open(suite, path);
    }

    /// <summary>Every sub-folder of the fixture root holding at least one case, sorted ordinally.</summary>
    public static IReadOnlyList<string> SuiteFolders() =>
        System.IO.Directory.EnumerateDirectories(FixtureRoot.Require())
            .Where(d => System.IO.Directory.EnumerateFiles(d, "*" + Extension, SearchOption.TopDirectoryOnly).Any())
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();
}
