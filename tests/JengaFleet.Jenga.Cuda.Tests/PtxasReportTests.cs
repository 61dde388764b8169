using Xunit;

namespace JengaFleet.Jenga.Cuda.Tests;

public class PtxasReportTests
{
    // Lines as NVRTC 12.4 writes them for sm_90a, with a spill, a non-inlined callee and the two warnings added.
    private const string Log = """
        ptxas info    : (C7515) Potential Performance Loss: wgmma.mma_async instructions are serialized due to non wgmma instructions defining accumulator registers of a wgmma between start and end of the pipeline stage in the function 'kernel_a'
        ptxas info    : (C7508) Potential Performance Loss: 'setmaxnreg' ignored; unable to determine register count at entry.
        ptxas info    : 48 bytes gmem
        ptxas info    : Compiling entry function 'kernel_a' for 'sm_90a'
        ptxas info    : Function properties for kernel_a
        ptxas         .     16 bytes stack frame, 8 bytes spill stores, 12 bytes spill loads
        ptxas info    : Used 168 registers, 544 bytes cmem[0]
        ptxas info    : Function properties for _Z6calleePf
        ptxas         .     32 bytes stack frame, 4 bytes spill stores, 4 bytes spill loads
        ptxas info    : Compiling entry function 'kernel_b' for 'sm_90a'
        ptxas info    : Function properties for kernel_b
        ptxas         .     0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
        ptxas info    : Used 30 registers
        """;

    [Fact]
    public void Each_entry_function_gets_its_own_registers_and_spills()
    {
        var report = PtxasReport.Parse(Log + "\n\0\0");
        Assert.Equal(["kernel_a", "kernel_b"], report.Keys.Order());
        Assert.Equal(new PtxasFunction("kernel_a", 168, 16, 8, 12), report["kernel_a"]);
        Assert.Equal(new PtxasFunction("kernel_b", 30, 0, 0, 0), report["kernel_b"]);
    }

    [Fact]
    public void Serialized_wgmma_and_ignored_setmaxnreg_are_found()
    {
        var warnings = PtxasReport.WgmmaWarnings(Log);
        Assert.Equal(2, warnings.Count);
        Assert.Contains("(C7515)", warnings[0]);
        Assert.Contains("(C7508)", warnings[1]);
        Assert.Empty(PtxasReport.WgmmaWarnings(Log.Split('\n')[2]));
    }

    [Fact]
    public void A_block_without_its_resource_lines_is_an_error() =>
        Assert.Throws<FormatException>(() => PtxasReport.Parse("ptxas info    : Compiling entry function 'k' for 'sm_80'\n"));
}
