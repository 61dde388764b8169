using JengaFleet.Contracts;
using JengaFleet.Worker.Tests.Infrastructure;
using Xunit;

namespace JengaFleet.Worker.Tests.Fleet;

public class CrashAndShutdownTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_job_whose_worker_is_killed_mid_job_completes_exactly_once_on_another_worker()
    {
        var queue = FleetClient.NewQueue();
        var prefix = TestJobs.NewPrefix();
        await using var client = await FleetClient.StartAsync();
        await using (var doomed = WorkerProcess.Start(WorkerSettings.For(queue, "worker-doomed", stepDelay: TimeSpan.FromMilliseconds(500))))
        {
            await doomed.WaitUntilAsync(m => m.Contains("jenga_worker_ready{") && m.Contains("} 1"), Wait);
            await client.SendAsync(queue, TestJobs.Tiny("crash-1", prefix, steps: 20));
            await doomed.WaitUntilAsync(m => m.Split('\n').Any(l => l.StartsWith("jenga_jobs_in_progress{") && l.EndsWith(" 1")), Wait);
            doomed.Kill();
        }

        await using var survivor = await InProcessWorker.StartAsync(WorkerSettings.For(queue, "worker-survivor"));
        await client.WaitForAsync(c => c.Generated.Any(g => g.JobId == "crash-1"), Wait, "the job on the surviving worker");
        await Task.Delay(1500, TestContext.Current.CancellationToken);

        var done = Assert.Single(client.Generated, g => g.JobId == "crash-1");
        Assert.Equal("worker-survivor", done.Worker);
        Assert.False(done.AlreadyExisted);
        using var store = TestStore.Create();
        Assert.Equal([$"{prefix}crash-1/result.json", $"{prefix}crash-1/video.mp4"], await TestStore.KeysAsync(store, prefix));
        var record = ContractJson.Deserialize<VideoResultRecord>((await store.GetBytesAsync(done.Record.Key, TestContext.Current.CancellationToken))!);
        Assert.Equal("worker-survivor", record.Worker);
        Assert.Equal(0u, await client.MessageCountAsync(queue + "_error"));
    }

    [Fact]
    public async Task Shutdown_hands_a_job_that_outlives_the_grace_period_back_to_the_queue()
    {
        var queue = FleetClient.NewQueue();
        var prefix = TestJobs.NewPrefix();
        await using var client = await FleetClient.StartAsync();
        var settings = WorkerSettings.For(queue, "worker-leaving", stepDelay: TimeSpan.FromMilliseconds(400));
        settings["Worker:ShutdownGracePeriod"] = "00:00:01";
        await using (var leaving = await InProcessWorker.StartAsync(settings))
        {
            await client.SendAsync(queue, TestJobs.Tiny("handed-back", prefix, steps: 30));
            await client.WaitForAsync(_ => leaving.Slots.Busy == 1, Wait, "the job to start");
            await leaving.StopAsync();
        }

        Assert.DoesNotContain(client.Generated, g => g.JobId == "handed-back");
        Assert.DoesNotContain(client.Failed, f => f.JobId == "handed-back");
        Assert.Equal(1u, await client.MessageCountAsync(queue));
        Assert.Equal(0u, await client.MessageCountAsync(queue + "_error"));

        await using var next = await InProcessWorker.StartAsync(WorkerSettings.For(queue, "worker-next"));
        await client.WaitForAsync(c => c.Generated.Any(g => g.JobId == "handed-back"), Wait, "the handed-back job");
        Assert.Equal("worker-next", Assert.Single(client.Generated, g => g.JobId == "handed-back").Worker);
    }

    [Fact]
    public async Task Shutdown_lets_a_job_finish_within_the_grace_period()
    {
        var queue = FleetClient.NewQueue();
        var prefix = TestJobs.NewPrefix();
        await using var client = await FleetClient.StartAsync();
        var settings = WorkerSettings.For(queue, "worker-finishing", stepDelay: TimeSpan.FromMilliseconds(200));
        settings["Worker:ShutdownGracePeriod"] = "00:00:20";
        await using (var finishing = await InProcessWorker.StartAsync(settings))
        {
            await client.SendAsync(queue, TestJobs.Tiny("finished-on-shutdown", prefix, steps: 10));
            await client.WaitForAsync(_ => finishing.Slots.Busy == 1, Wait, "the job to start");
            await finishing.StopAsync();
        }

        await client.WaitForAsync(c => c.Generated.Any(g => g.JobId == "finished-on-shutdown"), TimeSpan.FromSeconds(10), "the finished job's event");
        Assert.Equal(0u, await client.MessageCountAsync(queue));
    }

    [Fact]
    public async Task A_redelivered_job_whose_result_exists_is_announced_again_without_regenerating()
    {
        var queue = FleetClient.NewQueue();
        var prefix = TestJobs.NewPrefix();
        await using var client = await FleetClient.StartAsync();
        await using var worker = await InProcessWorker.StartAsync(WorkerSettings.For(queue, "worker-idempotent"));
        var job = TestJobs.Tiny("twice", prefix);
        await client.SendAsync(queue, job);
        await client.WaitForAsync(c => c.Generated.Count(g => g.JobId == "twice") == 1, Wait, "the first run");
        using var store = TestStore.Create();
        var first = await store.HeadAsync($"{prefix}twice/result.json", TestContext.Current.CancellationToken);

        await client.SendAsync(queue, job with { Seed = 999 }); // same job id: same keys, whatever else it says
        await client.WaitForAsync(c => c.Generated.Count(g => g.JobId == "twice") == 2, Wait, "the second announcement");
        var events = client.Generated.Where(g => g.JobId == "twice").ToList();
        Assert.False(events[0].AlreadyExisted);
        Assert.True(events[1].AlreadyExisted);
        Assert.Equal(events[0].Video, events[1].Video);
        var again = await store.HeadAsync($"{prefix}twice/result.json", TestContext.Current.CancellationToken);
        Assert.Equal(first!.Sha256, again!.Sha256);
        Assert.Equal(2, (await TestStore.KeysAsync(store, prefix)).Count);
    }

    [Fact]
    public async Task A_job_longer_than_the_maximum_job_duration_fails_with_job_timeout()
    {
        var queue = FleetClient.NewQueue();
        var prefix = TestJobs.NewPrefix();
        await using var client = await FleetClient.StartAsync();
        var settings = WorkerSettings.For(queue, "worker-deadline", stepDelay: TimeSpan.FromMilliseconds(300));
        settings["Worker:MaxJobDuration"] = "00:00:01";
        await using var worker = await InProcessWorker.StartAsync(settings);
        await client.SendAsync(queue, TestJobs.Tiny("too-long", prefix, steps: 20));
        await client.WaitForAsync(c => c.Failed.Any(f => f.JobId == "too-long"), Wait, "the timeout");
        var failed = Assert.Single(client.Failed, f => f.JobId == "too-long");
        Assert.Equal(FailureReason.JobTimeout, failed.Reason);
        Assert.Equal(0u, await client.MessageCountAsync(queue));
        Assert.Equal(0u, await client.MessageCountAsync(queue + "_error"));
    }
}
