using JengaFleet.Worker.Configuration;
using Microsoft.Extensions.Configuration;

namespace JengaFleet.Worker.Batches;

/// <summary>
/// The batch commands' settings, from the worker's own configuration sections (<c>RabbitMq__Uri</c>, <c>Storage__*</c>,
/// <c>Worker__Queue</c> as the default queue) and checked by the worker's own validators.
/// </summary>
public sealed record BatchSettings(RabbitMqOptions RabbitMq, StorageOptions Storage, string DefaultQueue)
{
    /// <summary>appsettings.json in the working folder (optional), then environment variables.</summary>
    public static IConfiguration DefaultConfiguration() => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
        .AddEnvironmentVariables()
        .Build();

    /// <param name="needsBroker">False for commands that only read storage (results).</param>
    /// <exception cref="InvalidOperationException">A setting is missing or wrong; the message lists each.</exception>
    public static BatchSettings Load(IConfiguration configuration, bool needsBroker = true)
    {
        var rabbit = configuration.GetSection(RabbitMqOptions.Section).Get<RabbitMqOptions>() ?? new RabbitMqOptions();
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var worker = configuration.GetSection(WorkerOptions.Section).Get<WorkerOptions>() ?? new WorkerOptions();
        var errors = new List<string>();
        if (needsBroker && new RabbitMqOptionsValidator().Validate(null, rabbit) is { Failed: true } r)
            errors.AddRange(r.Failures);
        if (new StorageOptionsValidator().Validate(null, storage) is { Failed: true } s)
            errors.AddRange(s.Failures);
        if (errors.Count > 0)
            throw new InvalidOperationException("settings (environment RabbitMq__*, Storage__* or appsettings.json): " + string.Join("; ", errors));
        return new BatchSettings(rabbit, storage, worker.Queue);
    }
}
