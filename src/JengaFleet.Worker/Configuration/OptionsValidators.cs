using Microsoft.Extensions.Options;

namespace JengaFleet.Worker.Configuration;

/// <summary>Start-up checks of the settings: the process refuses to start with a list of what is wrong.</summary>
internal sealed class WorkerOptionsValidator(IOptions<RabbitMqOptions> rabbit) : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.Name))
            errors.Add("Worker:Name is empty");
        if (string.IsNullOrWhiteSpace(o.Queue))
            errors.Add("Worker:Queue is empty");
        if (o.ShutdownGracePeriod < TimeSpan.Zero)
            errors.Add("Worker:ShutdownGracePeriod must not be negative");
        if (o.MaxJobDuration <= TimeSpan.Zero)
            errors.Add("Worker:MaxJobDuration must be positive");
        var consumerTimeout = rabbit.Value.ConsumerTimeout;
        if (consumerTimeout is { } t && t > TimeSpan.Zero && t <= o.MaxJobDuration + o.ShutdownGracePeriod)
            errors.Add($"RabbitMq:ConsumerTimeout ({t}) must exceed Worker:MaxJobDuration + Worker:ShutdownGracePeriod ({o.MaxJobDuration + o.ShutdownGracePeriod}), or the broker closes the channel of a running job and it runs twice");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions o)
    {
        var errors = new List<string>();
        if (o.Provider == StorageProvider.Folder)
        {
            if (string.IsNullOrWhiteSpace(o.Folder))
                errors.Add("Storage:Folder is required with Storage:Provider=Folder");
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }

        if (string.IsNullOrWhiteSpace(o.Bucket))
            errors.Add("Storage:Bucket is required");
        if (!string.IsNullOrWhiteSpace(o.ServiceUrl) && !Uri.TryCreate(o.ServiceUrl, UriKind.Absolute, out _))
            errors.Add($"Storage:ServiceUrl '{o.ServiceUrl}' is not an absolute URL");
        if (string.IsNullOrEmpty(o.AccessKey) != string.IsNullOrEmpty(o.SecretKey))
            errors.Add("Storage:AccessKey and Storage:SecretKey go together: set both or neither (neither = the SDK's default credential chain)");
        if (o.MultipartPartSizeBytes < 5L << 20)
            errors.Add("Storage:MultipartPartSizeBytes must be at least 5 MiB (5242880)");
        if (o.MultipartThresholdBytes < o.MultipartPartSizeBytes)
            errors.Add("Storage:MultipartThresholdBytes must be at least Storage:MultipartPartSizeBytes");
        if (o.RetryAttempts < 1)
            errors.Add("Storage:RetryAttempts must be at least 1");
        if (o.RetryBaseDelay < TimeSpan.Zero || o.RetryMaxDelay < o.RetryBaseDelay)
            errors.Add("Storage:RetryBaseDelay must be >= 0 and <= Storage:RetryMaxDelay");
        if (o.RequestTimeout <= TimeSpan.Zero)
            errors.Add("Storage:RequestTimeout must be positive");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal sealed class ModelOptionsValidator : IValidateOptions<ModelOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.Name))
            return ValidateOptionsResult.Fail($"Model:Name is required; known models: {string.Join(", ", Engines.EngineCatalog.KnownModels)}");
        if (!Engines.EngineCatalog.KnownModels.Contains(o.Name, StringComparer.OrdinalIgnoreCase))
            return ValidateOptionsResult.Fail($"Model:Name '{o.Name}' is not known; known models: {string.Join(", ", Engines.EngineCatalog.KnownModels)}");
        if (o.SyntheticStepDelay < TimeSpan.Zero)
            return ValidateOptionsResult.Fail("Model:SyntheticStepDelay must not be negative");
        return ValidateOptionsResult.Success;
    }
}

internal sealed class RabbitMqOptionsValidator : IValidateOptions<RabbitMqOptions>
{
    public ValidateOptionsResult Validate(string? name, RabbitMqOptions o)
    {
        if (o.Uri is null)
            return ValidateOptionsResult.Fail("RabbitMq:Uri is required (amqp://user:password@host:5672/vhost)");
        if (o.Uri.Scheme is not ("amqp" or "amqps" or "rabbitmq" or "rabbitmqs"))
            return ValidateOptionsResult.Fail($"RabbitMq:Uri must be an amqp:// or amqps:// URI, got scheme '{o.Uri.Scheme}'");
        if (o.ConsumerTimeout is { } t && t < TimeSpan.Zero)
            return ValidateOptionsResult.Fail("RabbitMq:ConsumerTimeout must not be negative");
        return ValidateOptionsResult.Success;
    }
}
