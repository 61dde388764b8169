namespace JengaFleet.Testing.Golden;

/// <summary>
/// Where the golden fixtures live: the folder named by the environment variable
/// <see cref="EnvironmentVariable"/> when it is set, otherwise <c>../shared/fixtures</c> relative to
/// the repository root (the folder holding <c>JengaFleet.sln</c>, found by walking up from the
/// test assembly's folder).
/// </summary>
public static class FixtureRoot
{
    /// <summary>Overrides the fixture folder (absolute, or relative to the current directory).</summary>
    public const string EnvironmentVariable = "JENGA_FIXTURES_DIR";

    private const string SolutionFile = "JengaFleet.sln";

    private static readonly Lazy<(string? Path, string Origin)> Resolved = new(Resolve);

    /// <summary>The fixture folder, or null when it cannot even be located (see <see cref="Describe"/>).</summary>
    public static string? Path => Resolved.Value.Path;

    /// <summary>Whether the fixture folder exists.</summary>
    public static bool Exists => Path is not null && Directory.Exists(Path);

    /// <summary>The fixture folder; throws with an explanation when it does not exist.</summary>
    public static string Require()
    {
        if (!Exists)
        {
            throw new DirectoryNotFoundException(MissingMessage());
        }
        return Path!;
    }

    /// <summary>How the folder was chosen, e.g. for test output.</summary>
    public static string Describe() => $"{Path ?? "(unresolved)"} ({Resolved.Value.Origin})";

    /// <summary>The message given when the fixtures are not there.</summary>
    public static string MissingMessage() =>
        Path is null
            ? $"golden fixtures not found: {Resolved.Value.Origin}. Set {EnvironmentVariable} to the fixtures folder."
            : $"golden fixtures folder '{Path}' does not exist ({Resolved.Value.Origin}). " +
              $"Set {EnvironmentVariable} to the fixtures folder, or put the shared folder beside the repository (../shared/fixtures).";

    private static (string? Path, string Origin) Resolve()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return (System.IO.Path.GetFullPath(fromEnvironment), $"from {EnvironmentVariable}");
        }

        var start = AppContext.BaseDirectory;
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, SolutionFile)))
            {
                var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(directory.FullName, "..", "shared", "fixtures"));
                return (path, $"default: ../shared/fixtures beside the repository root {directory.FullName}; {EnvironmentVariable} is not set");
            }
        }
        return (null, $"{EnvironmentVariable} is not set and no folder above '{start}' holds {SolutionFile}");
    }
}
