using System.Text.RegularExpressions;

namespace JengaFleet.Worker.Jobs;

/// <summary>
/// The object keys of a job, derived only from its output prefix and job id: a redelivered job writes the
/// same keys, so it can never produce a second copy.
/// </summary>
public sealed partial record JobKeys(string Prefix, string JobId)
{
    public const string DefaultPrefix = "jobs/";

    public string Video => $"{Prefix}{JobId}/video.mp4";

    public string Record => $"{Prefix}{JobId}/result.json";

    public static bool IsValidJobId(string? jobId) => jobId is not null && JobIdPattern().IsMatch(jobId);

    /// <summary>Null or empty → <see cref="DefaultPrefix"/>; otherwise segments of [A-Za-z0-9._-] separated by '/', ending in '/'.</summary>
    public static string? NormalizePrefix(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix))
            return DefaultPrefix;
        var p = prefix.EndsWith('/') ? prefix : prefix + "/";
        if (p.Length > 512 || !PrefixPattern().IsMatch(p) || p.Split('/').Any(s => s is "." or ".."))
            return null;
        return p;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex JobIdPattern();

    [GeneratedRegex("^([A-Za-z0-9._-]+/)+$")]
    private static partial Regex PrefixPattern();
}
