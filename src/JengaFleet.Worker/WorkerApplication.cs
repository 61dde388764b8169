using JengaFleet.Worker.Configuration;
using JengaFleet.Worker.Engines;
using JengaFleet.Worker.Health;
using JengaFleet.Worker.Messaging;
using JengaFleet.Worker.Metrics;
using JengaFleet.Worker.Storage;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace JengaFleet.Worker;

/// <summary>
/// The production worker: an ASP.NET Core host with the RabbitMQ consumer, <c>/metrics</c> (Prometheus),
/// <c>/healthz</c> (alive) and <c>/readyz</c> (model loaded and bus connected).
/// </summary>
public static class WorkerApplication
{
    public const int DefaultHttpPort = 8080;

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
            builder.WebHost.UseUrls($"http://0.0.0.0:{DefaultHttpPort}");

        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddJengaWorkerCore(configuration);
        services.AddOptions<RabbitMqOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<RabbitMqOptions>, RabbitMqOptionsValidator>();

        var worker = configuration.GetSection(WorkerOptions.Section).Get<WorkerOptions>() ?? new WorkerOptions();
        var grace = worker.ShutdownGracePeriod;
        services.Configure<HostOptions>(o => o.ShutdownTimeout = grace + TimeSpan.FromSeconds(30));
        services.AddOptions<MassTransitHostOptions>().Configure(o =>
        {
            o.WaitUntilStarted = false; // readiness tells when the bus is connected; /healthz answers meanwhile
            o.ConsumerStopTimeout = grace;
            o.StopTimeout = grace + TimeSpan.FromSeconds(15);
        });
        services.AddMassTransit(bus =>
        {
            bus.AddConsumer<Jobs.GenerateVideoConsumer>();
            bus.UsingRabbitMq((context, cfg) =>
            {
                var rabbit = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                var options = context.GetRequiredService<IOptions<WorkerOptions>>().Value;
                var uri = rabbit.Uri ?? throw new InvalidOperationException("RabbitMq:Uri is required");
                var (user, password) = Credentials(uri);
                cfg.Host(new UriBuilder(uri) { UserName = "", Password = "" }.Uri, h =>
                {
                    if (user is not null)
                        h.Username(user);
                    if (password is not null)
                        h.Password(password);
                });
                cfg.ReceiveEndpoint(options.Queue, endpoint =>
                {
                    if (rabbit.ConsumerTimeout is { } timeout && timeout > TimeSpan.Zero)
                        endpoint.SetDeliveryAcknowledgementTimeout(TimeSpan.FromMilliseconds(Math.Round(timeout.TotalMilliseconds)));
                    JobEndpoint.Configure(context, endpoint, context.GetRequiredService<WorkerSlots>());
                });
            });
        });

        services.AddHealthChecks().AddCheck<ModelLoadedHealthCheck>("model", tags: ["ready"]);
        services.AddOpenTelemetry().ConfigureResource(r => r.AddService("jenga-worker", serviceInstanceId: worker.Name)).WithMetrics(metrics => metrics
            .AddMeter(MetricNames.MeterName)
            .AddView(MetricNames.QueueWait, new ExplicitBucketHistogramConfiguration { Boundaries = MetricNames.QueueWaitBuckets })
            .AddView(instrument => instrument.Meter.Name == MetricNames.MeterName && instrument.Unit == "s" && instrument.Name != MetricNames.QueueWait
                ? new ExplicitBucketHistogramConfiguration { Boundaries = MetricNames.DurationBuckets }
                : null)
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));

        var app = builder.Build();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponseWriter.WriteAsync });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthResponseWriter.WriteAsync });
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.Lifetime.ApplicationStarted.Register(() => LogSettings(app.Services));
        return app;
    }

    private static (string? User, string? Password) Credentials(Uri uri)
    {
        if (string.IsNullOrEmpty(uri.UserInfo))
            return (null, null);
        var parts = uri.UserInfo.Split(':', 2);
        return (Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : null);
    }

    /// <summary>One line of the settings in force, secrets left out.</summary>
    private static void LogSettings(IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("JengaFleet.Worker");
        var rabbit = services.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
        var storage = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var worker = services.GetRequiredService<IOptions<WorkerOptions>>().Value;
        var model = services.GetRequiredService<IOptions<ModelOptions>>().Value;
        logger.LogInformation(
            "Worker {Worker} on {Device}: model {Model}, queue {Queue} at {RabbitMqUri}, consumer timeout {ConsumerTimeout}, max job {MaxJobDuration}, grace {ShutdownGracePeriod}; storage {StorageProvider} {StorageServiceUrl} bucket {Bucket} path-style {ForcePathStyle} checksums {RequestChecksum}/{ResponseChecksum}, credentials {Credentials}",
            worker.Name, worker.Device, model.Name, worker.Queue, RabbitMqOptions.Redact(rabbit.Uri), rabbit.ConsumerTimeout?.ToString() ?? "(broker's)",
            worker.MaxJobDuration, worker.ShutdownGracePeriod, storage.Provider, storage.ServiceUrl ?? "(AWS)", storage.Bucket, storage.ForcePathStyle,
            storage.RequestChecksumCalculation, storage.ResponseChecksumValidation, string.IsNullOrEmpty(storage.AccessKey) ? "SDK default chain" : "access key (secret not shown)");
        if (rabbit.ConsumerTimeout is { } t)
            logger.LogInformation("RabbitMQ must not time out a delivery before {ConsumerTimeout}: the queue argument x-consumer-timeout does it on RabbitMQ 3.12+; older brokers need consumer_timeout >= {ConsumerTimeoutMs} in rabbitmq.conf", t, (long)t.TotalMilliseconds);
        _ = services.GetRequiredService<IObjectStore>();
    }
}
