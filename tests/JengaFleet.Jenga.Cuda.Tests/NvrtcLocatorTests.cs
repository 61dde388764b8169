using JengaFleet.Jenga.Cuda.Native;
using JengaFleet.Testing;
using Xunit;

namespace JengaFleet.Jenga.Cuda.Tests;

public class NvrtcLocatorTests
{
    [Fact]
    public void The_wheel_folders_beside_torch_lib_are_searched_before_the_toolkit()
    {
        using var root = new TempDirectory();
        var sitePackages = Path.Combine(root.Path, "site-packages");
        var torchLib = Path.Combine(sitePackages, "torch", "lib");
        var cu13 = Path.Combine(sitePackages, "nvidia", "cu13", "lib");
        var other = Path.Combine(sitePackages, "nvidia", "cudnn", "lib");
        Directory.CreateDirectory(torchLib);
        Directory.CreateDirectory(cu13);
        Directory.CreateDirectory(other);

        var candidates = NvrtcLocator.Candidates(null, $"/opt/elsewhere:{torchLib}", "/opt/cuda");
        var wheel = candidates.ToList().IndexOf(Path.Combine(cu13, "libnvrtc.so.13"));
        var toolkit = candidates.ToList().IndexOf("/usr/local/cuda/lib64/libnvrtc.so.13");
        Assert.True(wheel >= 0, string.Join("\n", candidates));
        Assert.True(toolkit > wheel);
        Assert.Contains(Path.Combine(other, "libnvrtc.so.12"), candidates);
        Assert.Contains("/opt/cuda/lib64/libnvrtc.so.13", candidates);
        Assert.Equal(candidates.Count, candidates.Distinct().Count());
    }

    [Fact]
    public void An_override_comes_first_as_a_file_or_a_folder()
    {
        using var folder = new TempDirectory();
        Assert.Equal("/x/libnvrtc.so.13.0", NvrtcLocator.Candidates("/x/libnvrtc.so.13.0", null, null)[0]);
        Assert.Equal(Path.Combine(folder.Path, "libnvrtc.so.13"), NvrtcLocator.Candidates(folder.Path, null, null)[0]);
    }
}
