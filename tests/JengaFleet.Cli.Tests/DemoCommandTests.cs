using JengaFleet.Testing;
using Xunit;

namespace JengaFleet.Cli.Tests;

/// <summary><c>jenga demo</c>, the README's first command: the fleet in one process with the tiny model.</summary>
public class DemoCommandTests
{
    [Fact]
    public async Task Runs_prompts_through_the_embedded_fleet_and_prints_stage_latency()
    {
        using var dir = new TempDirectory();
        var output = Path.Combine(dir.Path, "demo");
        var (code, text) = await JengaProcess.RunAsync(dir.Path, new Dictionary<string, string> { ["JENGA_CACHE_DIR"] = Path.Combine(dir.Path, "cache") },
            "demo", "--workers", "1", "--prompt", "a paper boat", "--prompt", "a lighthouse", "--output", output);
        Assert.True(code == 0, text);
        Assert.Contains("2/2 videos with 1 workers", text);
        Assert.Contains("vae_decode", text);
        Assert.Equal(2, Directory.GetFiles(output, "video.mp4", SearchOption.AllDirectories).Length);
        Assert.Equal(2, Directory.GetFiles(output, "result.json", SearchOption.AllDirectories).Length);
    }
}
