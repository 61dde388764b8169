using System.Diagnostics;
using System.Text.Json;
using JengaFleet.Contracts;
using JengaFleet.Testing;
using JengaFleet.Worker.Batches;
using JengaFleet.Worker.Configuration;
using JengaFleet.Worker.Storage;
using JengaFleet.Worker.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace JengaFleet.Worker.Tests.Batches;

/// <summary>Batches end to end against the real RabbitMQ and S3 server, with hunyuan-tiny workers running the real pipeline.</summary>
public class BatchFleetTests
{
    private static readonly BatchDefaults Tiny = new() { Model = "hunyuan-tiny", Preset = "base", Width = 64, Height = 48, Frames = 9, Steps = 4 };

    private static RabbitMqOptions Rabbit => new() { Uri = TestServices.RabbitMqUri, ConsumerTimeout = TimeSpan.FromHours(1) };

    private static BatchStore Store()
    {
        var options = TestStore.Options();
        return new BatchStore(new S3ObjectStore(options), new StorageRetry(options, NullLogger<StorageRetry>.Instance));
    }

    private static string NewBatchId() => $"t{Guid.NewGuid():N}"[..16];

    /// <summary>200 prompt lines: 190 valid for the tiny worker, 2 that pass the client's checks but name another model (the worker fails them), 8 invalid.</summary>
    private static (string Path, int Valid, int WorkerFails, int[] InvalidLines) WriteBatchFile(TempDirectory folder)
    {
        var lines = new List<string>();
        var invalid = new List<int>();
        var workerFails = 0;
        for (var i = 1; i <= 200; i++)
        {
            string line;
            if (i % 25 == 0)
            {
                line = (i / 25) switch
                {
                    1 => """{"prompt":"odd width","width":70}""",
                    2 => """{"prompt":"bad frames","frames":10}""",
                    3 => """{"prompt":"","seed":3}""",
                    4 => """{"prompt":"unknown preset","preset":"warp"}""",
                    5 => """{"prompt":"one step","steps":1}""",
                    6 => """{"prompt":"typo","widht":64}""",
                    7 => """{"prompt":"negative seed","seed":-4}""",
                    _ => "this line is not json",
                };
                invalid.Add(i);
            }
            else if (i is 7 or 133)
            {
                line = $$"""{"prompt":"line {{i}} for another model","model":"synthetic"}""";
                workerFails++;
            }
            else
            {
                line = JsonSerializer.Serialize(new { prompt = $"prompt {i}: a paper boat on a pond", seed = i % 3 == 0 ? (long?)i : null });
            }

            lines.Add(line);
        }

        var path = Path.Combine(folder.Path, "prompts.jsonl");
        File.WriteAllLines(path, lines);
        return (path, 200 - invalid.Count - workerFails, workerFails, [.. invalid]);
    }

    [Fact]
    public async Task A_200_line_batch_through_two_tiny_workers_ends_with_matching_status_and_a_complete_results_manifest()
    {
        using var folder = new TempDirectory();
        var (path, valid, workerFails, invalidLines) = WriteBatchFile(folder);
        var queue = FleetClient.NewQueue();
        var batchId = NewBatchId();
        var store = Store();
        var enqueuer = new BatchEnqueuer(store, Rabbit, TimeProvider.System);
        await using var client = await FleetClient.StartAsync();

        // All or nothing: invalid lines without --skip-invalid send nothing and write nothing.
        var refused = await enqueuer.EnqueueAsync(new EnqueueRequest(path, batchId, queue, Tiny, SkipInvalid: false), null, CancellationToken.None);
        Assert.True(refused.Refused);
        Assert.Equal(0, refused.Sent);
        Assert.Equal(invalidLines, refused.Errors.Select(e => e.Line));
        Assert.Empty(await TestStore.KeysAsync(store.Objects, new BatchKeys(batchId).Folder));
        Assert.Equal(0u, await client.MessageCountAsync(queue));

        // --skip-invalid, before any worker is up: the enqueue declares the queue the way the workers do.
        var enqueued = await enqueuer.EnqueueAsync(new EnqueueRequest(path, batchId, queue, Tiny, SkipInvalid: true), null, CancellationToken.None);
        Assert.False(enqueued.Refused);
        Assert.Equal(valid + workerFails, enqueued.Sent);
        Assert.Equal((uint)enqueued.Sent, await client.MessageCountAsync(queue));

        var tracker = await BatchTracker.OpenAsync(store, Rabbit, batchId, TimeProvider.System, CancellationToken.None);
        var before = await tracker.RefreshAsync(CancellationToken.None);
        Assert.Equal((enqueued.Sent, enqueued.Sent, 0, 0, 0), (before.Total, before.Queued, before.Running, before.Succeeded, before.Failed));
        Assert.Equal(invalidLines.Length, before.Info.SkippedLines);
        Assert.Equal(2, before.ExitCode);

        var watch = Stopwatch.StartNew();
        await using (var a = await InProcessWorker.StartAsync(WorkerSettings.For(queue, "worker-a", model: "hunyuan-tiny")))
        await using (var b = await InProcessWorker.StartAsync(WorkerSettings.For(queue, "worker-b", model: "hunyuan-tiny")))
        {
            var sawRunning = false;
            BatchStatus status;
            do
            {
                await Task.Delay(500, TestContext.Current.CancellationToken);
                status = await tracker.RefreshAsync(CancellationToken.None);
                sawRunning |= status.Running > 0 && status.Ended > 0;
                Assert.Equal(status.Total, status.Queued + status.Running + status.Succeeded + status.Failed + status.Unaccounted);
                Assert.True(watch.Elapsed < TimeSpan.FromMinutes(5), $"batch not done after {watch.Elapsed}: {status.Succeeded} succeeded, {status.Failed} failed of {status.Total}");
            }
            while (!status.IsComplete);

            TestContext.Current.TestOutputHelper?.WriteLine($"{status.Total} tiny jobs on 2 workers: {watch.Elapsed.TotalSeconds:F1} s, {status.JobsPerMinute:F0} jobs/min");
            Assert.True(sawRunning, "status never showed running jobs");
            Assert.Equal((valid, workerFails, 0, 0, 0), (status.Succeeded, status.Failed, status.Queued, status.Running, status.Unaccounted));
            Assert.Equal(new Dictionary<string, int> { ["unsupported_model"] = workerFails }, status.FailureReasons);
            Assert.Equal(1, status.ExitCode); // complete, not clean
            Assert.NotNull(status.JobsPerMinute);
            Assert.Equal(TimeSpan.Zero, status.Eta);
            Assert.Contains(status.Records, r => r.Worker == "worker-a");
            Assert.Contains(status.Records, r => r.Worker == "worker-b");
        }

        // Results: every job of the manifest, videos checked against their records.
        var output = Path.Combine(folder.Path, "results");
        var rows = await BatchResultsWriter.WriteAsync(tracker, store.Objects, output, null, CancellationToken.None);
        Assert.Equal(valid + workerFails, rows.Count);
        var jsonl = File.ReadAllLines(Path.Combine(output, "manifest.jsonl")).Select(l => ContractJson.Deserialize<BatchResultRow>(l)).ToList();
        Assert.Equal(rows.Select(r => r.JobId), jsonl.Select(r => r.JobId));
        var lines = Enumerable.Range(1, 200).Except(invalidLines).ToList();
        Assert.Equal(lines, jsonl.Select(r => r.Line));
        foreach (var row in jsonl)
        {
            Assert.Equal($"{batchId}-L{row.Line:D6}", row.JobId);
            if (row.Prompt.Contains("another model"))
            {
                Assert.Equal(("failed", "unsupported_model", null), (row.Outcome, row.Reason, row.File));
                continue;
            }

            Assert.Equal("succeeded", row.Outcome);
            Assert.Equal(row.Line % 3 == 0 ? row.Line : BatchSeeds.ForLine(0, row.Line), row.Seed);
            Assert.Equal($"prompt {row.Line}: a paper boat on a pond", row.Prompt);
            Assert.Equal(("base", 64, 48, 9, 4), (row.Preset, row.Width, row.Height, row.Frames, row.Steps));
            Assert.Equal($"batches/{batchId}/jobs/{row.JobId}/video.mp4", row.VideoKey);
            var file = Path.Combine(output, row.File!);
            Assert.Equal(row.SizeBytes, new FileInfo(file).Length);
            Assert.Equal(row.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file))));
            Assert.Contains("denoise_0", row.Timings.Keys);
            Assert.True(row.JobSeconds > 0);
        }

        var csv = File.ReadAllLines(Path.Combine(output, "manifest.csv"));
        Assert.Equal(rows.Count + 1, csv.Length);
        Assert.StartsWith("line,job_id,outcome,reason,message,prompt,", csv[0]);
        Assert.Contains("video_encode_s", csv[0]);
        Assert.Equal(valid, csv.Count(l => l.Contains(",succeeded,")));
        Assert.Equal(valid, Directory.GetFiles(Path.Combine(output, BatchResultsWriter.VideoFolder), "*.mp4").Length);

        // Re-submission under the same batch id: nothing sent, nothing new in storage.
        var keysBefore = await TestStore.KeysAsync(store.Objects, new BatchKeys(batchId).Folder);
        Assert.Equal(2 + 2 * valid + workerFails, keysBefore.Count);
        var again = await enqueuer.EnqueueAsync(new EnqueueRequest(path, batchId, queue, Tiny, SkipInvalid: true), null, CancellationToken.None);
        Assert.Equal((0, enqueued.Sent), (again.Sent, again.AlreadyQueued));
        var resend = await enqueuer.EnqueueAsync(new EnqueueRequest(path, batchId, queue, Tiny, SkipInvalid: true) { Resend = true }, null, CancellationToken.None);
        Assert.Equal((0, enqueued.Sent), (resend.Sent, resend.AlreadyDone));
        Assert.Equal(0u, await client.MessageCountAsync(queue));
        Assert.Equal(keysBefore, await TestStore.KeysAsync(store.Objects, new BatchKeys(batchId).Folder));

        // The same id with other jobs is refused.
        await Assert.ThrowsAsync<BatchConflictException>(() =>
            enqueuer.EnqueueAsync(new EnqueueRequest(path, batchId, queue, Tiny with { Steps = 5 }, SkipInvalid: true), null, CancellationToken.None));
    }

    [Fact]
    public async Task An_interrupted_enqueue_resumes_with_only_the_jobs_that_have_no_result()
    {
        using var folder = new TempDirectory();
        var path = folder.File("prompts.txt");
        File.WriteAllLines(path, Enumerable.Range(1, 30).Select(i => $"prompt {i}"));
        var queue = FleetClient.NewQueue();
        var batchId = NewBatchId();
        var batch = new BatchKeys(batchId);
        var store = Store();
        var enqueuer = new BatchEnqueuer(store, Rabbit, TimeProvider.System);
        await using var client = await FleetClient.StartAsync();
        var first = await enqueuer.EnqueueAsync(new EnqueueRequest(path, batchId, queue, Tiny, SkipInvalid: false), null, CancellationToken.None);
        Assert.Equal(30, first.Sent);
        await client.DrainAsync(queue);

        // As if the first enqueue had stopped before its last confirm, with two jobs already done by workers.
        var info = await store.ReadInfoAsync(batch, CancellationToken.None);
        Assert.NotNull(info?.EnqueuedAt);
        await store.WriteInfoAsync(batch, info! with { EnqueuedAt = null }, CancellationToken.None);
        var tracker = await BatchTracker.OpenAsync(store, Rabbit, batchId, TimeProvider.System, CancellationToken.None);
        Assert.Equal(2, (await tracker.RefreshAsync(CancellationToken.None)).ExitCode);
        foreach (var line in new[] { 4, 17 })
        {
            var record = ContractJson.SerializeToUtf8(new VideoResultRecord { JobId = batch.JobId(line), BatchId = batchId, Outcome = JobOutcome.Failed, Failure = new FailureDetails(FailureReason.EngineError, "test", true) });
            await store.Objects.PutBytesAsync(batch.Job(batch.JobId(line)).Record, record, "application/json", new Dictionary<string, string>(), CancellationToken.None);
        }

        var resumed = await enqueuer.EnqueueAsync(new EnqueueRequest(path, batchId, queue, Tiny, SkipInvalid: false), null, CancellationToken.None);
        Assert.Equal((28, 2), (resumed.Sent, resumed.AlreadyDone));
        var sent = (await client.DrainAsync(queue)).Select(m => JsonDocument.Parse(m.Body).RootElement.GetProperty("message").GetProperty("jobId").GetString()).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 30).Except([4, 17]).Select(batch.JobId), sent);
        Assert.NotNull((await store.ReadInfoAsync(batch, CancellationToken.None))!.EnqueuedAt);
        var status = await tracker.RefreshAsync(CancellationToken.None);
        Assert.Equal((30, 2, 28), (status.Total, status.Failed, status.Unaccounted)); // drained: neither queued nor running
    }
}
