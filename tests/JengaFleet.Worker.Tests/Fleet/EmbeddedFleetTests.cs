using JengaFleet.Contracts;
using JengaFleet.Worker.Fleet;
using JengaFleet.Testing;
using Xunit;

namespace JengaFleet.Worker.Tests.Fleet;

/// <summary><c>jenga demo</c>'s engine room: no external service at all.</summary>
public class EmbeddedFleetTests
{
    [Fact]
    public async Task The_embedded_fleet_writes_a_video_and_a_result_record_per_prompt_and_summarises_stage_latency()
    {
        using var dir = new TempDirectory();
        var report = await EmbeddedFleet.RunAsync(new EmbeddedFleetOptions
        {
            Workers = 2,
            OutputFolder = dir.Path,
            Prompts = ["one", "two", "three"],
            Width = 64,
            Height = 48,
            Frames = 9,
            Steps = 4,
            WeightsPath = Infrastructure.WorkerSettings.TinyWeightsRoot,
        }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(3, report.Succeeded);
        Assert.False(report.EngineIsPlaceholder); // the demo runs the real pipeline (hunyuan-tiny)
        Assert.Equal(["demo-001", "demo-002", "demo-003"], report.Jobs.Select(j => j.JobId));
        foreach (var job in report.Jobs)
        {
            Assert.True(File.Exists(job.VideoPath), job.VideoPath);
            Assert.True(new FileInfo(job.VideoPath!).Length > 0);
            var record = ContractJson.Deserialize<VideoResultRecord>(File.ReadAllBytes(job.RecordPath));
            Assert.Equal(JobOutcome.Succeeded, record.Outcome);
            Assert.Equal(job.Prompt, record.Request!.Prompt);
            Assert.StartsWith("demo-worker-", record.Worker);
        }

        Assert.Equal(["text_encode", "denoise_0", "denoise_1", "vae_decode", "video_encode", "upload"], report.Stages.Select(s => s.Stage));
        Assert.All(report.Stages, s => Assert.Equal(3, s.Count));
        var summary = report.FormatSummary();
        Assert.Contains("3/3 videos with 2 workers", summary);
        Assert.Contains("hunyuan-tiny", summary);
        Assert.DoesNotContain("placeholder", summary);
    }
}
