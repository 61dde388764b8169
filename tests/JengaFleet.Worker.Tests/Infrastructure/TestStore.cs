using JengaFleet.Worker.Configuration;
using JengaFleet.Worker.Storage;

namespace JengaFleet.Worker.Tests.Infrastructure;

/// <summary>The test S3 bucket through the production <see cref="S3ObjectStore"/>.</summary>
public static class TestStore
{
    public static StorageOptions Options(string? url = null) => new()
    {
        ServiceUrl = url ?? TestServices.S3Url,
        Bucket = TestServices.S3Bucket,
        AccessKey = TestServices.S3AccessKey,
        SecretKey = TestServices.S3SecretKey,
        ForcePathStyle = true,
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    public static S3ObjectStore Create() => new(Options());

    public static async Task<List<string>> KeysAsync(IObjectStore store, string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in store.ListKeysAsync(prefix, CancellationToken.None))
            keys.Add(key);
        return keys;
    }
}
