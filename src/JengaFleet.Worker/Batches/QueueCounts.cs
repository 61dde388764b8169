using JengaFleet.Worker.Configuration;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace JengaFleet.Worker.Batches;

/// <summary>What the broker says about a worker queue: ready messages, consumers (workers) and messages in its error queue; all across every batch.</summary>
public sealed record QueueCounts(uint Ready, uint Consumers, uint ErrorQueue)
{
    public static async Task<QueueCounts> ReadAsync(RabbitMqOptions options, string queue, CancellationToken cancellationToken)
    {
        var uri = options.Uri ?? throw new InvalidOperationException("RabbitMq:Uri is required");
        await using var connection = await new ConnectionFactory { Uri = uri, ClientProvidedName = "jenga-status" }.CreateConnectionAsync(cancellationToken);
        var main = await PassiveAsync(connection, queue, cancellationToken);
        var error = await PassiveAsync(connection, queue + "_error", cancellationToken);
        await connection.CloseAsync(cancellationToken);
        return new QueueCounts(main.Messages, main.Consumers, error.Messages);
    }

    private static async Task<(uint Messages, uint Consumers)> PassiveAsync(IConnection connection, string queue, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            var ok = await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
            return (ok.MessageCount, ok.ConsumerCount);
        }
        catch (OperationInterruptedException)
        {
            return (0, 0); // no such queue
        }
    }
}
