namespace JengaFleet.Jenga.Presets;

/// <summary>
/// The official HunyuanVideo presets (scripts/hyvideo_jenga_*.sh of the reference, single GPU) and a
/// dense baseline.
/// </summary>
public static class JengaPresets
{
    /// <summary>The unmodified model: dense attention, one full-resolution stage, every step computed.</summary>
    public static JengaPreset Dense { get; } = new("dense", [0.0], 0.0, [1.0], [1.0], [7], SkipSteps: false);

    public static JengaPreset Base { get; } = new("base", [0.75, 0.85], 0.3, [1.0, 1.0], [0.5, 1.0], [7, 7], SkipSteps: true);

    public static JengaPreset Turbo { get; } = new("turbo", [0.7, 0.8], 0.3, [0.75, 1.0], [0.5, 1.0], [7, 9], SkipSteps: true);

    public static JengaPreset Flash { get; } = new("flash", [0.8, 0.95], 0.5, [0.75, 1.0], [0.5, 1.0], [7, 9], SkipSteps: true);

    public static JengaPreset ThreeStage { get; } = new("3stage", [0.75, 0.85, 0.85], 0.3, [0.5, 0.75, 1.0], [0.3, 0.5, 1.0], [7, 9, 11], SkipSteps: true);

    public static IReadOnlyList<JengaPreset> All { get; } = [Dense, Base, Turbo, Flash, ThreeStage];

    public static IEnumerable<string> Names => All.Select(p => p.Name);

    public static JengaPreset ByName(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown preset '{name}'; known presets: {string.Join(", ", Names)}", nameof(name));
}
