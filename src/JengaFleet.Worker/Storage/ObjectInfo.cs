namespace JengaFleet.Worker.Storage;

/// <summary>What storage says about an object: size, content type and user metadata (keys lower-case, without the x-amz-meta- prefix).</summary>
public sealed record ObjectInfo(string Key, long SizeBytes, string ContentType, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The SHA-256 this code stored in the object's metadata, if any.</summary>
    public string? Sha256 => Metadata.TryGetValue(ObjectMetadata.Sha256, out var v) ? v : null;
}

/// <summary>Metadata keys the worker writes on every object.</summary>
public static class ObjectMetadata
{
    public const string Sha256 = "sha256";
    public const string JobId = "job-id";
    public const string Worker = "worker";
}
