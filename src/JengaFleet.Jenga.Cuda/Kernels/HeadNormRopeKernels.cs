using System.Runtime.InteropServices;
using JengaFleet.Jenga.Cuda.Native;

namespace JengaFleet.Jenga.Cuda.Kernels;

/// <summary>Launch arguments of head_norm_rope.cu, field for field its <c>HeadNormRopeParams</c> (104 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct HeadNormRopeParams
{
    public nint X;
    public long XSample, XHead, XToken;
    public nint Y;
    public long YSample, YHead, YToken;
    public nint Weight, Cos, Sin;
    public int Batch, Heads, Tokens, RopeTokens;
    public float Eps;
}

/// <summary>The fused QK RMSNorm + RoPE kernels (head_norm_rope.cu) loaded on one GPU.</summary>
public sealed unsafe class HeadNormRopeKernels
{
    private const int Threads = 256;
    private readonly CudaDriver _driver;
    private readonly Dictionary<(int HeadDim, bool Fp16), nint> _functions = new();

    private HeadNormRopeKernels(CudaDriver driver, DeviceDescription device, CompiledModule module)
    {
        _driver = driver;
        Device = device;
        Origin = module.Origin;
        foreach (var dim in KernelVariant.SupportedHeadDims)
        {
            foreach (var fp16 in new[] { false, true })
                _functions[(dim, fp16)] = driver.Function(module.Handle, FunctionName(dim, fp16));
        }
    }

    public DeviceDescription Device { get; }

    /// <summary>Where the cubin came from (NVRTC compile or cache file).</summary>
    public string Origin { get; }

    public static string FunctionName(int headDim, bool fp16) => $"jenga_head_norm_rope_d{headDim}_{(fp16 ? "f16" : "bf16")}";

    internal static HeadNormRopeKernels Load(CudaDriver driver, DeviceDescription device, KernelCache cache, Func<Nvrtc> nvrtc) =>
        new(driver, device, CompiledModule.Load(driver, device, "head_norm_rope", KernelSource.HeadNormRope, cache, nvrtc));

    internal void Launch(in HeadNormRopeParams parameters, int headDim, bool fp16)
    {
        var rows = (long)parameters.Batch * parameters.Heads * parameters.Tokens;
        if (rows == 0)
            return;
        var rowsPerBlock = Threads / 32;
        var copy = parameters;
        void** args = stackalloc void*[1];
        args[0] = &copy;
        _driver.Launch(_functions[(headDim, fp16)], checked((uint)((rows + rowsPerBlock - 1) / rowsPerBlock)), Threads, 0, args, FunctionName(headDim, fp16));
    }
}
