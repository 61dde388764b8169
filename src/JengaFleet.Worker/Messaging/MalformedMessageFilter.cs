using System.Text.Json;
using System.Text.Json.Nodes;
using JengaFleet.Contracts;
using JengaFleet.Worker.Engines;
using JengaFleet.Worker.Jobs;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace JengaFleet.Worker.Messaging;

/// <summary>
/// Catches a GenerateVideo message whose body does not deserialize (wrong JSON types, null message): reports it
/// as a failed job with reason <c>malformed_message</c> (event, and a result record when its job id is usable),
/// then fails it so that the transport keeps it in the error queue. Without this the requester would hear nothing.
/// </summary>
internal sealed class MalformedMessageFilter(IServiceProvider services) : IFilter<ConsumeContext>
{
    public async Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        if (context.HasMessageType(typeof(GenerateVideo)))
        {
            string? problem = null;
            Exception? error = null;
            try
            {
                if (!context.TryGetMessage<GenerateVideo>(out var message) || message.Message is null)
                    problem = "the message body is empty or not a GenerateVideo object";
            }
            catch (Exception e) when (e is JsonException or NotSupportedException or FormatException or InvalidOperationException or ArgumentException)
            {
                error = e;
                problem = $"the message body does not match GenerateVideo: {e.Message}";
            }

            if (problem is not null)
            {
                var fields = ReadableFields(context);
                var slots = services.GetRequiredService<WorkerSlots>();
                var processor = services.GetRequiredService<JobProcessor>();
                await processor.ReportMalformedAsync(fields.JobId, fields.BatchId, fields.OutputPrefix, context.MessageId?.ToString() ?? "unknown",
                    problem, slots.All[0], context, context.CancellationToken);
                throw new MalformedMessageException(problem, error);
            }
        }

        await next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("jengaMalformedMessages");

    /// <summary>The string fields that can still be read from a broken message body.</summary>
    private static (string? JobId, string? BatchId, string? OutputPrefix) ReadableFields(ConsumeContext context)
    {
        try
        {
            if (context.TryGetMessage<JsonObject>(out var raw) && raw.Message is { } obj)
                return (Text(obj, "jobId"), Text(obj, "batchId"), Text(obj, "outputPrefix"));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException)
        {
            // nothing readable
        }

        return (null, null, null);
    }

    private static string? Text(JsonObject obj, string name)
    {
        foreach (var (key, value) in obj)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase) && value is JsonValue v && v.TryGetValue<string>(out var s))
                return s;
        }

        return null;
    }
}
