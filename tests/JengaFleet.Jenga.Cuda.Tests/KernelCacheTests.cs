using JengaFleet.Jenga.Cuda.Kernels;
using JengaFleet.Testing;
using Xunit;

namespace JengaFleet.Jenga.Cuda.Tests;

public class KernelCacheTests
{
    [Fact]
    public void A_cubin_round_trips_under_a_name_keyed_by_architecture_and_hash()
    {
        using var folder = new TempDirectory();
        var cache = new KernelCache(Path.Combine(folder.Path, "nested"));
        var hash = KernelSource.Hash("source");
        var path = cache.PathFor("bsa", "sm_90a", hash);
        Assert.EndsWith($"bsa-sm_90a-{hash[..16]}.cubin", path);
        Assert.NotEqual(path, cache.PathFor("bsa", "sm_80", hash));
        Assert.Null(cache.TryRead(path));
        Assert.True(cache.TryWrite(path, [1, 2, 3]));
        Assert.Equal(new byte[] { 1, 2, 3 }, cache.TryRead(path));
        Assert.Single(Directory.GetFiles(cache.Folder)); // no temporary file left behind
    }

    [Fact]
    public void An_unwritable_cache_is_not_an_error()
    {
        using var folder = new TempDirectory();
        var blocker = Path.Combine(folder.Path, "file");
        File.WriteAllText(blocker, "not a folder");
        var cache = new KernelCache(Path.Combine(blocker, "kernels"));
        Assert.False(cache.TryWrite(cache.PathFor("bsa", "sm_80", KernelSource.Hash("x")), [1]));
    }
}
