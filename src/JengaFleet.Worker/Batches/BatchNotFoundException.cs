namespace JengaFleet.Worker.Batches;

/// <summary>No <c>batch.json</c> / <c>manifest.jsonl</c> under the batch id.</summary>
public sealed class BatchNotFoundException(string batchId)
    : Exception($"batch '{batchId}' not found: no {new BatchKeys(batchId).Info} in storage (was it enqueued with the same Storage__* settings?)");
