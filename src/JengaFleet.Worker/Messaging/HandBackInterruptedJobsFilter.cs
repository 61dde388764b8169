using JengaFleet.Worker.Jobs;
using MassTransit;

namespace JengaFleet.Worker.Messaging;

/// <summary>
/// First filter of the error pipe: a job interrupted by shutdown is not an error. Re-throwing here makes the
/// transport reject the delivery with requeue (RabbitMQ basic.nack), so another worker takes the job; everything
/// else continues to the default error handling (fault event, error queue).
/// </summary>
internal sealed class HandBackInterruptedJobsFilter : IFilter<ExceptionReceiveContext>
{
    public Task Send(ExceptionReceiveContext context, IPipe<ExceptionReceiveContext> next)
    {
        for (var e = context.Exception; e is not null; e = e.InnerException)
        {
            if (e is JobInterruptedException interrupted)
                throw interrupted;
        }

        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("jengaHandBackInterruptedJobs");
}
