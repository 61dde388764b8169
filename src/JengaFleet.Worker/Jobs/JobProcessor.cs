using System.Diagnostics;
using JengaFleet.Contracts;
using JengaFleet.Pipeline.Engine;
using JengaFleet.Worker.Configuration;
using JengaFleet.Worker.Engines;
using JengaFleet.Worker.Metrics;
using JengaFleet.Worker.Storage;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JengaFleet.Worker.Jobs;

/// <summary>
/// One job from message to acknowledgement, independent of the transport: skip if its result record already
/// exists, validate, generate, upload the video, write the result record, publish the event. Validation failures,
/// engine errors and timeouts end in a failed record and event (the message is consumed); storage that stays
/// down through every retry and shutdown are thrown to the transport (error queue, or back to the queue).
/// </summary>
public sealed class JobProcessor(
    IObjectStore store,
    StorageRetry retry,
    WorkerMetrics metrics,
    IOptions<WorkerOptions> workerOptions,
    IOptions<StorageOptions> storageOptions,
    TimeProvider time,
    ILogger<JobProcessor> logger)
{
    private const string Mp4 = "video/mp4";
    private const string Json = "application/json";

    public async Task ProcessAsync(GenerateVideo message, WorkerSlot slot, IPublishEndpoint publish, CancellationToken stopping)
    {
        var startedAt = time.GetUtcNow();
        var watch = Stopwatch.StartNew();
        var labels = JobLabels.For(message, slot);
        var queueWait = message.SubmittedAt == default ? 0 : (startedAt - message.SubmittedAt).TotalSeconds;
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["JobId"] = message.JobId, ["BatchId"] = message.BatchId, ["Worker"] = slot.Name });
        metrics.Started(labels);
        metrics.QueueWait(labels, queueWait);
        var outcome = "failed";
        FailureReason? reason = null;
        try
        {
            (outcome, reason) = await RunAsync(message, slot, labels, startedAt, queueWait, publish, stopping);
        }
        catch (StorageUnavailableException e)
        {
            // Every retry spent: report it, then let the transport move the message to the error queue.
            reason = FailureReason.StorageUnavailable;
            logger.LogError(e, "Job {JobId}: storage stayed unavailable; the message goes to the error queue", message.JobId);
            var failure = new FailureDetails(FailureReason.StorageUnavailable, e.Message, true);
            await PublishFailedAsync(publish, message.JobId, message.BatchId, failure, null, slot, CancellationToken.None);
            throw;
        }
        finally
        {
            metrics.Ended(labels, outcome, reason, watch.Elapsed.TotalSeconds);
        }
    }

    private async Task<(string Outcome, FailureReason? Reason)> RunAsync(
        GenerateVideo message, WorkerSlot slot, JobLabels labels, DateTimeOffset startedAt, double queueWait, IPublishEndpoint publish, CancellationToken stopping)
    {
        var engine = slot.Engine;

        // Checks that decide whether there is anywhere to write a record at all.
        if (JobRequestChecks.CheckAddress(message) is { } addressFailure)
        {
            await PublishFailedAsync(publish, message.JobId, message.BatchId, addressFailure, null, slot, stopping);
            return ("failed", addressFailure.Reason);
        }

        var prefix = JobKeys.NormalizePrefix(message.OutputPrefix)!;
        var keys = new JobKeys(prefix, message.JobId);

        // A redelivered job whose record exists is announced again, never regenerated.
        var existing = await FindExistingAsync(keys, stopping);
        if (existing is not null)
            return await AnnounceExistingAsync(existing, keys, slot, publish, stopping);

        var request = JobRequestChecks.ToRequest(message, engine.Info.Model);
        var rejection = JobRequestChecks.CheckRequest(message, engine.Info.Model, engine.Validate);
        if (rejection is not null)
        {
            logger.LogWarning("Job {JobId} rejected: {Reason}: {Message}", message.JobId, ReasonCodes.Name(rejection.Reason), rejection.Message);
            await FailAsync(message, keys, rejection, [], slot, startedAt, queueWait, publish, stopping);
            return ("failed", rejection.Reason);
        }

        var options = workerOptions.Value;
        Directory.CreateDirectory(options.WorkDirectory);
        var mp4Path = Path.Combine(options.WorkDirectory, $"{message.JobId}-{Guid.NewGuid():N}.mp4");
        try
        {
            logger.LogInformation("Job {JobId} started: {Model} {Preset} {Width}x{Height} {Frames} frames {Steps} steps seed {Seed}, waited {QueueWaitSeconds:F1} s in the queue",
                message.JobId, request.Model, request.Preset, request.Width, request.Height, request.Frames, request.Steps, request.Seed, queueWait);
            GeneratedVideo video;
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping))
            {
                deadline.CancelAfter(options.MaxJobDuration);
                try
                {
                    video = await engine.GenerateAsync(request, mp4Path, new MetricsObserver(metrics, labels), deadline.Token);
                }
                catch (OperationCanceledException e) when (stopping.IsCancellationRequested)
                {
                    logger.LogWarning("Job {JobId} interrupted by shutdown after the grace period; handing its message back", message.JobId);
                    throw new JobInterruptedException(message.JobId, e);
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested)
                {
                    var failure = new FailureDetails(FailureReason.JobTimeout, $"the job ran longer than Worker:MaxJobDuration ({options.MaxJobDuration}) and was stopped", false);
                    logger.LogError("Job {JobId} stopped after {MaxJobDuration}", message.JobId, options.MaxJobDuration);
                    await FailAsync(message, keys, failure, [], slot, startedAt, queueWait, publish, stopping);
                    return ("failed", failure.Reason);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Job {JobId}: the engine failed", message.JobId);
                    var failure = new FailureDetails(FailureReason.EngineError, $"{e.GetType().Name}: {e.Message}", true);
                    await FailAsync(message, keys, failure, [], slot, startedAt, queueWait, publish, stopping);
                    return ("failed", failure.Reason);
                }
            }

            var timings = video.Timings.Select(t => new StageTiming(t.Stage, t.Duration.TotalSeconds)).ToList();
            var upload = Stopwatch.StartNew();
            var stored = await UploadVideoAsync(keys, mp4Path, message.JobId, slot.Name, stopping);
            upload.Stop();
            timings.Add(new StageTiming("upload", upload.Elapsed.TotalSeconds));
            metrics.Stage(labels, "upload", upload.Elapsed.TotalSeconds);

            var record = new VideoResultRecord
            {
                JobId = message.JobId,
                BatchId = message.BatchId,
                Outcome = JobOutcome.Succeeded,
                Request = message,
                Video = stored,
                Timings = timings,
                Worker = slot.Name,
                Gpu = engine.Info.Accelerator,
                Engine = engine.Info.Description,
                Software = SoftwareInfo.For(engine.Info),
                StartedAt = startedAt,
                CompletedAt = time.GetUtcNow(),
                QueueWaitSeconds = queueWait,
            };
            var recordObject = await WriteRecordAsync(keys, record, stopping);
            await publish.Publish(new VideoGenerated
            {
                JobId = message.JobId,
                BatchId = message.BatchId,
                Video = stored,
                Record = recordObject,
                Timings = timings,
                Worker = slot.Name,
                Gpu = engine.Info.Accelerator,
                CompletedAt = record.CompletedAt,
            }, stopping);
            logger.LogInformation("Job {JobId} succeeded in {JobSeconds:F2} s: {VideoKey} ({VideoBytes} bytes)",
                message.JobId, (record.CompletedAt - startedAt).TotalSeconds, stored.Key, stored.SizeBytes);
            return ("succeeded", null);
        }
        finally
        {
            TryDelete(mp4Path);
        }
    }

    /// <summary>Reports a message that could not be read as a request (its fields as far as they can be read).</summary>
    public async Task ReportMalformedAsync(string? jobId, string? batchId, string? outputPrefix, string messageId, string problem, WorkerSlot slot, IPublishEndpoint publish, CancellationToken cancellationToken)
    {
        var failure = new FailureDetails(FailureReason.MalformedMessage, problem, false);
        string? recordKey = null;
        var prefix = JobKeys.NormalizePrefix(outputPrefix);
        if (JobKeys.IsValidJobId(jobId) && prefix is not null)
        {
            var keys = new JobKeys(prefix, jobId!);
            var now = time.GetUtcNow();
            var record = FailedRecord(null, jobId!, batchId, failure, [], slot, now, 0);
            recordKey = (await WriteRecordAsync(keys, record, cancellationToken)).Key;
        }

        logger.LogWarning("Message {MessageId} (job {JobId}) is malformed: {Problem}", messageId, jobId, problem);
        var labels = new JobLabels(slot.Engine.Info.Model, "invalid", slot.Name);
        metrics.Started(labels);
        metrics.Ended(labels, "failed", FailureReason.MalformedMessage, 0);
        await PublishFailedAsync(publish, JobKeys.IsValidJobId(jobId) ? jobId! : messageId, batchId, failure, recordKey, slot, cancellationToken);
    }

    private async Task<VideoResultRecord?> FindExistingAsync(JobKeys keys, CancellationToken cancellationToken)
    {
        var bytes = await retry.RunAsync("read result record", ct => store.GetBytesAsync(keys.Record, ct), cancellationToken);
        if (bytes is null)
            return null;
        try
        {
            return ContractJson.Deserialize<VideoResultRecord>(bytes);
        }
        catch (System.Text.Json.JsonException e)
        {
            logger.LogWarning("Result record {Key} exists but cannot be read ({Error}); the job runs again and replaces it", keys.Record, e.Message);
            return null;
        }
    }

    private async Task<(string, FailureReason?)> AnnounceExistingAsync(VideoResultRecord existing, JobKeys keys, WorkerSlot slot, IPublishEndpoint publish, CancellationToken cancellationToken)
    {
        var recordInfo = await retry.RunAsync("head result record", ct => store.HeadAsync(keys.Record, ct), cancellationToken);
        var recordObject = new StoredObject(keys.Record, recordInfo?.SizeBytes ?? 0, Json, recordInfo?.Sha256 ?? "");
        if (existing.Outcome == JobOutcome.Succeeded && existing.Video is { } video)
        {
            logger.LogInformation("Job {JobId} already has a result ({Key}); announcing it again without regenerating", existing.JobId, keys.Record);
            await publish.Publish(new VideoGenerated
            {
                JobId = existing.JobId,
                BatchId = existing.BatchId,
                Video = video,
                Record = recordObject,
                Timings = existing.Timings,
                Worker = existing.Worker,
                Gpu = existing.Gpu,
                AlreadyExisted = true,
                CompletedAt = existing.CompletedAt,
            }, cancellationToken);
            return ("duplicate", null);
        }

        var failure = existing.Failure ?? new FailureDetails(FailureReason.EngineError, "failed earlier", true);
        logger.LogInformation("Job {JobId} already failed earlier ({Reason}); announcing it again", existing.JobId, ReasonCodes.Name(failure.Reason));
        await PublishFailedAsync(publish, existing.JobId, existing.BatchId, failure, keys.Record, slot, cancellationToken);
        return ("duplicate", failure.Reason);
    }

    private async Task FailAsync(GenerateVideo message, JobKeys keys, FailureDetails failure, IReadOnlyList<StageTiming> timings, WorkerSlot slot,
        DateTimeOffset startedAt, double queueWait, IPublishEndpoint publish, CancellationToken cancellationToken)
    {
        var record = FailedRecord(message, message.JobId, message.BatchId, failure, timings, slot, startedAt, queueWait);
        var stored = await WriteRecordAsync(keys, record, cancellationToken);
        await PublishFailedAsync(publish, message.JobId, message.BatchId, failure, stored.Key, slot, cancellationToken);
    }

    private VideoResultRecord FailedRecord(GenerateVideo? message, string jobId, string? batchId, FailureDetails failure, IReadOnlyList<StageTiming> timings,
        WorkerSlot slot, DateTimeOffset startedAt, double queueWait) => new()
    {
        JobId = jobId,
        BatchId = batchId,
        Outcome = JobOutcome.Failed,
        Request = message,
        Failure = failure,
        Timings = timings,
        Worker = slot.Name,
        Gpu = slot.Engine.Info.Accelerator,
        Engine = slot.Engine.Info.Description,
        Software = SoftwareInfo.For(slot.Engine.Info),
        StartedAt = startedAt,
        CompletedAt = time.GetUtcNow(),
        QueueWaitSeconds = queueWait,
    };

    private static Task PublishFailedAsync(IPublishEndpoint publish, string jobId, string? batchId, FailureDetails failure, string? recordKey, WorkerSlot slot, CancellationToken cancellationToken) =>
        publish.Publish(new VideoGenerationFailed
        {
            JobId = jobId,
            BatchId = batchId,
            Reason = failure.Reason,
            Message = failure.Message,
            Retryable = failure.Retryable,
            RecordKey = recordKey,
            Worker = slot.Name,
            FailedAt = DateTimeOffset.UtcNow,
        }, cancellationToken);

    private async Task<StoredObject> UploadVideoAsync(JobKeys keys, string path, string jobId, string worker, CancellationToken cancellationToken)
    {
        var sha = await Sha256Hex.OfFileAsync(path, cancellationToken);
        var size = new FileInfo(path).Length;
        var metadata = new Dictionary<string, string> { [ObjectMetadata.Sha256] = sha, [ObjectMetadata.JobId] = jobId, [ObjectMetadata.Worker] = worker };
        await retry.RunAsync("upload video", async ct =>
        {
            await store.PutFileAsync(keys.Video, path, Mp4, metadata, ct);
            await VerifyAsync(keys.Video, sha, ct);
        }, cancellationToken);
        return new StoredObject(keys.Video, size, Mp4, sha);
    }

    private async Task<StoredObject> WriteRecordAsync(JobKeys keys, VideoResultRecord record, CancellationToken cancellationToken)
    {
        var bytes = ContractJson.SerializeToUtf8(record);
        var sha = Sha256Hex.Of(bytes);
        var metadata = new Dictionary<string, string> { [ObjectMetadata.Sha256] = sha, [ObjectMetadata.JobId] = record.JobId, [ObjectMetadata.Worker] = record.Worker };
        await retry.RunAsync("write result record", async ct =>
        {
            await store.PutBytesAsync(keys.Record, bytes, Json, metadata, ct);
            await VerifyAsync(keys.Record, sha, ct);
        }, cancellationToken);
        return new StoredObject(keys.Record, bytes.Length, Json, sha);
    }

    /// <summary>Reads the object back and compares its SHA-256: some S3-compatible servers store other bytes than were sent.</summary>
    private async Task VerifyAsync(string key, string expectedSha256, CancellationToken cancellationToken)
    {
        if (!storageOptions.Value.VerifyUploads)
            return;
        var actual = await store.ReadBackSha256Async(key, cancellationToken);
        if (!string.Equals(actual, expectedSha256, StringComparison.Ordinal))
            throw new StorageUnavailableException($"read-back of '{key}' does not match what was written (SHA-256 {actual ?? "missing"} instead of {expectedSha256}); check the server's checksum settings (Storage:RequestChecksumCalculation)");
    }

    private void TryDelete(string path)
    {
        try
        {
            if (File.Exists(path))
                File.Delete(path);
        }
        catch (IOException e)
        {
            logger.LogWarning("Could not delete {Path}: {Error}", path, e.Message);
        }
    }

    /// <summary>Turns the engine's stage and step reports into metrics as they happen.</summary>
    private sealed class MetricsObserver(WorkerMetrics metrics, JobLabels labels) : IGenerationObserver
    {
        public void StageCompleted(StageTime stage) => metrics.Stage(labels, stage.Stage, stage.Duration.TotalSeconds);

        public void StepCompleted(DenoiseStepTime step) => metrics.Step(labels, step.Duration.TotalSeconds);
    }
}
