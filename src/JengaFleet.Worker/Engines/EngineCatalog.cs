using JengaFleet.Pipeline.HunyuanVideo;
using JengaFleet.Pipeline.Engine;
using JengaFleet.Worker.Configuration;
using Microsoft.Extensions.Logging;

namespace JengaFleet.Worker.Engines;

/// <summary>
/// The models a worker can hold, by the name in <c>Model:Name</c>: the HunyuanVideo pipeline with the release's
/// weights (<c>hunyuan-video</c>) or the built-in tiny model (<c>hunyuan-tiny</c>, random weights, runs on a CPU),
/// and the synthetic placeholder that draws test patterns (for plumbing tests that need slow, controllable jobs).
/// </summary>
public static class EngineCatalog
{
    public static IReadOnlyList<string> KnownModels { get; } = [.. ModelCatalog.Names, SyntheticVideoEngine.DefaultModelName];

    public static IVideoGenerationEngine Create(ModelOptions model, WorkerOptions worker, ILoggerFactory loggers)
    {
        if (string.Equals(model.Name, SyntheticVideoEngine.DefaultModelName, StringComparison.OrdinalIgnoreCase))
        {
            return new SyntheticVideoEngine(
                new SyntheticVideoEngineOptions { StepDelay = model.SyntheticStepDelay },
                loggers.CreateLogger<SyntheticVideoEngine>());
        }

        if (ModelCatalog.IsKnown(model.Name))
        {
            var options = ModelCatalog.Resolve(model.Name, model.WeightsPath, ModelCatalog.ParseDevice(worker.Device));
            return new HunyuanVideoEngine(options, loggers.CreateLogger<HunyuanVideoEngine>());
        }

        throw new InvalidOperationException($"Model:Name '{model.Name}' is not known; known models: {string.Join(", ", KnownModels)}");
    }
}
