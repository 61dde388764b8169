using JengaFleet.Worker.Configuration;
using JengaFleet.Worker.Engines;
using JengaFleet.Worker.Jobs;
using JengaFleet.Worker.Metrics;
using JengaFleet.Worker.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JengaFleet.Worker;

/// <summary>The worker's services without a transport: settings, engines, storage, job processing, metrics.</summary>
public static class WorkerServices
{
    /// <param name="slots">The worker slots; null = one slot named <c>Worker:Name</c> holding the engine of <c>Model:Name</c>.</param>
    public static IServiceCollection AddJengaWorkerCore(this IServiceCollection services, IConfiguration configuration,
        Func<IServiceProvider, IReadOnlyList<WorkerSlot>>? slots = null, Func<IServiceProvider, IObjectStore>? store = null)
    {
        services.AddOptions<RabbitMqOptions>().Bind(configuration.GetSection(RabbitMqOptions.Section));
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateOnStart();
        services.AddOptions<ModelOptions>().Bind(configuration.GetSection(ModelOptions.Section)).ValidateOnStart();
        services.AddOptions<WorkerOptions>().Bind(configuration.GetSection(WorkerOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddSingleton<IValidateOptions<ModelOptions>, ModelOptionsValidator>();
        services.AddSingleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton(sp => new WorkerSlots(slots?.Invoke(sp) ?? DefaultSlots(sp)));
        services.AddSingleton(sp => store?.Invoke(sp) ?? CreateStore(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton(sp => new StorageRetry(sp.GetRequiredService<IOptions<StorageOptions>>().Value, sp.GetRequiredService<ILogger<StorageRetry>>()));
        services.AddSingleton<WorkerMetrics>();
        services.AddSingleton<JobProcessor>();
        services.AddHostedService<EngineLoader>();
        return services;
    }

    public static IObjectStore CreateStore(StorageOptions options) => options.Provider switch
    {
        StorageProvider.Folder => new LocalFolderObjectStore(options.Folder!),
        _ => new S3ObjectStore(options),
    };

    private static IReadOnlyList<WorkerSlot> DefaultSlots(IServiceProvider sp)
    {
        var worker = sp.GetRequiredService<IOptions<WorkerOptions>>().Value;
        var model = sp.GetRequiredService<IOptions<ModelOptions>>().Value;
        return [new WorkerSlot(worker.Name, EngineCatalog.Create(model, worker, sp.GetRequiredService<ILoggerFactory>()))];
    }
}
