using System.Text;
using JengaFleet.Contracts;
using JengaFleet.Worker.Tests.Infrastructure;
using Xunit;

namespace JengaFleet.Worker.Tests.Fleet;

/// <summary>Storage outages made real: the worker reaches S3 through a proxy that the test switches off.</summary>
public class StorageOutageTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_job_during_a_storage_outage_is_retried_and_completes_when_storage_returns()
    {
        var queue = FleetClient.NewQueue();
        var prefix = TestJobs.NewPrefix();
        await using var proxy = new TcpToggleProxy(new Uri(TestServices.S3Url));
        await using var client = await FleetClient.StartAsync();
        await using var worker = await InProcessWorker.StartAsync(WorkerSettings.For(queue, "worker-outage", s3Url: proxy.Url));

        proxy.Down();
        await client.SendAsync(queue, TestJobs.Tiny("through-outage", prefix));
        await client.WaitForAsync(_ => proxy.RefusedConnections >= 3, Wait, "the worker to retry storage");
        Assert.DoesNotContain(client.Generated, g => g.JobId == "through-outage");
        proxy.Up();

        await client.WaitForAsync(c => c.Generated.Any(g => g.JobId == "through-outage"), Wait, "the job after the outage");
        Assert.DoesNotContain(client.Failed, f => f.JobId == "through-outage");
        using var store = TestStore.Create();
        Assert.Equal(2, (await TestStore.KeysAsync(store, prefix)).Count);
        Assert.Equal(0u, await client.MessageCountAsync(queue + "_error"));
    }

    [Fact]
    public async Task Storage_that_stays_down_ends_the_message_in_the_error_queue_with_its_reason()
    {
        var queue = FleetClient.NewQueue();
        var prefix = TestJobs.NewPrefix();
        await using var proxy = new TcpToggleProxy(new Uri(TestServices.S3Url));
        await using var client = await FleetClient.StartAsync();
        var settings = WorkerSettings.For(queue, "worker-no-storage", s3Url: proxy.Url);
        settings["Storage:RetryAttempts"] = "3";
        await using var worker = await InProcessWorker.StartAsync(settings);

        proxy.Down();
        await client.SendAsync(queue, TestJobs.Tiny("storage-gone", prefix));
        await client.WaitForAsync(c => c.Failed.Any(f => f.JobId == "storage-gone"), Wait, "the storage failure");
        var failed = Assert.Single(client.Failed, f => f.JobId == "storage-gone");
        Assert.Equal(FailureReason.StorageUnavailable, failed.Reason);
        Assert.True(failed.Retryable);

        await client.WaitForAsync(_ => client.MessageCountAsync(queue + "_error").Result == 1, Wait, "the message in the error queue");
        var error = Assert.Single(await client.DrainAsync(queue + "_error"));
        // MassTransit records the innermost exception: the network error that outlasted the retries.
        Assert.True(error.BasicProperties.Headers!.ContainsKey("MT-Fault-Message"));
        Assert.Equal("fault", Encoding.UTF8.GetString((byte[])error.BasicProperties.Headers["MT-Reason"]!));
        Assert.Equal(0u, await client.MessageCountAsync(queue));
        Assert.True((await worker.Http.GetAsync("/healthz", TestContext.Current.CancellationToken)).IsSuccessStatusCode);
    }
}
