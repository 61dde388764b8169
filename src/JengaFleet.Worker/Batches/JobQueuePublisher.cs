using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using JengaFleet.Contracts;
using JengaFleet.Worker.Configuration;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace JengaFleet.Worker.Batches;

/// <summary>
/// Sends <see cref="GenerateVideo"/> commands to a worker queue with publisher confirms: a send returns only when the
/// broker has taken the message (persistent, into a durable queue). The body is MassTransit's JSON envelope, what the
/// workers' consumer reads. Messages go through the default exchange straight to the queue, <c>mandatory</c>, so one
/// that reaches no queue fails instead of vanishing.
/// </summary>
public sealed class JobQueuePublisher : IAsyncDisposable
{
    private const string EnvelopeContentType = "application/vnd.masstransit+json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private JobQueuePublisher(IConnection connection, IChannel channel, string queue)
    {
        _connection = connection;
        _channel = channel;
        Queue = queue;
    }

    public string Queue { get; }

    /// <summary>
    /// Connects and makes sure the queue exists. A missing queue is declared as the workers declare it (durable, with the
    /// same <c>x-consumer-timeout</c> from <see cref="RabbitMqOptions.ConsumerTimeout"/>), so workers started later accept it.
    /// </summary>
    public static async Task<JobQueuePublisher> ConnectAsync(RabbitMqOptions options, string queue, int maxInFlight, CancellationToken cancellationToken)
    {
        var uri = options.Uri ?? throw new InvalidOperationException("RabbitMq:Uri is required (amqp://user:password@host:5672/vhost)");
        var connection = await new ConnectionFactory { Uri = uri, ClientProvidedName = "jenga-enqueue" }.CreateConnectionAsync(cancellationToken);
        try
        {
            await using (var probe = await connection.CreateChannelAsync(cancellationToken: cancellationToken))
            {
                try
                {
                    await probe.QueueDeclarePassiveAsync(queue, cancellationToken);
                }
                catch (OperationInterruptedException)
                {
                    // The passive declare closed that channel; declare on a fresh one.
                    await using var declare = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
                    await declare.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: WorkerQueueArguments(options), cancellationToken: cancellationToken);
                }
            }

            var channelOptions = new CreateChannelOptions(
                publisherConfirmationsEnabled: true,
                publisherConfirmationTrackingEnabled: true,
                outstandingPublisherConfirmationsRateLimiter: new ThrottlingRateLimiter(maxInFlight));
            var channel = await connection.CreateChannelAsync(channelOptions, cancellationToken);
            return new JobQueuePublisher(connection, channel, queue);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The queue arguments MassTransit gives the worker's receive endpoint.</summary>
    internal static Dictionary<string, object?>? WorkerQueueArguments(RabbitMqOptions options) =>
        options.ConsumerTimeout is { } t && t > TimeSpan.Zero
            ? new Dictionary<string, object?> { ["x-consumer-timeout"] = (long)Math.Round(t.TotalMilliseconds) }
            : null;

    /// <summary>Sends one job and waits for the broker's confirm; safe to call concurrently.</summary>
    /// <exception cref="PublishException">The broker refused the message or could route it nowhere.</exception>
    public async Task SendAsync(GenerateVideo job, CancellationToken cancellationToken)
    {
        var messageId = MessageId(job.JobId);
        var envelope = new Envelope(
            messageId.ToString(),
            ["urn:message:JengaFleet.Contracts:GenerateVideo"],
            $"rabbitmq://{_connection.Endpoint.HostName}/{Queue}",
            job.SubmittedAt,
            job);
        var body = JsonSerializer.SerializeToUtf8Bytes(envelope, Json);
        var properties = new BasicProperties
        {
            ContentType = EnvelopeContentType,
            DeliveryMode = DeliveryModes.Persistent,
            MessageId = messageId.ToString(),
        };
        await _channel.BasicPublishAsync("", Queue, mandatory: true, properties, body, cancellationToken);
    }

    /// <summary>Ready messages in the queue (all batches) and its consumers (one per worker, each taking one job at a time).</summary>
    public async Task<(uint Messages, uint Consumers)> CountAsync(CancellationToken cancellationToken)
    {
        await using var channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var ok = await channel.QueueDeclarePassiveAsync(Queue, cancellationToken);
        return (ok.MessageCount, ok.ConsumerCount);
    }

    /// <summary>The same job always gets the same message id (a name-based GUID of its job id): duplicates are recognisable in the broker.</summary>
    public static Guid MessageId(string jobId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("jenga-job:" + jobId));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5-style layout
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16));
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.CloseAsync();
        _channel.Dispose();
        await _connection.CloseAsync();
        _connection.Dispose();
    }

    private sealed record Envelope(string MessageId, string[] MessageType, string DestinationAddress, DateTimeOffset SentTime, GenerateVideo Message);
}
