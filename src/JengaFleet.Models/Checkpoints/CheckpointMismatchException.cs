namespace JengaFleet.Models.Checkpoints;

/// <summary>A checkpoint does not fit a module: names the file, and the missing, unexpected and mis-shaped keys.</summary>
public sealed class CheckpointMismatchException(
    string source,
    IReadOnlyList<string> missing,
    IReadOnlyList<string> unexpected,
    IReadOnlyList<string> misShaped)
    : Exception(Describe(source, missing, unexpected, misShaped))
{
    public string CheckpointSource { get; } = source;

    public IReadOnlyList<string> Missing { get; } = missing;

    public IReadOnlyList<string> Unexpected { get; } = unexpected;

    /// <summary>Entries like <c>key: checkpoint [a, b], module [c, d]</c>.</summary>
    public IReadOnlyList<string> MisShaped { get; } = misShaped;

    private static string Describe(string source, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> misShaped)
    {
        static string List(string what, IReadOnlyList<string> keys) =>
            keys.Count == 0 ? "" : $"\n  {what} ({keys.Count}): {string.Join(", ", keys.Take(20))}{(keys.Count > 20 ? ", ..." : "")}";
        return $"checkpoint {source} does not match the model:" + List("missing keys", missing) + List("unexpected keys", unexpected) + List("mis-shaped keys", misShaped);
    }
}
