using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JengaFleet.Worker.Engines;

/// <summary>
/// Loads every engine once at start-up, in the background so that <c>/healthz</c> answers during a long load;
/// <c>/readyz</c> turns ready only when it is done and jobs wait for it. A failed load stops the process.
/// </summary>
internal sealed class EngineLoader(WorkerSlots slots, Metrics.WorkerMetrics metrics, IHostApplicationLifetime lifetime, ILogger<EngineLoader> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = metrics; // created now so that its gauges (ready, load time) are exported from the start
        var seconds = new Dictionary<string, double>();
        try
        {
            foreach (var slot in slots.All)
            {
                var watch = Stopwatch.StartNew();
                logger.LogInformation("Loading model {Model} on {Device} for worker {Worker} (engine: {Engine})",
                    slot.Engine.Info.Model, slot.Engine.Info.Device, slot.Name, slot.Engine.Info.Description);
                await slot.Engine.LoadAsync(stoppingToken);
                seconds[slot.Name] = watch.Elapsed.TotalSeconds;
                logger.LogInformation("Model {Model} loaded for worker {Worker} in {LoadSeconds:F2} s", slot.Engine.Info.Model, slot.Name, watch.Elapsed.TotalSeconds);
            }

            slots.MarkLoaded(seconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            slots.MarkLoadFailed(new OperationCanceledException("the worker stopped while loading the model"));
        }
        catch (Exception e)
        {
            logger.LogCritical(e, "Loading the model failed; stopping the worker");
            slots.MarkLoadFailed(e);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }
}
