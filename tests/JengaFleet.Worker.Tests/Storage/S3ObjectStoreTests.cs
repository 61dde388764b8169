using System.Security.Cryptography;
using JengaFleet.Worker.Storage;
using JengaFleet.Worker.Tests.Infrastructure;
using JengaFleet.Testing;
using Xunit;

namespace JengaFleet.Worker.Tests.Storage;

/// <summary>The S3 store against a real S3-speaking server (s3rver).</summary>
public class S3ObjectStoreTests
{
    private static readonly Dictionary<string, string> Meta = new() { ["sha256"] = "x", ["job-id"] = "j" };

    [Fact]
    public async Task Bytes_round_trip_with_content_type_and_metadata()
    {
        using var store = TestStore.Create();
        var key = $"{TestJobs.NewPrefix()}a/result.json";
        var ct = TestContext.Current.CancellationToken;
        Assert.Null(await store.HeadAsync(key, ct));
        Assert.Null(await store.GetBytesAsync(key, ct));
        await store.PutBytesAsync(key, "{\"a\":1}"u8.ToArray(), "application/json", Meta, ct);
        var head = await store.HeadAsync(key, ct);
        Assert.NotNull(head);
        Assert.Equal(7, head.SizeBytes);
        Assert.Equal("application/json", head.ContentType);
        Assert.Equal("x", head.Sha256);
        Assert.Equal("j", head.Metadata["job-id"]);
        Assert.Equal("{\"a\":1}"u8.ToArray(), await store.GetBytesAsync(key, ct));
    }

    [Fact]
    public async Task A_file_above_the_threshold_goes_up_in_parts_and_reads_back_identical()
    {
        using var dir = new TempDirectory();
        var path = dir.File("big.mp4");
        var bytes = new byte[12 << 20];
        new Random(7).NextBytes(bytes);
        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);
        var options = TestStore.Options();
        options.MultipartThresholdBytes = 5 << 20;
        options.MultipartPartSizeBytes = 5 << 20;
        using var store = new S3ObjectStore(options);
        var key = $"{TestJobs.NewPrefix()}big/video.mp4";
        await store.PutFileAsync(key, path, "video/mp4", Meta, TestContext.Current.CancellationToken);
        var head = await store.HeadAsync(key, TestContext.Current.CancellationToken);
        Assert.Equal(bytes.Length, head!.SizeBytes);
        Assert.Equal("video/mp4", head.ContentType);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), await store.ReadBackSha256Async(key, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_unreachable_server_is_reported_as_storage_unavailable()
    {
        var options = TestStore.Options("http://127.0.0.1:9");
        options.RequestTimeout = TimeSpan.FromSeconds(2);
        using var store = new S3ObjectStore(options);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.HeadAsync("x", TestContext.Current.CancellationToken));
    }
}
