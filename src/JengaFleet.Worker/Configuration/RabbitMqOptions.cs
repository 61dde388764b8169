namespace JengaFleet.Worker.Configuration;

/// <summary>Broker connection (section <c>RabbitMq</c>; environment <c>RabbitMq__Uri</c> …).</summary>
public sealed class RabbitMqOptions
{
    public const string Section = "RabbitMq";

    /// <summary><c>amqp://user:password@host:5672/vhost</c>. The password is never logged.</summary>
    public Uri? Uri { get; set; }

    /// <summary>
    /// Declared as the queue argument <c>x-consumer-timeout</c> (RabbitMQ 3.12 and newer honour it; older brokers
    /// ignore it and use <c>consumer_timeout</c> from rabbitmq.conf, which must then be at least this long).
    /// Must exceed <c>Worker:MaxJobDuration</c> + <c>Worker:ShutdownGracePeriod</c>. Empty: no argument
    /// (use a broker policy instead). Queue arguments cannot change on an existing queue.
    /// </summary>
    public TimeSpan? ConsumerTimeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>The URI with the password replaced, for logs.</summary>
    public static string Redact(Uri? uri)
    {
        if (uri is null)
            return "(not set)";
        var builder = new UriBuilder(uri);
        if (!string.IsNullOrEmpty(builder.Password))
            builder.Password = "***";
        return builder.Uri.ToString();
    }
}
