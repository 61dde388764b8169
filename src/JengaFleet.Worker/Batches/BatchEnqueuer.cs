using JengaFleet.Worker.Configuration;
using JengaFleet.Worker.Storage;

namespace JengaFleet.Worker.Batches;

/// <summary>
/// <c>jenga enqueue</c>: reads and checks every line first; refuses the whole file on any bad line unless told to skip
/// them; writes the manifest and <c>batch.json</c>; sends the jobs with publisher confirms; marks the batch enqueued.
/// Enqueueing the same file under the same batch id again sends nothing once the first enqueue finished, and after an
/// interrupted one sends only the jobs without a result record; other jobs under a taken id are refused.
/// </summary>
public sealed class BatchEnqueuer(BatchStore store, RabbitMqOptions rabbit, TimeProvider time)
{
    public async Task<EnqueueResult> EnqueueAsync(EnqueueRequest request, IProgress<(int Sent, int Total)>? progress, CancellationToken cancellationToken)
    {
        var batchId = request.BatchId ?? BatchKeys.NewBatchId(time.GetUtcNow());
        if (!BatchKeys.IsValidBatchId(batchId))
            throw new ArgumentException($"batch id '{batchId}' must be 1-{BatchKeys.MaxBatchIdLength} characters of letters, digits, '.', '_' or '-', starting with a letter or digit");
        var batch = new BatchKeys(batchId);
        var file = BatchFileReader.Read(request.Path, request.Defaults, batch);
        if ((!file.IsValid && !request.SkipInvalid) || file.Jobs.Count == 0)
            return new EnqueueResult(batchId, request.Queue, file.Jobs.Count, file.Errors, true, 0, 0, 0, TimeSpan.Zero);

        var manifest = BatchStore.ManifestBytes(file.Jobs);
        var manifestSha = Sha256Hex.Of(manifest);
        var toSend = file.Jobs;
        var alreadyDone = 0;
        var existing = await store.ReadInfoAsync(batch, cancellationToken);
        BatchInfo info;
        if (existing is not null)
        {
            if (existing.ManifestSha256 != manifestSha)
                throw new BatchConflictException($"batch '{batchId}' already exists with other jobs ({existing.Jobs} jobs from {existing.Source}); the same id needs the same file and the same defaults. Use another --batch-id.");
            if (!string.Equals(existing.Queue, request.Queue, StringComparison.Ordinal))
                throw new BatchConflictException($"batch '{batchId}' was enqueued to queue '{existing.Queue}', not '{request.Queue}'");
            if (existing.EnqueuedAt is not null && !request.Resend)
                return new EnqueueResult(batchId, request.Queue, file.Jobs.Count, file.Errors, false, 0, 0, file.Jobs.Count, TimeSpan.Zero);

            // An earlier enqueue stopped part-way (or --resend): send what has no result yet.
            var done = await store.JobsWithRecordsAsync(batch, cancellationToken);
            toSend = [.. file.Jobs.Where(j => !done.Contains(j.JobId))];
            alreadyDone = file.Jobs.Count - toSend.Count;
            info = existing;
        }
        else
        {
            info = new BatchInfo
            {
                BatchId = batchId,
                Queue = request.Queue,
                OutputPrefix = batch.OutputPrefix,
                Source = Path.GetFileName(request.Path),
                Jobs = file.Jobs.Count,
                SkippedLines = file.Errors.Count,
                ManifestSha256 = manifestSha,
                CreatedAt = time.GetUtcNow(),
            };

            // Manifest first, then batch.json: a batch.json always has its manifest.
            await store.WriteManifestAsync(batch, manifest, cancellationToken);
            await store.WriteInfoAsync(batch, info, cancellationToken);
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        await using (var publisher = await JobQueuePublisher.ConnectAsync(rabbit, request.Queue, request.MaxInFlight, cancellationToken))
        {
            var submittedAt = time.GetUtcNow();
            var sent = 0;
            progress?.Report((0, toSend.Count));
            foreach (var window in toSend.Chunk(request.MaxInFlight))
            {
                await Task.WhenAll(window.Select(job => publisher.SendAsync(job.ToMessage(batchId, batch.OutputPrefix, submittedAt), cancellationToken)));
                sent += window.Length;
                progress?.Report((sent, toSend.Count));
            }
        }

        watch.Stop();
        await store.WriteInfoAsync(batch, info with { EnqueuedAt = info.EnqueuedAt ?? time.GetUtcNow() }, cancellationToken);
        return new EnqueueResult(batchId, request.Queue, file.Jobs.Count, file.Errors, false, toSend.Count, alreadyDone, 0, watch.Elapsed);
    }
}
