using JengaFleet.Worker.Storage;
using JengaFleet.Testing;
using Xunit;

namespace JengaFleet.Worker.Tests.Storage;

public class LocalFolderObjectStoreTests
{
    [Fact]
    public async Task Objects_round_trip_with_metadata_and_list_by_prefix()
    {
        using var dir = new TempDirectory();
        var store = new LocalFolderObjectStore(dir.Path);
        var ct = TestContext.Current.CancellationToken;
        await store.PutBytesAsync("p/j1/result.json", "{}"u8.ToArray(), "application/json", new Dictionary<string, string> { ["sha256"] = "abc" }, ct);
        await File.WriteAllBytesAsync(dir.File("src.mp4"), [1, 2, 3], ct);
        await store.PutFileAsync("p/j1/video.mp4", dir.File("src.mp4"), "video/mp4", new Dictionary<string, string>(), ct);
        var head = await store.HeadAsync("p/j1/result.json", ct);
        Assert.Equal(("application/json", 2L, "abc"), (head!.ContentType, head.SizeBytes, head.Sha256));
        Assert.Equal(new byte[] { 1, 2, 3 }, await store.GetBytesAsync("p/j1/video.mp4", ct));
        var keys = new List<string>();
        await foreach (var k in store.ListKeysAsync("p/", ct))
            keys.Add(k);
        Assert.Equal(["p/j1/result.json", "p/j1/video.mp4"], keys);
        Assert.Null(await store.HeadAsync("p/none", ct));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("/abs")]
    [InlineData("a//b")]
    public void Keys_cannot_leave_the_folder(string key) =>
        Assert.Throws<ArgumentException>(() => new LocalFolderObjectStore(Path.GetTempPath()).PathOf(key));
}
