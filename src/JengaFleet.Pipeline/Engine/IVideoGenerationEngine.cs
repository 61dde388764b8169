namespace JengaFleet.Pipeline.Engine;

/// <summary>
/// The seam between the fleet and a text-to-video pipeline. One engine holds one model, loaded once and kept
/// warm; it runs one generation at a time. The worker calls <see cref="Validate"/> first (cheap, no GPU),
/// then <see cref="GenerateAsync"/>.
/// </summary>
public interface IVideoGenerationEngine : IAsyncDisposable
{
    EngineInfo Info { get; }

    EngineLimits Limits { get; }

    /// <summary>Loads weights and warms up. Called once, before the first request; the worker is ready only after it.</summary>
    Task LoadAsync(CancellationToken cancellationToken);

    RequestValidation Validate(GenerationRequest request);

    /// <summary>
    /// Generates the video of a valid request into <paramref name="outputPath"/> (an mp4). Reports every stage
    /// and denoise step to <paramref name="observer"/>. Throws <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    Task<GeneratedVideo> GenerateAsync(GenerationRequest request, string outputPath, IGenerationObserver observer, CancellationToken cancellationToken);

    /// <summary>Device memory in use by the engine's tensors in bytes, or null where the device does not report it (CPU).</summary>
    long? DeviceMemoryBytes() => null;
}
