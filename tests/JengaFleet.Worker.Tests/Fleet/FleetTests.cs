using System.Text.Json;
using JengaFleet.Contracts;
using JengaFleet.Worker.Storage;
using JengaFleet.Worker.Tests.Infrastructure;
using Xunit;

namespace JengaFleet.Worker.Tests.Fleet;

/// <summary>Workers against the real RabbitMQ and S3 server, running the real pipeline with hunyuan-tiny.</summary>
public class FleetTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Twenty_jobs_through_two_workers_end_as_twenty_videos_and_records_exactly_once()
    {
        var queue = FleetClient.NewQueue();
        var prefix = TestJobs.NewPrefix();
        await using var client = await FleetClient.StartAsync();
        await using var a = await InProcessWorker.StartAsync(WorkerSettings.For(queue, "worker-a", model: "hunyuan-tiny"));
        await using var b = await InProcessWorker.StartAsync(WorkerSettings.For(queue, "worker-b", model: "hunyuan-tiny"));

        var ids = Enumerable.Range(0, 20).Select(i => $"job-{i:D2}").ToList();
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
            await client.SendAsync(queue, TestJobs.Tiny(id, prefix, seed: i));

        await client.WaitForAsync(c => c.Generated.Count(g => g.Video.Key.StartsWith(prefix)) >= 20, Wait, "20 videos");
        await Task.Delay(1000, TestContext.Current.CancellationToken); // a duplicate would show up now
        var events = client.Generated.Where(g => g.Video.Key.StartsWith(prefix)).ToList();
        Assert.Equal(20, events.Count);
        Assert.Equal(ids, events.Select(e => e.JobId).Order());
        Assert.DoesNotContain(client.Failed, f => ids.Contains(f.JobId));
        Assert.Contains(events, e => e.Worker == "worker-a");
        Assert.Contains(events, e => e.Worker == "worker-b");

        using var store = TestStore.Create();
        var keys = await TestStore.KeysAsync(store, prefix);
        Assert.Equal(ids.SelectMany(id => new[] { $"{prefix}{id}/result.json", $"{prefix}{id}/video.mp4" }).Order(StringComparer.Ordinal), keys);
        foreach (var e in events)
        {
            var record = ContractJson.Deserialize<VideoResultRecord>((await store.GetBytesAsync(e.Record.Key, CancellationToken.None))!);
            Assert.Equal(JobOutcome.Succeeded, record.Outcome);
            Assert.Equal(e.JobId, record.JobId);
            Assert.Equal(e.Worker, record.Worker);
            Assert.Contains("hunyuan-tiny", record.Engine);
            Assert.DoesNotContain("placeholder", record.Engine);
            Assert.Equal(e.Video, record.Video);
            Assert.Equal(["text_encode", "denoise_0", "denoise_1", "vae_decode", "video_encode", "upload"], record.Timings.Select(t => t.Stage));
            var head = await store.HeadAsync(e.Video.Key, CancellationToken.None);
            Assert.NotNull(head);
            Assert.Equal("video/mp4", head.ContentType);
            Assert.Equal(e.Video.Sha256, head.Sha256);
            Assert.Equal(e.Video.Sha256, await store.ReadBackSha256Async(e.Video.Key, CancellationToken.None));
        }

        Assert.Equal(0u, await client.MessageCountAsync(queue));
        Assert.Equal(0u, await client.MessageCountAsync(queue + "_error"));
    }
}
