using JengaFleet.Worker.Engines;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace JengaFleet.Worker.Health;

/// <summary>Ready once every engine of the process has loaded its model.</summary>
internal sealed class ModelLoadedHealthCheck(WorkerSlots slots) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(slots.IsLoaded
            ? HealthCheckResult.Healthy($"model {slots.All[0].Engine.Info.Model} loaded")
            : HealthCheckResult.Unhealthy($"model {slots.All[0].Engine.Info.Model} is loading"));
}
