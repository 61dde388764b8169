using System.Runtime.CompilerServices;
using System.Text.Json;

namespace JengaFleet.Worker.Storage;

/// <summary>
/// Object storage in a local folder (the embedded demo, single-machine runs): the object under its key as a
/// relative path, its content type and metadata in a <c>.meta.json</c> file beside it. Writes go to a temporary
/// file first and are moved into place, so a reader never sees half an object.
/// </summary>
public sealed class LocalFolderObjectStore(string root) : IObjectStore
{
    private const string MetaSuffix = ".meta.json";

    public string Root { get; } = Path.GetFullPath(root);

    public async Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (!File.Exists(path))
            return null;
        var meta = File.Exists(path + MetaSuffix)
            ? JsonSerializer.Deserialize<StoredMeta>(await File.ReadAllBytesAsync(path + MetaSuffix, cancellationToken)) ?? new StoredMeta("", [])
            : new StoredMeta("application/octet-stream", []);
        return new ObjectInfo(key, new FileInfo(path).Length, meta.ContentType, meta.Metadata);
    }

    public async Task PutFileAsync(string key, string path, string contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var target = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = target + ".part-" + Guid.NewGuid().ToString("N");
        File.Copy(path, temp, overwrite: true);
        await WriteMetaAsync(target, contentType, metadata, cancellationToken);
        File.Move(temp, target, overwrite: true);
    }

    public async Task PutBytesAsync(string key, ReadOnlyMemory<byte> bytes, string contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var target = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = target + ".part-" + Guid.NewGuid().ToString("N");
        await File.WriteAllBytesAsync(temp, bytes.ToArray(), cancellationToken);
        await WriteMetaAsync(target, contentType, metadata, cancellationToken);
        File.Move(temp, target, overwrite: true);
    }

    public async Task<byte[]?> GetBytesAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken) : null;
    }

    public async Task<string?> ReadBackSha256Async(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        return File.Exists(path) ? await Sha256Hex.OfFileAsync(path, cancellationToken) : null;
    }

    public async IAsyncEnumerable<string> ListKeysAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        if (!Directory.Exists(Root))
            yield break;
        var keys = Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Where(p => !p.EndsWith(MetaSuffix, StringComparison.Ordinal) && !p.Contains(".part-", StringComparison.Ordinal))
            .Select(p => Path.GetRelativePath(Root, p).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return key;
        }
    }

    public string PathOf(string key)
    {
        if (key.Length == 0 || key.StartsWith('/') || key.Split('/').Any(part => part is "" or "." or ".."))
            throw new ArgumentException($"'{key}' is not a valid object key for a folder store", nameof(key));
        return Path.Combine(Root, key.Replace('/', Path.DirectorySeparatorChar));
    }

    private static Task WriteMetaAsync(string target, string contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        File.WriteAllBytesAsync(target + MetaSuffix, JsonSerializer.SerializeToUtf8Bytes(new StoredMeta(contentType, new Dictionary<string, string>(metadata))), cancellationToken);

    private sealed record StoredMeta(string ContentType, Dictionary<string, string> Metadata);
}
