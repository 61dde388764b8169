using System.Text;
using JengaFleet.Contracts;
using JengaFleet.Worker.Tests.Infrastructure;
using Xunit;

namespace JengaFleet.Worker.Tests.Fleet;

public class BadInputTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Malformed_and_invalid_messages_end_as_failed_events_with_reasons_nothing_is_lost_and_the_worker_stays_healthy()
    {
        var queue = FleetClient.NewQueue();
        var prefix = TestJobs.NewPrefix();
        await using var client = await FleetClient.StartAsync();
        await using var worker = await InProcessWorker.StartAsync(WorkerSettings.For(queue, "worker-bad-input"));

        await client.SendAsync(queue, TestJobs.Tiny("bad-size", prefix) with { Width = 100 });
        await client.SendAsync(queue, TestJobs.Tiny("bad-preset", prefix) with { Preset = "warp9" });
        await client.SendAsync(queue, TestJobs.Tiny("bad-frames", prefix) with { Frames = 10 });
        await client.SendAsync(queue, TestJobs.Tiny("bad-model", prefix) with { Model = "hunyuan-video" });
        await client.SendAsync(queue, TestJobs.Tiny("bad id with spaces", prefix));
        // Valid JSON envelope, wrong types inside: the job id is still readable.
        await client.SendRawAsync(queue, FleetClient.Envelope($$"""{"jobId":"bad-types","outputPrefix":"{{prefix}}","prompt":"x","preset":"base","width":"wide","height":48,"frames":9,"steps":4}"""));
        // Not JSON at all.
        await client.SendRawAsync(queue, "this is not json {");
        await client.SendAsync(queue, TestJobs.Tiny("good-after-bad", prefix));

        await client.WaitForAsync(c => c.Generated.Any(g => g.JobId == "good-after-bad") && c.Failed.Count(f => f.JobId.StartsWith("bad")) >= 6, Wait, "the bad jobs' failures and the good job");
        var failed = client.Failed.Where(f => f.JobId.StartsWith("bad")).ToDictionary(f => f.JobId);
        Assert.Equal(FailureReason.InvalidSize, failed["bad-size"].Reason);
        Assert.Equal(FailureReason.UnknownPreset, failed["bad-preset"].Reason);
        Assert.Equal(FailureReason.InvalidFrames, failed["bad-frames"].Reason);
        Assert.Equal(FailureReason.UnsupportedModel, failed["bad-model"].Reason);
        Assert.Equal(FailureReason.InvalidJobId, failed["bad id with spaces"].Reason);
        Assert.Equal(FailureReason.MalformedMessage, failed["bad-types"].Reason);
        Assert.All(failed.Values, f => Assert.False(f.Retryable));
        Assert.All(failed.Values, f => Assert.False(string.IsNullOrWhiteSpace(f.Message)));
        Assert.Contains("multiples of 16", failed["bad-size"].Message);

        // Failed result records where a job id allows one, with the reason.
        using var store = TestStore.Create();
        foreach (var id in new[] { "bad-size", "bad-preset", "bad-frames", "bad-model", "bad-types" })
        {
            var bytes = await store.GetBytesAsync($"{prefix}{id}/result.json", TestContext.Current.CancellationToken);
            Assert.NotNull(bytes);
            var record = ContractJson.Deserialize<VideoResultRecord>(bytes);
            Assert.Equal(JobOutcome.Failed, record.Outcome);
            Assert.Equal(failed[id].Reason, record.Failure!.Reason);
            Assert.Null(await store.HeadAsync($"{prefix}{id}/video.mp4", TestContext.Current.CancellationToken));
        }

        // Nothing lost: invalid requests are consumed (answered), unreadable messages wait in the error queue.
        Assert.Equal(0u, await client.MessageCountAsync(queue));
        await client.WaitForAsync(_ => client.MessageCountAsync(queue + "_error").Result == 2, Wait, "two messages in the error queue");
        var errors = await client.DrainAsync(queue + "_error");
        var bodies = errors.Select(e => Encoding.UTF8.GetString(e.Body.Span)).ToList();
        Assert.Contains(bodies, b => b.Contains("\"bad-types\""));
        Assert.Contains(bodies, b => b == "this is not json {");
        Assert.All(errors, e => Assert.True(e.BasicProperties.Headers?.ContainsKey("MT-Fault-Message") == true, "the error queue keeps the reason in MT-Fault-Message"));

        var ready = await worker.Http.GetAsync("/readyz", TestContext.Current.CancellationToken);
        Assert.True(ready.IsSuccessStatusCode);
    }
}
