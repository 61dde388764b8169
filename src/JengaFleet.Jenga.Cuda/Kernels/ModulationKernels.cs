using System.Runtime.InteropServices;
using JengaFleet.Jenga.Cuda.Native;

namespace JengaFleet.Jenga.Cuda.Kernels;

/// <summary>Launch arguments of modulation.cu's modulated LayerNorm, field for field its <c>ModulatedNormParams</c> (96 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ModulatedNormParams
{
    public nint X;
    public long XSample, XToken;
    public nint Y;
    public long YSample, YToken;
    public nint Shift;
    public long ShiftSample;
    public nint Scale;
    public long ScaleSample;
    public int Batch, Tokens, Channels;
    public float Eps;
}

/// <summary>Launch arguments of modulation.cu's gated residual, field for field its <c>GatedResidualParams</c> (104 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct GatedResidualParams
{
    public nint X;
    public long XSample, XToken;
    public nint Y;
    public long YSample, YToken;
    public nint Gate;
    public long GateSample;
    public nint Output;
    public long OutputSample, OutputToken;
    public int Batch, Tokens, Channels;
}

/// <summary>The fused adaLN kernels (modulation.cu: modulated LayerNorm, gated residual) loaded on one GPU.</summary>
public sealed unsafe class ModulationKernels
{
    /// <summary>Widest row the register-resident LayerNorm kernel takes (RESIDENT_VECTORS in the source); wider rows stream.</summary>
    public const int ResidentChannels = 32 * 16 * 8;

    private const int NormThreads = 256; // 8 rows (warps) per block
    private const int ResidualThreads = 128;
    private readonly CudaDriver _driver;
    private readonly Dictionary<string, nint> _functions = new();

    private ModulationKernels(CudaDriver driver, DeviceDescription device, CompiledModule module)
    {
        _driver = driver;
        Device = device;
        Origin = module.Origin;
        foreach (var name in FunctionNames)
            _functions[name] = driver.Function(module.Handle, name);
    }

    public DeviceDescription Device { get; }

    /// <summary>Where the cubin came from (NVRTC compile or cache file).</summary>
    public string Origin { get; }

    public static IEnumerable<string> FunctionNames =>
        from fp16 in new[] { false, true }
        from name in new[] { NormFunction(fp16, 8), NormFunction(fp16, ResidentChannels + 8), ResidualFunction(fp16) }
        select name;

    public static string NormFunction(bool fp16, int channels) =>
        $"jenga_modulated_norm{(channels > ResidentChannels ? "_streaming" : "")}_{Suffix(fp16)}";

    public static string ResidualFunction(bool fp16) => $"jenga_gated_residual_{Suffix(fp16)}";

    internal static ModulationKernels Load(CudaDriver driver, DeviceDescription device, KernelCache cache, Func<Nvrtc> nvrtc) =>
        new(driver, device, CompiledModule.Load(driver, device, "modulation", KernelSource.Modulation, cache, nvrtc));

    internal void LaunchModulatedNorm(in ModulatedNormParams parameters, bool fp16)
    {
        var rows = (long)parameters.Batch * parameters.Tokens;
        if (rows == 0 || parameters.Channels == 0)
            return;
        var rowsPerBlock = NormThreads / 32;
        var copy = parameters;
        Launch(NormFunction(fp16, parameters.Channels), checked((uint)((rows + rowsPerBlock - 1) / rowsPerBlock)), NormThreads, &copy);
    }

    internal void LaunchGatedResidual(in GatedResidualParams parameters, bool fp16)
    {
        var rows = (long)parameters.Batch * parameters.Tokens;
        if (rows == 0 || parameters.Channels == 0)
            return;
        // Narrow rows get fewer threads rather than idle ones (C = 3072: 384 vectors, three steps of 128).
        var threads = (uint)Math.Min(ResidualThreads, (parameters.Channels / 8 + 31) / 32 * 32);
        var copy = parameters;
        Launch(ResidualFunction(fp16), checked((uint)rows), threads, &copy);
    }

    private void Launch(string function, uint blocks, uint threads, void* parameters)
    {
        void** args = stackalloc void*[1];
        args[0] = parameters;
        _driver.Launch(_functions[function], blocks, threads, 0, args, function);
    }

    private static string Suffix(bool fp16) => fp16 ? "f16" : "bf16";
}
