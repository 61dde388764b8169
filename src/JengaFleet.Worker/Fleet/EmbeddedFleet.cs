using System.Collections.Concurrent;
using System.Diagnostics;
using JengaFleet.Contracts;
using JengaFleet.Worker.Configuration;
using JengaFleet.Worker.Engines;
using JengaFleet.Worker.Jobs;
using JengaFleet.Worker.Messaging;
using JengaFleet.Worker.Storage;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JengaFleet.Worker.Fleet;

/// <summary>
/// The whole fleet in one process with no external service (<c>jenga demo</c>): the production worker code
/// (consumer, job processor, metrics) with an in-memory MassTransit bus instead of RabbitMQ and a local folder
/// instead of S3, N worker slots each with its own engine. Enqueues the prompts, waits for every job's event and
/// summarises per-stage latency.
/// </summary>
public static class EmbeddedFleet
{
    public const string Queue = "jenga-generate";
    public const string OutputPrefix = "demo/";

    public static async Task<EmbeddedFleetReport> RunAsync(EmbeddedFleetOptions options, ILoggerFactory? loggers = null, CancellationToken cancellationToken = default)
    {
        if (options.Workers < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.Workers, "need at least one worker");
        if (options.Prompts.Count == 0)
            throw new ArgumentException("need at least one prompt", nameof(options));

        var root = Path.GetFullPath(options.OutputFolder);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Model:Name"] = options.Model,
            ["Model:WeightsPath"] = options.WeightsPath,
            ["Worker:Device"] = options.Device,
            ["Storage:Provider"] = nameof(StorageProvider.Folder),
            ["Storage:Folder"] = root,
            ["Worker:Name"] = "demo",
            ["Worker:Queue"] = Queue,
            ["Worker:WorkDirectory"] = Path.Combine(root, ".work"),
        });
        if (loggers is not null)
            builder.Services.AddSingleton(loggers);
        else
            builder.Logging.ClearProviders();

        var events = new ConcurrentDictionary<string, TaskCompletionSource<object>>();
        foreach (var i in Enumerable.Range(0, options.Prompts.Count))
            events[JobId(i)] = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);

        builder.Services.AddJengaWorkerCore(builder.Configuration, sp =>
        {
            var model = sp.GetRequiredService<IOptions<ModelOptions>>().Value;
            var worker = sp.GetRequiredService<IOptions<WorkerOptions>>().Value;
            var factory = sp.GetRequiredService<ILoggerFactory>();
            return Enumerable.Range(1, options.Workers)
                .Select(i => new WorkerSlot($"demo-worker-{i}", EngineCatalog.Create(model, worker, factory)))
                .ToList();
        });
        builder.Services.AddMassTransit(bus =>
        {
            bus.AddConsumer<GenerateVideoConsumer>();
            bus.UsingInMemory((context, cfg) =>
            {
                cfg.ReceiveEndpoint(Queue, e => JobEndpoint.Configure(context, e, context.GetRequiredService<WorkerSlots>()));
                cfg.ReceiveEndpoint("jenga-demo-events", e =>
                {
                    e.Handler<VideoGenerated>(c => Complete(events, c.Message.JobId, c.Message));
                    e.Handler<VideoGenerationFailed>(c => Complete(events, c.Message.JobId, c.Message));
                });
            });
        });

        using var host = builder.Build();
        var watch = Stopwatch.StartNew();
        await host.StartAsync(cancellationToken);
        try
        {
            var slots = host.Services.GetRequiredService<WorkerSlots>();
            var send = await host.Services.GetRequiredService<ISendEndpointProvider>().GetSendEndpoint(new Uri($"queue:{Queue}"));
            for (var i = 0; i < options.Prompts.Count; i++)
            {
                await send.Send(new GenerateVideo
                {
                    JobId = JobId(i),
                    BatchId = "demo",
                    Prompt = options.Prompts[i],
                    Model = options.Model,
                    Preset = options.Preset,
                    Width = options.Width,
                    Height = options.Height,
                    Frames = options.Frames,
                    Steps = options.Steps,
                    Seed = options.FirstSeed + i,
                    Guidance = options.Guidance,
                    OutputPrefix = OutputPrefix,
                    SubmittedAt = DateTimeOffset.UtcNow,
                }, cancellationToken);
            }

            var all = Task.WhenAll(events.Values.Select(t => t.Task));
            await all.WaitAsync(options.Timeout, cancellationToken);
            var store = (LocalFolderObjectStore)host.Services.GetRequiredService<IObjectStore>();
            return Report(options, events, store, watch.Elapsed, slots);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static string JobId(int index) => $"demo-{index + 1:D3}";

    private static Task Complete(ConcurrentDictionary<string, TaskCompletionSource<object>> events, string jobId, object message)
    {
        if (events.TryGetValue(jobId, out var done))
            done.TrySetResult(message);
        return Task.CompletedTask;
    }

    private static EmbeddedFleetReport Report(EmbeddedFleetOptions options, ConcurrentDictionary<string, TaskCompletionSource<object>> events,
        LocalFolderObjectStore store, TimeSpan elapsed, WorkerSlots slots)
    {
        var jobs = new List<EmbeddedFleetJob>();
        var timings = new List<StageTiming>();
        for (var i = 0; i < options.Prompts.Count; i++)
        {
            var keys = new JobKeys(OutputPrefix, JobId(i));
            switch (events[JobId(i)].Task.Result)
            {
                case VideoGenerated ok:
                    jobs.Add(new EmbeddedFleetJob(ok.JobId, options.Prompts[i], true, store.PathOf(ok.Video.Key), store.PathOf(ok.Record.Key), null, ok.Worker));
                    timings.AddRange(ok.Timings);
                    break;
                case VideoGenerationFailed failed:
                    jobs.Add(new EmbeddedFleetJob(failed.JobId, options.Prompts[i], false, null, store.PathOf(keys.Record), $"{ReasonCodes.Name(failed.Reason)}: {failed.Message}", failed.Worker));
                    break;
            }
        }

        var stages = timings.GroupBy(t => t.Stage)
            .Select(g =>
            {
                var s = g.Select(t => t.Seconds).Order().ToArray();
                return new StageLatency(g.Key, s.Length, s.Average(), Percentile(s, 0.5), Percentile(s, 0.95), s[^1]);
            })
            .OrderBy(s => StageOrder(s.Stage))
            .ToList();
        var engine = slots.All[0].Engine.Info;
        return new EmbeddedFleetReport(jobs, stages, elapsed, engine.Description, engine.IsPlaceholder, slots.All.Count);
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static double Percentile(double[] sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string StageOrder(string stage) => stage switch
    {
        "text_encode" => "0",
        "vae_decode" => "2",
        "video_encode" => "3",
        "upload" => "4",
        _ => "1" + stage,
    };
}
