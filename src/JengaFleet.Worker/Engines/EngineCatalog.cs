using JengaFleet.Pipeline.Engine;
using JengaFleet.Worker.Configuration;
using Microsoft.Extensions.Logging;

namespace JengaFleet.Worker.Engines;

/// <summary>
/// The models a worker can hold, by the name in <c>Model:Name</c>. The real pipelines (hunyuan-tiny,
/// hunyuan-video) register here when they exist; until then only the synthetic placeholder does.
/// </summary>
public static class EngineCatalog
{
    public static IReadOnlyList<string> KnownModels { get; } = [SyntheticVideoEngine.DefaultModelName];

    public static IVideoGenerationEngine Create(ModelOptions model, WorkerOptions worker, ILoggerFactory loggers)
    {
        if (string.Equals(model.Name, SyntheticVideoEngine.DefaultModelName, StringComparison.OrdinalIgnoreCase))
        {
            return new SyntheticVideoEngine(
                new SyntheticVideoEngineOptions { StepDelay = model.SyntheticStepDelay },
                loggers.CreateLogger<SyntheticVideoEngine>());
        }

        throw new InvalidOperationException($"Model:Name '{model.Name}' is not known; known models: {string.Join(", ", KnownModels)}");
    }
}
