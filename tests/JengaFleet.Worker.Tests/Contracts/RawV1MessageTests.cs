using JengaFleet.Contracts;
using JengaFleet.Worker.Tests.Infrastructure;
using Xunit;

namespace JengaFleet.Worker.Tests.Contracts;

public class RawV1MessageTests
{
    [Fact]
    public async Task A_stored_version_1_message_sent_as_raw_bytes_through_the_broker_is_understood_by_the_worker()
    {
        var queue = FleetClient.NewQueue();
        var prefix = TestJobs.NewPrefix();
        await using var client = await FleetClient.StartAsync();
        await using var worker = await InProcessWorker.StartAsync(WorkerSettings.For(queue, "worker-v1"));
        // The sample names hunyuan-video at 1280x720: this worker serves 'synthetic', so the answer must be a
        // reasoned unsupported_model failure — which proves every field was read.
        var body = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", "generate-video.v1.json"))
            .Replace("batches/batch-7/", prefix);
        await client.SendRawAsync(queue, FleetClient.Envelope(body));
        await client.WaitForAsync(c => c.Failed.Any(f => f.JobId == "batch-7-000042"), TimeSpan.FromSeconds(60), "the v1 job's answer");
        var failed = Assert.Single(client.Failed, f => f.JobId == "batch-7-000042");
        Assert.Equal(FailureReason.UnsupportedModel, failed.Reason);
        Assert.Equal("batch-7", failed.BatchId);
        Assert.Contains("hunyuan-video", failed.Message);
        using var store = TestStore.Create();
        var record = ContractJson.Deserialize<VideoResultRecord>((await store.GetBytesAsync($"{prefix}batch-7-000042/result.json", TestContext.Current.CancellationToken))!);
        Assert.Equal("A lighthouse in a storm, waves crashing, cinematic", record.Request!.Prompt);
        Assert.Equal(1234567, record.Request.Seed);
    }
}
