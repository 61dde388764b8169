using System.Runtime.InteropServices;
using JengaFleet.Jenga.Cuda.Kernels;
using JengaFleet.Jenga.Cuda.Native;
using Xunit;

namespace JengaFleet.Jenga.Cuda.Tests;

/// <summary>
/// Compiles the production kernel source with NVRTC exactly as <see cref="BlockSparseKernels"/> does on a
/// GPU, so a syntax error, a register spill or a serialized wgmma shows up on a machine without a GPU.
/// NVRTC needs no GPU: scripts/test.sh fetches it and sets JENGA_NVRTC, which makes a missing NVRTC a
/// failure instead of a skip.
/// </summary>
public class KernelCompileTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("sm_80")]
    [InlineData("sm_86")]
    [InlineData("sm_90a")]
    public void The_default_variants_compile_for(string architecture) =>
        CompileAndCheck(architecture, KernelVariant.DefaultsFor(architecture));

    [Theory]
    [InlineData("wgmma2")]
    public void The_hopper_alternates_compile_without_spills_or_serialized_wgmma(string shape) =>
        CompileAndCheck("sm_90a", KernelVariant.Defaults(KernelVariant.ParseShape(shape)));

    private void CompileAndCheck(string architecture, IReadOnlyList<KernelVariant> variants)
    {
        var nvrtc = LoadNvrtc();
        var options = BlockSparseKernels.CompileOptions(architecture);
        var (cubin, log) = nvrtc.CompileToCubin(BlockSparseKernels.SourceFor(variants), "block_sparse_attention.cu", options);
        output.WriteLine($"NVRTC {nvrtc.Version} ({nvrtc.Path}), {string.Join(' ', options)}:\n{log}");

        Assert.NotEmpty(cubin);
        var report = PtxasReport.Parse(log);
        foreach (var function in report.Values)
            output.WriteLine($"{function.Name}: {function.Registers} registers, {function.StackBytes} bytes stack, {function.SpillStores}/{function.SpillLoads} bytes spilled/reloaded");
        foreach (var name in variants.Select(v => v.Name).Append("jenga_build_block_lists"))
            Assert.True(report.ContainsKey(name), $"the ptxas report has no entry for {name}:\n{log}");

        foreach (var variant in variants.Where(v => v.Family == KernelFamily.Wgmma))
        {
            var function = report[variant.Name];
            Assert.True(function.SpillStores == 0, $"{variant.Name} spills {function.SpillStores} bytes:\n{log}");
        }

        if (variants.Any(v => v.Family == KernelFamily.Wgmma))
        {
            var warnings = PtxasReport.WgmmaWarnings(log);
            Assert.True(warnings.Count == 0, $"ptxas undid the wgmma design:\n{string.Join('\n', warnings)}");
        }
    }

    /// <summary>The fused elementwise modules (modulation.cu, head_norm_rope.cu): every kernel compiles, without spills or a stack frame.</summary>
    [Theory]
    [InlineData("modulation", "sm_80")]
    [InlineData("modulation", "sm_86")]
    [InlineData("modulation", "sm_90a")]
    [InlineData("head_norm_rope", "sm_80")]
    [InlineData("head_norm_rope", "sm_86")]
    [InlineData("head_norm_rope", "sm_90a")]
    public void The_fused_elementwise_kernels_compile_without_spills(string module, string architecture)
    {
        var (source, functions) = module switch
        {
            "modulation" => (KernelSource.Modulation, ModulationKernels.FunctionNames.ToList()),
            _ => (KernelSource.HeadNormRope,
                  (from dim in KernelVariant.SupportedHeadDims from fp16 in new[] { false, true } select HeadNormRopeKernels.FunctionName(dim, fp16)).ToList()),
        };
        var nvrtc = LoadNvrtc();
        var options = CompiledModule.CompileOptions(architecture);
        var (cubin, log) = nvrtc.CompileToCubin(source, module + ".cu", options);
        output.WriteLine($"NVRTC {nvrtc.Version}, {string.Join(' ', options)}:\n{log}");

        Assert.NotEmpty(cubin);
        var report = PtxasReport.Parse(log);
        Assert.Equal(functions.Order(), report.Keys.Order());
        foreach (var function in report.Values)
        {
            output.WriteLine($"{function.Name}: {function.Registers} registers, {function.StackBytes} bytes stack, {function.SpillStores}/{function.SpillLoads} bytes spilled/reloaded");
            Assert.True(function.SpillStores == 0 && function.SpillLoads == 0 && function.StackBytes == 0, $"{function.Name} uses local memory:\n{log}");
        }
    }

    /// <summary>modulation.cu's launch structs as the CUDA compiler lays them out equal the C# structs.</summary>
    [Fact]
    public void The_modulation_launch_structs_have_the_host_layout()
    {
        var checks = $"""

            static_assert(sizeof(ModulatedNormParams) == {Marshal.SizeOf<ModulatedNormParams>()}, "ModulatedNormParams size");
            static_assert(sizeof(GatedResidualParams) == {Marshal.SizeOf<GatedResidualParams>()}, "GatedResidualParams size");
            """;
        var nvrtc = LoadNvrtc();
        var (cubin, _) = nvrtc.CompileToCubin(KernelSource.Modulation + checks, "modulation.cu", CompiledModule.CompileOptions("sm_80"));
        Assert.NotEmpty(cubin);
        var wrong = KernelSource.Modulation + "\nstatic_assert(sizeof(GatedResidualParams) == 100, \"GatedResidualParams size\");\n";
        var error = Assert.Throws<CudaException>(() => nvrtc.CompileToCubin(wrong, "modulation.cu", CompiledModule.CompileOptions("sm_80")));
        Assert.Contains("GatedResidualParams size", error.Message);
    }

    /// <summary>
    /// The checks above can fail: ptxas' warnings reach the NVRTC log. A wgmma whose accumulator another
    /// instruction writes mid-pipeline is serialized, and setmaxnreg without launch bounds is ignored.
    /// </summary>
    [Fact]
    public void Serialized_wgmma_and_ignored_setmaxnreg_reach_the_log()
    {
        const string source = """
            extern "C" __global__ void __launch_bounds__(128, 1) serialized(float* out, unsigned long long a, unsigned long long b)
            {
                float d0 = out[0], d1 = 0, d2 = 0, d3 = 0;
                asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory");
                for (int i = 0; i < 4; ++i) {
                    asm volatile("wgmma.mma_async.sync.aligned.m64n8k16.f32.bf16.bf16 {%0,%1,%2,%3}, %4, %5, 1, 1, 1, 0, 0;\n"
                                 : "+f"(d0), "+f"(d1), "+f"(d2), "+f"(d3) : "l"(a + i), "l"(b));
                    d0 = d0 * 2.0f;
                }
                asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory");
                asm volatile("wgmma.wait_group.sync.aligned 0;\n" ::: "memory");
                out[threadIdx.x] = d0 + d1 + d2 + d3;
            }
            extern "C" __global__ void unbounded(float* out)
            {
                asm volatile("setmaxnreg.inc.sync.aligned.u32 240;\n" ::: "memory");
                out[threadIdx.x] = 1.0f;
            }
            """;
        var nvrtc = LoadNvrtc();
        var (_, log) = nvrtc.CompileToCubin(source, "bad_hopper.cu", BlockSparseKernels.CompileOptions("sm_90a"));
        output.WriteLine(log);
        var warnings = PtxasReport.WgmmaWarnings(log);
        Assert.Contains(warnings, line => line.Contains("serialized", StringComparison.Ordinal) && line.Contains("'serialized'", StringComparison.Ordinal));
        Assert.Contains(warnings, line => line.Contains("(C7508)", StringComparison.Ordinal));
        Assert.Equal(["serialized", "unbounded"], PtxasReport.Parse(log).Keys.Order());
    }

    /// <summary>The launch structs as the CUDA compiler lays them out equal the C# structs the host fills.</summary>
    [Fact]
    public void The_device_launch_structs_have_the_host_layout()
    {
        // NVRTC has no offsetof in constant expressions; with the member order fixed, the sizes and the
        // tensor maps' 64-byte alignment pin the offsets (P at 3 x 128 = 384).
        var checks = $"""
            static_assert(sizeof(BsaParams) == {Marshal.SizeOf<BsaParams>()}, "BsaParams size");
            static_assert(sizeof(TensorMap) == {Marshal.SizeOf<TensorMap>()} && alignof(TensorMap) == 64, "TensorMap size");
            static_assert(sizeof(BsaTmaParams) == {Marshal.SizeOf<BsaTmaParams>()}, "BsaTmaParams size");
            static_assert(sizeof(BsaTmaParams) - sizeof(BsaParams) == {Marshal.OffsetOf<BsaTmaParams>(nameof(BsaTmaParams.P))}, "BsaTmaParams.p");
            """;
        var nvrtc = LoadNvrtc();
        var source = BlockSparseKernels.SourceFor([KernelVariant.HopperShape]) + checks;
        var (cubin, _) = nvrtc.CompileToCubin(source, "block_sparse_attention.cu", BlockSparseKernels.CompileOptions("sm_90a"));
        Assert.NotEmpty(cubin);
        var wrong = BlockSparseKernels.SourceFor([KernelVariant.HopperShape]) + "static_assert(sizeof(BsaTmaParams) == 575, \"BsaTmaParams size\");\n";
        var error = Assert.Throws<CudaException>(() => nvrtc.CompileToCubin(wrong, "block_sparse_attention.cu", BlockSparseKernels.CompileOptions("sm_90a")));
        Assert.Contains("BsaTmaParams size", error.Message);
    }

    /// <summary>The NVRTC to test with; a failure when JENGA_NVRTC names one that does not load, a skip when none is around.</summary>
    private static Nvrtc LoadNvrtc()
    {
        var required = Environment.GetEnvironmentVariable(NvrtcLocator.OverrideVariable);
        var nvrtc = Nvrtc.TryLoad(out var failure);
        if (!string.IsNullOrWhiteSpace(required))
        {
            Assert.True(nvrtc is not null, $"{NvrtcLocator.OverrideVariable}={required} but NVRTC did not load: {failure}");
            Assert.True(
                NvrtcLocator.Candidates(required, null, null).Contains(nvrtc.Path),
                $"{NvrtcLocator.OverrideVariable}={required} but NVRTC was loaded from {nvrtc.Path}");
        }

        Assert.SkipWhen(nvrtc is null, $"no NVRTC on this machine ({failure}); scripts/test.sh fetches one and sets {NvrtcLocator.OverrideVariable}");
        return nvrtc;
    }
}
