namespace JengaFleet.Worker.Configuration;

/// <summary>The model this worker holds (section <c>Model</c>).</summary>
public sealed class ModelOptions
{
    public const string Section = "Model";

    /// <summary>Model name; requests must name it (or none). See <c>EngineCatalog</c> for the known names.</summary>
    public string Name { get; set; } = "";

    /// <summary>Folder or file of the model's weights (unused by the synthetic placeholder).</summary>
    public string? WeightsPath { get; set; }

    /// <summary>Synthetic placeholder only: extra time per denoise step (to make jobs last in tests and demos).</summary>
    public TimeSpan SyntheticStepDelay { get; set; } = TimeSpan.Zero;
}
