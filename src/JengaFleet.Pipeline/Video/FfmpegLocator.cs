namespace JengaFleet.Pipeline.Video;

/// <summary>Finds the ffmpeg executable the mp4 encoder runs, so a missing one is reported before any model loads.</summary>
public static class FfmpegLocator
{
    public const string InstallHint = "install it (Debian/Ubuntu: apt-get install ffmpeg) or put it on PATH";

    /// <summary>The full path of <c>ffmpeg</c> on PATH, or null.</summary>
    public static string? Find()
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, OperatingSystem.IsWindows() ? "ffmpeg.exe" : "ffmpeg");
            if (File.Exists(candidate))
                return candidate;
        }

        return null;
    }

    /// <exception cref="InvalidOperationException">ffmpeg is not on PATH.</exception>
    public static void EnsureAvailable()
    {
        if (Find() is null)
            throw new InvalidOperationException($"ffmpeg was not found on PATH (needed to write the mp4): {InstallHint}");
    }
}
