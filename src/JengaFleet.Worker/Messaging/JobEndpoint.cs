using JengaFleet.Worker.Engines;
using JengaFleet.Worker.Jobs;
using MassTransit;
using MassTransit.Middleware;

namespace JengaFleet.Worker.Messaging;

/// <summary>The job queue's endpoint, the same on every transport: prefetch and concurrency = worker slots (1 in production).</summary>
public static class JobEndpoint
{
    public static void Configure(IBusRegistrationContext context, IReceiveEndpointConfigurator endpoint, WorkerSlots slots)
    {
        // One message in flight per engine: a second prefetched message would wait unacknowledged for a whole job.
        endpoint.PrefetchCount = slots.All.Count;
        endpoint.ConcurrentMessageLimit = slots.All.Count;
        // Jobs are sent to this queue, not published: a queue per model must not receive every model's jobs.
        endpoint.ConfigureConsumeTopology = false;
        endpoint.ConfigureError(error =>
        {
            error.UseFilter(new HandBackInterruptedJobsFilter());
            error.UseFilter(new ReportMalformedMessagesFilter(context));
            error.UseFilter(new GenerateFaultFilter());
            error.UseFilter(new ErrorTransportFilter());
        });
        endpoint.ConfigureConsumer<GenerateVideoConsumer>(context);
    }
}
