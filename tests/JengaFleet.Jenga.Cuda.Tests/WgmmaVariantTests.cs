using System.Runtime.InteropServices;
using JengaFleet.Jenga.Cuda.Kernels;
using JengaFleet.Jenga.Cuda.Native;
using Xunit;

namespace JengaFleet.Jenga.Cuda.Tests;

/// <summary>The Hopper (wgmma/TMA) variants: their names, shared memory, validation and source.</summary>
public class WgmmaVariantTests
{
    [Theory]
    [InlineData("wgmma3", 3)]
    [InlineData("wgmma2", 2)]
    [InlineData(" WGMMA4 ", 4)]
    public void Shapes_parse_and_round_trip(string text, int stages)
    {
        var variant = KernelVariant.ParseShape(text);
        Assert.Equal(new KernelVariant(128, 128, stages, false, 12, 1, KernelFamily.Wgmma), variant);
        Assert.Equal(text.Trim().ToLowerInvariant(), variant.Shape);
        Assert.Equal(variant, KernelVariant.ParseShape(variant.Shape));
        Assert.Equal(384, variant.Threads);
        Assert.True(variant.NeedsSm90a);
    }

    [Fact]
    public void Names_and_instantiations_carry_every_template_argument()
    {
        var hopper = KernelVariant.ParseShape("wgmma3");
        Assert.Equal(KernelVariant.HopperShape, hopper);
        Assert.Equal("jenga_bsa_sm90_d128_s3_bf16", hopper.Name);
        Assert.Equal("JENGA_BSA_SM90_KERNEL(jenga_bsa_sm90_d128_s3_bf16, 128, 3, false)", hopper.Instantiation);
        var d64 = KernelVariant.ParseShape("wgmma2") with { HeadDim = 64, Fp16 = true };
        Assert.Equal("jenga_bsa_sm90_d64_s2_f16", d64.Name);
        Assert.Equal("JENGA_BSA_SM90_KERNEL(jenga_bsa_sm90_d64_s2_f16, 64, 2, true)", d64.Instantiation);
        Assert.NotEqual(hopper.Name, (hopper with { Stages = 2 }).Name);
    }

    [Fact]
    public void Shared_memory_is_the_aligned_tiles_plus_the_mbarriers()
    {
        // 1024 alignment slack + Q and 3 stages of K and V (7 tiles of 128 x D x 2 bytes) + 7 mbarriers.
        var hopper = KernelVariant.HopperShape;
        Assert.Equal(230456, hopper.SharedBytes);
        Assert.Equal(115768, (hopper with { HeadDim = 64 }).SharedBytes);
        Assert.Equal(1024 + 128 * 128 * 2 * 5 + 8 * 5, KernelVariant.Wgmma(2).SharedBytes);
        Assert.True(hopper.SharedBytes <= 232448, "an H100 allows 227 KiB of dynamic shared memory per CTA");
    }

    [Fact]
    public void Validation_rejects_bad_stages_and_mixed_families()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelVariant.ParseShape("wgmma1"));
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelVariant.ParseShape("wgmma5"));
        Assert.Throws<FormatException>(() => KernelVariant.ParseShape("wgmma"));
        Assert.Throws<FormatException>(() => KernelVariant.ParseShape("wgmma3p"));
        Assert.Throws<ArgumentOutOfRangeException>(() => (KernelVariant.HopperShape with { TileKeys = 64 }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (KernelVariant.HopperShape with { Warps = 8 }).Validate());
        KernelVariant.DefaultShape.Validate();
        KernelVariant.HopperShape.Validate();
    }

    [Fact]
    public void The_hopper_file_is_compiled_only_with_a_wgmma_variant()
    {
        const string marker = "#define JENGA_BSA_SM90_KERNEL";
        Assert.Contains(marker, KernelSource.BlockSparseAttentionSm90);
        Assert.DoesNotContain(marker, KernelSource.BlockSparseAttention);

        var ampere = BlockSparseKernels.SourceFor(KernelVariant.DefaultsFor("sm_80"));
        Assert.DoesNotContain(marker, ampere);
        Assert.DoesNotContain("JENGA_BSA_SM90_KERNEL(", ampere);

        var hopper = BlockSparseKernels.SourceFor(KernelVariant.DefaultsFor("sm_90a"));
        Assert.Contains(marker, hopper);
        Assert.StartsWith(KernelSource.BlockSparseAttention, hopper);
        foreach (var v in KernelVariant.DefaultsFor("sm_90a"))
            Assert.Single(hopper.Split('\n'), line => line == v.Instantiation);

        var mixed = BlockSparseKernels.SourceFor([KernelVariant.DefaultShape, KernelVariant.HopperShape]);
        Assert.Contains(marker, mixed);
    }

    [Fact]
    public void Hopper_defaults_to_wgmma_and_other_targets_to_mma_sync()
    {
        var hopper = KernelVariant.DefaultsFor("sm_90a");
        Assert.Equal(4, hopper.Count);
        Assert.All(hopper, v => Assert.Equal(KernelFamily.Wgmma, v.Family));
        Assert.All(hopper, v => Assert.Equal("wgmma3", v.Shape));
        Assert.Equal(4, hopper.Select(v => (v.HeadDim, v.Fp16)).Distinct().Count());

        foreach (var architecture in new[] { "sm_80", "sm_86", "sm_89", "sm_90", "sm_120" })
        {
            var others = KernelVariant.DefaultsFor(architecture);
            Assert.Equal(4, others.Count);
            Assert.All(others, v => Assert.Equal(KernelFamily.MmaSync, v.Family));
            Assert.Equal(4, others.Select(v => (v.HeadDim, v.Fp16)).Distinct().Count());
        }
    }

    [Fact]
    public void The_tma_launch_struct_matches_the_CUDA_struct_layout()
    {
        // BsaTmaParams in block_sparse_attention_sm90.cu: three 128-byte CUtensorMaps, then BsaParams.
        Assert.Equal(128, Marshal.SizeOf<TensorMap>());
        Assert.Equal(576, Marshal.SizeOf<BsaTmaParams>());
        Assert.Equal(128, (int)Marshal.OffsetOf<BsaTmaParams>(nameof(BsaTmaParams.K)));
        Assert.Equal(256, (int)Marshal.OffsetOf<BsaTmaParams>(nameof(BsaTmaParams.V)));
        Assert.Equal(384, (int)Marshal.OffsetOf<BsaTmaParams>(nameof(BsaTmaParams.P)));
    }
}
