using JengaFleet.Contracts;
using JengaFleet.Worker.Engines;
using MassTransit;

namespace JengaFleet.Worker.Jobs;

/// <summary>The MassTransit side of a job: take a free worker slot, run the job, give the slot back.</summary>
public sealed class GenerateVideoConsumer(WorkerSlots slots, JobProcessor processor) : IConsumer<GenerateVideo>
{
    public async Task Consume(ConsumeContext<GenerateVideo> context)
    {
        WorkerSlot slot;
        try
        {
            slot = await slots.AcquireAsync(context.CancellationToken);
        }
        catch (OperationCanceledException e) when (context.CancellationToken.IsCancellationRequested)
        {
            throw new JobInterruptedException(context.Message.JobId, e);
        }

        try
        {
            await processor.ProcessAsync(context.Message, slot, context, context.CancellationToken);
        }
        finally
        {
            slots.Release(slot);
        }
    }
}
