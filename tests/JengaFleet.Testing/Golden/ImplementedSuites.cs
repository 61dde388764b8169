namespace JengaFleet.Testing.Golden;

/// <summary>
/// The golden suites whose algorithms are implemented, in one place. Add a suite's folder name
/// (e.g. "sfc", "carving", "scheduler", "prores") when its golden tests land: from then on
/// <see cref="SuiteCoverageTests"/> requires its cases instead of reporting it as skipped.
/// </summary>
public static class ImplementedSuites
{
    /// <summary>Folder names of the implemented suites.</summary>
    public static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "sfc",
        "carving",
        "scheduler",
        "prores",
        "hunyuan_text",
        "hunyuan_dit",
        "hunyuan_vae",
    };
}
