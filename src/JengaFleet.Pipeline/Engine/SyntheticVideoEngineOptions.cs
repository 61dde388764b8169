namespace JengaFleet.Pipeline.Engine;

/// <summary>Settings of the <see cref="SyntheticVideoEngine"/>.</summary>
public sealed record SyntheticVideoEngineOptions
{
    /// <summary>The model name requests must carry to be served by it.</summary>
    public string ModelName { get; init; } = SyntheticVideoEngine.DefaultModelName;

    /// <summary>Extra wall time per denoise step, so tests and demos can have jobs that last (e.g. to stop a worker mid-job).</summary>
    public TimeSpan StepDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Simulated load time at start-up.</summary>
    public TimeSpan LoadDelay { get; init; } = TimeSpan.Zero;

    public double FramesPerSecond { get; init; } = 24;

    public EngineLimits Limits { get; init; } = new();
}
