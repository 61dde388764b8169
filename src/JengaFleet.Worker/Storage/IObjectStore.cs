namespace JengaFleet.Worker.Storage;

/// <summary>
/// Where videos and result records go. Implementations throw <see cref="StorageUnavailableException"/> for
/// every failure that may pass (network, server errors, a read-back that does not match), so that callers can retry.
/// </summary>
public interface IObjectStore
{
    /// <summary>The object's description, or null when it does not exist.</summary>
    Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Uploads a file (multipart when large).</summary>
    Task PutFileAsync(string key, string path, string contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);

    Task PutBytesAsync(string key, ReadOnlyMemory<byte> bytes, string contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);

    /// <summary>The object's bytes, or null when it does not exist.</summary>
    Task<byte[]?> GetBytesAsync(string key, CancellationToken cancellationToken);

    /// <summary>SHA-256 (lower-case hex) of the stored bytes as read back, or null when the object does not exist.</summary>
    Task<string?> ReadBackSha256Async(string key, CancellationToken cancellationToken);

    /// <summary>Keys under a prefix, in key order.</summary>
    IAsyncEnumerable<string> ListKeysAsync(string prefix, CancellationToken cancellationToken);
}
