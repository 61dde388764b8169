using System.Diagnostics;

namespace JengaFleet.Cli.Tests;

/// <summary>Runs the built <c>jenga</c> command in its own process and captures its output.</summary>
internal static class JengaProcess
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "jenga.dll"));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["COLUMNS"] = "160";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
