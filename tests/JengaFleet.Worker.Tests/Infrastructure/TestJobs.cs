using JengaFleet.Contracts;

namespace JengaFleet.Worker.Tests.Infrastructure;

/// <summary>Small valid requests for the synthetic engine.</summary>
public static class TestJobs
{
    public static GenerateVideo Tiny(string jobId, string prefix, long seed = 1, int steps = 4) => new()
    {
        JobId = jobId,
        BatchId = "test",
        Prompt = $"test pattern {jobId}",
        Preset = "base",
        Width = 64,
        Height = 48,
        Frames = 9,
        Steps = steps,
        Seed = seed,
        Guidance = 6,
        OutputPrefix = prefix,
        SubmittedAt = DateTimeOffset.UtcNow,
    };

    public static string NewPrefix() => $"test-{Guid.NewGuid():N}/";
}
