using System.Collections.Concurrent;
using System.Text;
using JengaFleet.Contracts;
using MassTransit;
using RabbitMQ.Client;

namespace JengaFleet.Worker.Tests.Infrastructure;

/// <summary>
/// The requester's side, against the real broker: sends jobs to a queue, hears every VideoGenerated and
/// VideoGenerationFailed event (its own temporary queue bound to the event exchanges), publishes raw bodies and
/// reads queues directly through RabbitMQ.Client.
/// </summary>
public sealed class FleetClient : IAsyncDisposable
{
    private readonly IBusControl _bus;
    private readonly IConnection _connection;

    private FleetClient(IBusControl bus, IConnection connection, ConcurrentQueue<VideoGenerated> generated, ConcurrentQueue<VideoGenerationFailed> failed)
    {
        _bus = bus;
        _connection = connection;
        Generated = generated;
        Failed = failed;
    }

    public ConcurrentQueue<VideoGenerated> Generated { get; }

    public ConcurrentQueue<VideoGenerationFailed> Failed { get; }

    public static async Task<FleetClient> StartAsync()
    {
        var uri = TestServices.RabbitMqUri;
        var generated = new ConcurrentQueue<VideoGenerated>();
        var failed = new ConcurrentQueue<VideoGenerationFailed>();
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(uri);
            cfg.ReceiveEndpoint($"jenga-test-events-{Guid.NewGuid():N}", e =>
            {
                e.AutoDelete = true;
                e.Durable = false;
                e.Handler<VideoGenerated>(c =>
                {
                    generated.Enqueue(c.Message);
                    return Task.CompletedTask;
                });
                e.Handler<VideoGenerationFailed>(c =>
                {
                    failed.Enqueue(c.Message);
                    return Task.CompletedTask;
                });
            });
        });
        await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        var connection = await new ConnectionFactory { Uri = uri }.CreateConnectionAsync();
        return new FleetClient(bus, connection, generated, failed);
    }

    public static string NewQueue() => $"jenga-test-{Guid.NewGuid():N}"[..24];

    public async Task SendAsync(string queue, GenerateVideo job)
    {
        var endpoint = await _bus.GetSendEndpoint(new Uri($"queue:{queue}"));
        await endpoint.Send(job);
    }

    /// <summary>Sends a body as it is, in MassTransit's JSON envelope format or not at all.</summary>
    public async Task SendRawAsync(string queue, string body, string contentType = "application/vnd.masstransit+json")
    {
        await using var channel = await _connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: null, passive: true);
        var properties = new BasicProperties { ContentType = contentType, Persistent = true, MessageId = Guid.NewGuid().ToString() };
        await channel.BasicPublishAsync("", queue, mandatory: true, properties, Encoding.UTF8.GetBytes(body));
    }

    /// <summary>A MassTransit envelope around a GenerateVideo body given as JSON text.</summary>
    public static string Envelope(string messageJson) =>
        $$"""{"messageId":"{{Guid.NewGuid()}}","messageType":["urn:message:JengaFleet.Contracts:GenerateVideo"],"message":{{messageJson}}}""";

    public async Task<uint> MessageCountAsync(string queue)
    {
        await using var channel = await _connection.CreateChannelAsync();
        try
        {
            var ok = await channel.QueueDeclarePassiveAsync(queue);
            return ok.MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return 0; // the queue does not exist
        }
    }

    /// <summary>Takes every message out of a queue (for the error queue's content and headers).</summary>
    public async Task<List<BasicGetResult>> DrainAsync(string queue)
    {
        var all = new List<BasicGetResult>();
        await using var channel = await _connection.CreateChannelAsync();
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
            all.Add(message);
        return all;
    }

    public async Task WaitForAsync(Func<FleetClient, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(this))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"waited {timeout} for {what}; have {Generated.Count} generated, {Failed.Count} failed events: {string.Join(", ", Failed.Select(f => $"{f.JobId}:{f.Reason}:{f.Message}"))}");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _bus.StopAsync();
        await _connection.CloseAsync();
        _connection.Dispose();
    }
}
