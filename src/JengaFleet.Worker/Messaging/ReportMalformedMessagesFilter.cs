using System.Text.Json;
using JengaFleet.Worker.Engines;
using JengaFleet.Worker.Jobs;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace JengaFleet.Worker.Messaging;

/// <summary>
/// In the error pipe: a message on the job queue whose body cannot be read (not JSON, or a GenerateVideo with wrong
/// JSON types) is reported as a failed job with reason <c>malformed_message</c> — event, and a failed result record
/// when its job id is readable — before the default handling keeps it in the error queue. Without this the
/// requester would hear nothing.
/// </summary>
internal sealed class ReportMalformedMessagesFilter(IServiceProvider services) : IFilter<ExceptionReceiveContext>
{
    public async Task Send(ExceptionReceiveContext context, IPipe<ExceptionReceiveContext> next)
    {
        if (IsUnreadableBody(context.Exception))
        {
            var fields = ReadableFields(context.GetBody());
            var messageId = fields.MessageId ?? context.TransportHeaders.Get<string>("message-id") ?? NewId.NextGuid().ToString();
            var slots = services.GetRequiredService<WorkerSlots>();
            var processor = services.GetRequiredService<JobProcessor>();
            var bus = services.GetRequiredService<IBus>();
            await processor.ReportMalformedAsync(fields.JobId, fields.BatchId, fields.OutputPrefix, messageId,
                $"the message cannot be read as a GenerateVideo: {context.Exception.GetBaseException().Message}", slots.All[0], bus, context.CancellationToken);
        }

        await next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("jengaReportMalformedMessages");

    /// <summary>A failure to read the body: JSON that does not parse or does not fit the contract's types.</summary>
    private static bool IsUnreadableBody(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is JsonException or System.Runtime.Serialization.SerializationException)
                return true;
            if (e is InvalidOperationException or FormatException or NotSupportedException && e.Source == "System.Text.Json")
                return true;
        }

        return false;
    }

    /// <summary>What can still be read from a broken body: the envelope's message id and the message's string fields.</summary>
    private static (string? MessageId, string? JobId, string? BatchId, string? OutputPrefix) ReadableFields(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return (null, null, null, null);
            var message = Property(root, "message") is { ValueKind: JsonValueKind.Object } m ? m : root;
            return (Text(root, "messageId"), Text(message, "jobId"), Text(message, "batchId"), Text(message, "outputPrefix"));
        }
        catch (JsonException)
        {
            return (null, null, null, null);
        }
    }

    private static JsonElement? Property(JsonElement obj, string name)
    {
        foreach (var p in obj.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                return p.Value;
        }

        return null;
    }

    private static string? Text(JsonElement obj, string name) => Property(obj, name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;
}
