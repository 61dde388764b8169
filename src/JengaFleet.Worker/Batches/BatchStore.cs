using System.Text;
using JengaFleet.Contracts;
using JengaFleet.Worker.Storage;

namespace JengaFleet.Worker.Batches;

/// <summary>Reads and writes a batch's own objects (<c>batch.json</c>, <c>manifest.jsonl</c>) and its jobs' result records.</summary>
public sealed class BatchStore(IObjectStore store, StorageRetry retry)
{
    private const string Json = "application/json";
    private const string JsonLines = "application/x-ndjson";

    public IObjectStore Objects => store;

    public async Task<BatchInfo?> ReadInfoAsync(BatchKeys batch, CancellationToken cancellationToken)
    {
        var bytes = await retry.RunAsync("read batch.json", ct => store.GetBytesAsync(batch.Info, ct), cancellationToken);
        return bytes is null ? null : ContractJson.Deserialize<BatchInfo>(bytes);
    }

    public Task WriteInfoAsync(BatchKeys batch, BatchInfo info, CancellationToken cancellationToken) =>
        PutAsync(batch.Info, ContractJson.SerializeToUtf8(info), Json, cancellationToken);

    public Task WriteManifestAsync(BatchKeys batch, byte[] manifest, CancellationToken cancellationToken) =>
        PutAsync(batch.Manifest, manifest, JsonLines, cancellationToken);

    /// <summary>The batch's jobs in line order.</summary>
    /// <exception cref="BatchNotFoundException">The batch has no manifest.</exception>
    public async Task<IReadOnlyList<BatchJob>> ReadManifestAsync(BatchKeys batch, CancellationToken cancellationToken)
    {
        var bytes = await retry.RunAsync("read manifest", ct => store.GetBytesAsync(batch.Manifest, ct), cancellationToken)
            ?? throw new BatchNotFoundException(batch.BatchId);
        var jobs = new List<BatchJob>();
        foreach (var line in Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            jobs.Add(ContractJson.Deserialize<BatchJob>(line));
        return jobs;
    }

    /// <summary>One JSON object per line, compact: the same jobs always give the same bytes.</summary>
    public static byte[] ManifestBytes(IEnumerable<BatchJob> jobs)
    {
        var text = new StringBuilder();
        foreach (var job in jobs)
            text.Append(System.Text.Json.JsonSerializer.Serialize(job, CompactJson)).Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Job ids that have a result record now (one listing of the batch's output prefix).</summary>
    public async Task<HashSet<string>> JobsWithRecordsAsync(BatchKeys batch, CancellationToken cancellationToken)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var key in store.ListKeysAsync(batch.OutputPrefix, cancellationToken))
        {
            if (key.EndsWith("/result.json", StringComparison.Ordinal))
                done.Add(key[batch.OutputPrefix.Length..^"/result.json".Length]);
        }

        return done;
    }

    /// <summary>A result record, or null when it is missing or unreadable (a worker rewrites an unreadable one).</summary>
    public async Task<VideoResultRecord?> ReadRecordAsync(string key, CancellationToken cancellationToken)
    {
        var bytes = await retry.RunAsync("read result record", ct => store.GetBytesAsync(key, ct), cancellationToken);
        if (bytes is null)
            return null;
        try
        {
            return ContractJson.Deserialize<VideoResultRecord>(bytes);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static readonly System.Text.Json.JsonSerializerOptions CompactJson = new(ContractJson.Options) { WriteIndented = false };

    private Task PutAsync(string key, byte[] bytes, string contentType, CancellationToken cancellationToken)
    {
        var metadata = new Dictionary<string, string> { [ObjectMetadata.Sha256] = Sha256Hex.Of(bytes) };
        return retry.RunAsync($"write {key}", ct => store.PutBytesAsync(key, bytes, contentType, metadata, ct), cancellationToken);
    }
}
