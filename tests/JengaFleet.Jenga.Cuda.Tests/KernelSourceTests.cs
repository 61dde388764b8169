using System.Runtime.CompilerServices;
using JengaFleet.Jenga.Cuda.Kernels;
using Xunit;

namespace JengaFleet.Jenga.Cuda.Tests;

public class KernelSourceTests
{
    private static string RepositoryFile(string relative, [CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", relative));

    [Fact]
    public void The_embedded_source_is_the_repository_file_and_holds_both_kernels()
    {
        var embedded = KernelSource.BlockSparseAttention;
        var onDisk = File.ReadAllText(RepositoryFile("src/JengaFleet.Jenga.Cuda/Kernels/block_sparse_attention.cu")).Replace("\r\n", "\n");
        Assert.Equal(onDisk, embedded);
        Assert.Contains("#define JENGA_BSA_KERNEL", embedded);
        Assert.Contains("jenga_build_block_lists", embedded);
        Assert.DoesNotContain("#include", embedded); // NVRTC gets no CUDA headers
    }

    [Theory]
    [InlineData("modulation.cu")]
    [InlineData("head_norm_rope.cu")]
    public void The_elementwise_sources_are_the_shared_16_bit_helpers_then_the_repository_file(string file)
    {
        string Disk(string name) => File.ReadAllText(RepositoryFile("src/JengaFleet.Jenga.Cuda/Kernels/" + name)).Replace("\r\n", "\n");
        var embedded = file == "modulation.cu" ? KernelSource.Modulation : KernelSource.HeadNormRope;
        Assert.Equal(Disk("sixteen_bit.cu") + "\n" + Disk(file), embedded);
        Assert.DoesNotContain("#include", embedded);
        Assert.Single(embedded.Split('\n'), line => line.Contains("float to_f32(u16 v)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(3072, false, "jenga_modulated_norm_bf16")]
    [InlineData(ModulationKernels.ResidentChannels, true, "jenga_modulated_norm_f16")]
    [InlineData(ModulationKernels.ResidentChannels + 8, false, "jenga_modulated_norm_streaming_bf16")]
    public void Rows_wider_than_the_registers_hold_take_the_streaming_kernel(int channels, bool fp16, string expected)
    {
        Assert.Equal(expected, ModulationKernels.NormFunction(fp16, channels));
        // RESIDENT_VECTORS in the source must match the C# bound.
        Assert.Contains($"#define RESIDENT_VECTORS {ModulationKernels.ResidentChannels / 256}\n", KernelSource.Modulation);
    }

    [Fact]
    public void The_hash_is_stable_and_changes_with_the_text()
    {
        var source = KernelSource.BlockSparseAttention;
        var hash = KernelSource.Hash(source);
        Assert.Equal(64, hash.Length);
        Assert.Equal(hash, KernelSource.Hash(new string(source.AsSpan())));
        Assert.Equal(hash, KernelSource.Hash(KernelSource.Read(KernelSource.BlockSparseAttentionResource)));
        Assert.NotEqual(hash, KernelSource.Hash(source + " "));
        // A known input pins the hash function itself (SHA-256, lower-case hex).
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", KernelSource.Hash("abc"));
    }

    [Fact]
    public void The_compiled_source_instantiates_each_variant_once()
    {
        var variants = KernelVariant.DefaultsFor("sm_80");
        var source = BlockSparseKernels.SourceFor(variants);
        Assert.Equal(4, variants.Count);
        foreach (var v in variants)
            Assert.Single(source.Split('\n'), line => line == v.Instantiation);
        Assert.Equal(source, BlockSparseKernels.SourceFor(KernelVariant.DefaultsFor("sm_80")));
        Assert.Equal(2, variants.Count(v => v.HeadDim == 128));
        Assert.Equal(2, variants.Count(v => v.HeadDim == 64));
        Assert.Equal(2, variants.Count(v => v.Fp16));
        Assert.Equal(4, KernelVariant.Defaults(KernelVariant.ParseShape("64x3")).Select(v => v.Name).Distinct().Count());
        Assert.Contains("JENGA_BSA_KERNEL(jenga_bsa_d64_n64_s3_w8m2_f16, 64, 64, 3, true, 8, 2)", new KernelVariant(64, 64, 3, true, 8, 2).Instantiation);
    }

    [Theory]
    [InlineData(9, 0, "sm_90a")]
    [InlineData(8, 0, "sm_80")]
    [InlineData(8, 6, "sm_86")]
    [InlineData(8, 9, "sm_89")]
    [InlineData(12, 0, "sm_120")]
    public void The_target_follows_the_compute_capability(int major, int minor, string expected) =>
        Assert.Equal(expected, BlockSparseKernels.ArchitectureFor(major, minor));

    [Fact]
    public void Variants_report_their_shared_memory_and_reject_unsupported_shapes()
    {
        Assert.Equal(98304, new KernelVariant(128, 64, 2, false).SharedBytes);
        Assert.Equal(131072, new KernelVariant(128, 64, 3, false).SharedBytes);
        Assert.Equal(32768, new KernelVariant(64, 32, 2, true).SharedBytes);
        Assert.Equal("jenga_bsa_d64_n32_s2_w4m1_f16", new KernelVariant(64, 32, 2, true).Name);
        Assert.Equal(256, new KernelVariant(128, 64, 2, false, Warps: 8).Threads);
        new KernelVariant(128, 128, 2, false, Warps: 8).Validate();
        Assert.Throws<ArgumentOutOfRangeException>(() => new KernelVariant(96, 64, 2, false).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new KernelVariant(128, 128, 2, false).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new KernelVariant(128, 64, 1, false).Validate());
    }

    [Theory]
    [InlineData("64x2", 64, 2, 4, 1)]
    [InlineData("32x3w8", 32, 3, 8, 1)]
    [InlineData("128x2w8m2", 128, 2, 8, 2)]
    public void Shapes_parse_from_the_bench_syntax(string text, int keys, int stages, int warps, int minBlocks)
    {
        var shape = KernelVariant.ParseShape(text);
        Assert.Equal(new KernelVariant(128, keys, stages, false, warps, minBlocks), shape);
        Assert.Equal(shape, KernelVariant.ParseShape(shape.Shape));
        Assert.ThrowsAny<Exception>(() => KernelVariant.ParseShape("64"));
        Assert.ThrowsAny<Exception>(() => KernelVariant.ParseShape("128x2w4"));
    }

    [Fact]
    public void The_launch_struct_matches_the_CUDA_struct_layout()
    {
        // BsaParams in block_sparse_attention.cu: 8 pointers, 12 int64 strides, 6 ints, 2 floats.
        Assert.Equal(192, System.Runtime.InteropServices.Marshal.SizeOf<BsaParams>());
        Assert.Equal(64, (int)System.Runtime.InteropServices.Marshal.OffsetOf<BsaParams>(nameof(BsaParams.QSample)));
        Assert.Equal(160, (int)System.Runtime.InteropServices.Marshal.OffsetOf<BsaParams>(nameof(BsaParams.Heads)));
        Assert.Equal(184, (int)System.Runtime.InteropServices.Marshal.OffsetOf<BsaParams>(nameof(BsaParams.ScaleLog2)));
    }
}
