using JengaFleet.Worker.Metrics;
using JengaFleet.Worker.Tests.Infrastructure;
using Xunit;

namespace JengaFleet.Worker.Tests.Fleet;

public class MetricsAndMemoryTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Metrics_endpoint_shows_the_histograms_with_model_preset_and_worker_labels_after_jobs()
    {
        var queue = FleetClient.NewQueue();
        var prefix = TestJobs.NewPrefix();
        await using var client = await FleetClient.StartAsync();
        await using var worker = await InProcessWorker.StartAsync(WorkerSettings.For(queue, "worker-metrics"));
        await client.SendAsync(queue, TestJobs.Tiny("m-1", prefix));
        await client.SendAsync(queue, TestJobs.Tiny("m-2", prefix) with { Preset = "3stage", Width = 128, Height = 64 });
        await client.SendAsync(queue, TestJobs.Tiny("m-bad", prefix) with { Steps = 0 });
        await client.WaitForAsync(c => c.Generated.Count(g => g.JobId.StartsWith("m-")) == 2 && c.Failed.Any(f => f.JobId == "m-bad"), Wait, "the jobs");

        var text = await worker.Http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        var lines = text.Split('\n').Where(l => !l.StartsWith('#')).ToList();
        bool Has(string name, params string[] labels) => lines.Any(l => l.StartsWith(name + "{") && labels.All(l.Contains));

        const string mine = "worker=\"worker-metrics\"";
        foreach (var stage in new[] { "text_encode", "denoise_0", "denoise_1", "denoise_2", "vae_decode", "video_encode", "upload" })
            Assert.True(Has("jenga_stage_duration_seconds_bucket", $"stage=\"{stage}\"", "model=\"synthetic\"", mine, "le=\""), $"no histogram buckets for stage {stage}");
        Assert.True(Has("jenga_stage_duration_seconds_bucket", "stage=\"denoise_2\"", "preset=\"3stage\"", mine));
        Assert.True(Has("jenga_job_duration_seconds_bucket", "outcome=\"succeeded\"", "preset=\"base\"", mine));
        Assert.True(Has("jenga_queue_wait_seconds_bucket", mine, "le=\"86400\""));
        Assert.True(Has("jenga_denoise_step_duration_seconds_count", mine));
        Assert.True(Has("jenga_jobs_total", "outcome=\"succeeded\"", "reason=\"none\"", mine));
        Assert.True(Has("jenga_jobs_total", "outcome=\"failed\"", "reason=\"invalid_steps\"", mine));
        Assert.True(Has("jenga_model_load_duration_seconds", mine));
        Assert.True(Has("jenga_worker_ready", mine));
        Assert.True(Has("jenga_jobs_in_progress", mine));
        // Buckets in seconds: a tiny job lands in the sub-second buckets.
        Assert.Contains(lines, l => l.StartsWith("jenga_job_duration_seconds_bucket{") && l.Contains(mine) && l.Contains("le=\"0.5\""));
        // Every documented name but the GPU gauge (absent on CPU) is exported.
        foreach (var name in MetricNames.PrometheusNames.Where(n => n != "jenga_gpu_memory_used_bytes"))
            Assert.Contains(lines, l => l.StartsWith(name));
    }

    [Fact]
    public async Task Managed_memory_stays_flat_over_fifty_tiny_model_jobs()
    {
        var queue = FleetClient.NewQueue();
        var prefix = TestJobs.NewPrefix();
        await using var client = await FleetClient.StartAsync();
        await using var worker = await InProcessWorker.StartAsync(WorkerSettings.For(queue, "worker-memory", model: "hunyuan-tiny"));
        long HeapAfterFullCollection()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return GC.GetTotalMemory(forceFullCollection: true);
        }

        async Task Run(int from, int to)
        {
            for (var i = from; i < to; i++)
                await client.SendAsync(queue, TestJobs.Tiny($"mem-{i:D2}", prefix, seed: i) with { Width = 128, Height = 96, Frames = 17 });
            await client.WaitForAsync(c => c.Generated.Count(g => g.JobId.StartsWith("mem-")) >= to, Wait, $"{to} jobs");
        }

        await Run(0, 10); // warm-up: JIT, connection pools, caches
        var after10 = HeapAfterFullCollection();
        await Run(10, 50);
        var after50 = HeapAfterFullCollection();

        // Real pipeline (hunyuan-tiny). A leak of one frame buffer per job (128x96x17 RGB = 0.6 MB) would add 25 MB over these 40 jobs.
        var growth = after50 - after10;
        Assert.True(growth < 8L << 20, $"managed heap grew by {growth / 1048576.0:F1} MB over 40 jobs ({after10 / 1048576.0:F1} -> {after50 / 1048576.0:F1} MB)");
        Assert.Equal(50, client.Generated.Count(g => g.JobId.StartsWith("mem-")));
    }
}
