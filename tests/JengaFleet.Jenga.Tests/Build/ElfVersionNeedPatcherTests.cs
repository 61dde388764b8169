using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Security.Cryptography;
using JengaFleet.Build;
using TorchSharp;
using Xunit;

namespace JengaFleet.Jenga.Tests.Build;

[Trait("Category", "Build")]
public sealed class ElfVersionNeedPatcherTests : IDisposable
{
    private const string Gcc13Version = "GLIBCXX_3.4.32";

    private readonly string _tempDir = Directory.CreateTempSubdirectory("jenga-elf-").FullName;

    public void Dispose() => Directory.Delete(_tempDir, recursive: true);

    [Fact]
    public void TorchSharp_loads_from_the_build_output_and_computes()
    {
        // Fails with "...doesn't contain a reference to libtorch-cpu-linux-x64" on a pre-GCC-13
        // libstdc++ unless the build marked GLIBCXX_3.4.32 weak in the output's libLibTorchSharp.so.
        using var sum = torch.ones(3).sum();
        Assert.Equal(3f, sum.item<float>());
    }

    [Fact]
    public void Patches_a_copy_of_the_NuGet_library_in_exactly_its_vna_flags_field()
    {
        string original = NuGetLibTorchSharpOrSkip();
        byte[] originalHash = Sha256(original);
        string copy = Path.Combine(_tempDir, "libLibTorchSharp.so");
        File.Copy(original, copy);
        byte[] before = File.ReadAllBytes(copy);

        ElfVersionNeedResult inspected = ElfVersionNeedPatcher.Inspect(copy, Gcc13Version);
        Assert.Equal(ElfVersionNeedState.Required, inspected.State);
        Assert.Equal("libstdc++.so.6", inspected.RequiredFrom);
        long offset = Assert.Single(inspected.FlagsOffsets);
        Assert.Equal(0, ReadU16(before, offset) & ElfVersionNeedPatcher.VerFlgWeak);

        ElfVersionNeedResult patched = ElfVersionNeedPatcher.MarkWeak(copy, Gcc13Version);
        Assert.Equal(ElfVersionNeedState.Patched, patched.State);
        Assert.Equal(offset, Assert.Single(patched.FlagsOffsets));

        byte[] after = File.ReadAllBytes(copy);
        Assert.Equal(before.Length, after.Length);
        long[] changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).Select(i => (long)i).ToArray();
        Assert.NotEmpty(changed);
        Assert.All(changed, i => Assert.InRange(i, offset, offset + 1)); // only the 2-byte vna_flags
        Assert.Equal(ReadU16(before, offset) | ElfVersionNeedPatcher.VerFlgWeak, ReadU16(after, offset));

        Assert.Equal(ElfVersionNeedState.AlreadyWeak, ElfVersionNeedPatcher.MarkWeak(copy, Gcc13Version).State);
        Assert.Equal(after, File.ReadAllBytes(copy));
        Assert.Equal(ElfVersionNeedState.VersionNotRequired, ElfVersionNeedPatcher.Inspect(copy, "GLIBCXX_9.9.99").State);
        Assert.Equal(originalHash, Sha256(original));
        Assert.Single(Directory.GetFiles(_tempDir)); // no temp file left behind
    }

    [Fact]
    public void Leaves_a_hard_linked_file_untouched()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("Uses link(2).");
        }
        string original = NuGetLibTorchSharpOrSkip();
        string copy = Path.Combine(_tempDir, "libLibTorchSharp.so");
        string link = Path.Combine(_tempDir, "cache-entry.so");
        File.Copy(original, copy);
        CreateHardLink(copy, link); // like a NuGet cache file hard-linked into bin/
        byte[] linkHash = Sha256(link);

        Assert.Equal(ElfVersionNeedState.Patched, ElfVersionNeedPatcher.MarkWeak(copy, Gcc13Version).State);

        Assert.Equal(linkHash, Sha256(link));
        Assert.Equal(ElfVersionNeedState.Required, ElfVersionNeedPatcher.Inspect(link, Gcc13Version).State);
    }

    public static TheoryData<string, byte[]> NotElf64Inputs()
    {
        var elf64Header = new byte[64];
        new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1 }.CopyTo(elf64Header, 0);
        var elf32 = (byte[])elf64Header.Clone();
        elf32[4] = 1;
        var badSectionTable = (byte[])elf64Header.Clone();
        badSectionTable[0x28] = 0x40;  // e_shoff = 64, i.e. right at the end of the file
        badSectionTable[0x3A] = 64;    // e_shentsize
        badSectionTable[0x3C] = 5;     // e_shnum
        var garbage = new byte[4096];
        new Random(1234).NextBytes(garbage);
        return new TheoryData<string, byte[]>
        {
            { "empty", Array.Empty<byte>() },
            { "text", "hello, not a library\n"u8.ToArray() },
            { "random bytes", garbage },
            { "magic only", elf64Header[..4] },
            { "ELF32", elf32 },
            { "section table past end", badSectionTable },
        };
    }

    [Theory]
    [MemberData(nameof(NotElf64Inputs))]
    public void Garbage_is_reported_as_not_ELF64_and_left_unchanged(string name, byte[] content)
    {
        string path = Path.Combine(_tempDir, name + ".so");
        File.WriteAllBytes(path, content);

        Assert.Equal(ElfVersionNeedState.NotElf64, ElfVersionNeedPatcher.Inspect(path, Gcc13Version).State);
        Assert.Equal(ElfVersionNeedState.NotElf64, ElfVersionNeedPatcher.MarkWeak(path, Gcc13Version).State);

        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_tempDir));
    }

    [Fact]
    public void Truncated_library_is_reported_as_not_ELF64_and_left_unchanged()
    {
        string original = NuGetLibTorchSharpOrSkip();
        byte[] content = File.ReadAllBytes(original)[..100_000]; // headers intact, section table cut off
        string path = Path.Combine(_tempDir, "truncated.so");
        File.WriteAllBytes(path, content);

        ElfVersionNeedResult result = ElfVersionNeedPatcher.MarkWeak(path, Gcc13Version);

        Assert.Equal(ElfVersionNeedState.NotElf64, result.State);
        Assert.Equal(content, File.ReadAllBytes(path));
    }

    [Fact]
    public void Probes_the_system_libstdcxx_versions()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("libstdc++ probing is Linux-only.");
        }
        string? path = ElfVersionNeedPatcher.FindSystemLibStdCxx();
        if (path is null)
        {
            Assert.Skip("No system libstdc++.so.6 on this machine.");
        }

        Assert.Equal(true, ElfVersionNeedPatcher.SystemLibStdCxxDefines("GLIBCXX_3.4.30", out string? probed));
        Assert.Equal(path, probed);
        Assert.True(ElfVersionNeedPatcher.LibraryDefinesVersion(path, "GLIBCXX_3.4.3"));
        Assert.False(ElfVersionNeedPatcher.LibraryDefinesVersion(path, "GLIBCXX_9.9.99"));
        Assert.Equal(false, ElfVersionNeedPatcher.SystemLibStdCxxDefines("GLIBCXX_9.9.99", out _));
    }

    /// <summary>The unpatched library in the NuGet package cache, for the TorchSharp version this project uses.</summary>
    private static string NuGetLibTorchSharpOrSkip()
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } env
            ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string version = typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!
            .InformationalVersion.Split('+')[0];
        string path = Path.Combine(root, "torchsharp", version, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!File.Exists(path))
        {
            Assert.Skip($"TorchSharp's native library is not in the NuGet cache: {path}");
        }
        return path;
    }

    private static void CreateHardLink(string existing, string newPath)
    {
        // .NET has no hard-link API; paths go to link(2) as NUL-terminated UTF-8.
        if (link(Encoding.UTF8.GetBytes(existing + "\0"), Encoding.UTF8.GetBytes(newPath + "\0")) != 0)
        {
            throw new IOException($"link({existing}, {newPath}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int link(byte[] oldPath, byte[] newPath);

    private static byte[] Sha256(string path) => SHA256.HashData(File.ReadAllBytes(path));

    private static int ReadU16(byte[] bytes, long offset) => bytes[offset] | bytes[offset + 1] << 8;
}
