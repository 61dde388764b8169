using JengaFleet.Worker.Configuration;
using Microsoft.Extensions.Logging;

namespace JengaFleet.Worker.Storage;

/// <summary>
/// Retries one storage operation with exponential backoff and jitter while it throws
/// <see cref="StorageUnavailableException"/>: delay_n = min(base * 2^n, max) * (0.5 .. 1.0).
/// </summary>
public sealed class StorageRetry(StorageOptions options, ILogger<StorageRetry> logger)
{
    public async Task<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await action(cancellationToken);
            }
            catch (StorageUnavailableException e) when (attempt < options.RetryAttempts)
            {
                var delay = DelayBefore(attempt);
                logger.LogWarning("Storage {Operation} failed (attempt {Attempt} of {Attempts}), retrying in {DelaySeconds:F1} s: {Error}",
                    operation, attempt, options.RetryAttempts, delay.TotalSeconds, e.Message);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    public Task RunAsync(string operation, Func<CancellationToken, Task> action, CancellationToken cancellationToken) =>
        RunAsync(operation, async ct =>
        {
            await action(ct);
            return true;
        }, cancellationToken);

    private TimeSpan DelayBefore(int attempt)
    {
        var exponential = options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        var capped = Math.Min(exponential, options.RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + 0.5 * Random.Shared.NextDouble()));
    }
}
