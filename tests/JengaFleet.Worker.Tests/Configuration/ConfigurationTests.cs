using JengaFleet.Worker.Jobs;
using JengaFleet.Worker.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Xunit;

namespace JengaFleet.Worker.Tests.Configuration;

public class ConfigurationTests
{
    [Fact]
    public async Task The_worker_refuses_to_start_with_a_consumer_timeout_shorter_than_a_job()
    {
        var settings = WorkerSettings.For("never-used", "worker-misconfigured");
        settings["RabbitMq:ConsumerTimeout"] = "00:30:00";
        settings["Worker:MaxJobDuration"] = "00:45:00";
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => InProcessWorker.StartAsync(settings));
        Assert.Contains("RabbitMq:ConsumerTimeout", e.Message);
    }

    [Fact]
    public async Task The_worker_refuses_to_start_with_an_unknown_model_or_no_bucket()
    {
        var settings = WorkerSettings.For("never-used", "worker-misconfigured");
        settings["Model:Name"] = "no-such-model";
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => InProcessWorker.StartAsync(settings));
        Assert.Contains("synthetic", e.Message);

        settings = WorkerSettings.For("never-used", "worker-misconfigured");
        settings["Storage:Bucket"] = "";
        e = await Assert.ThrowsAsync<OptionsValidationException>(() => InProcessWorker.StartAsync(settings));
        Assert.Contains("Storage:Bucket", e.Message);
    }

    [Fact]
    public async Task Health_answers_while_the_broker_is_unreachable_and_readiness_does_not()
    {
        var settings = WorkerSettings.For("never-used", "worker-no-broker");
        settings["RabbitMq:Uri"] = "amqp://guest:guest@127.0.0.1:9/";
        await using var worker = await InProcessWorker.StartAsync(settings, waitReady: false);
        await Task.Delay(1500, TestContext.Current.CancellationToken);
        Assert.True((await worker.Http.GetAsync("/healthz", TestContext.Current.CancellationToken)).IsSuccessStatusCode);
        var ready = await worker.Http.GetAsync("/readyz", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("masstransit", await ready.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("job-1", true)]
    [InlineData("a.b_c-D9", true)]
    [InlineData("", false)]
    [InlineData("-starts-with-dash", false)]
    [InlineData("has space", false)]
    [InlineData("has/slash", false)]
    public void Job_ids_are_safe_object_key_parts(string id, bool valid) => Assert.Equal(valid, JobKeys.IsValidJobId(id));

    [Theory]
    [InlineData(null, "jobs/")]
    [InlineData("batches/b1", "batches/b1/")]
    [InlineData("batches/b1/", "batches/b1/")]
    [InlineData("../up/", null)]
    [InlineData("/abs/", null)]
    [InlineData("a//b/", null)]
    public void Output_prefixes_are_normalised_or_refused(string? prefix, string? expected) => Assert.Equal(expected, JobKeys.NormalizePrefix(prefix));

    [Fact]
    public void Keys_derive_from_prefix_and_job_id_only()
    {
        var keys = new JobKeys("batches/b1/", "job-7");
        Assert.Equal("batches/b1/job-7/video.mp4", keys.Video);
        Assert.Equal("batches/b1/job-7/result.json", keys.Record);
    }
}
