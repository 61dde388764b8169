using System.Runtime.InteropServices;
using JengaFleet.Jenga.Cuda.Native;

namespace JengaFleet.Jenga.Cuda.Kernels;

/// <summary>Launch arguments of the attention kernel; field for field the <c>BsaParams</c> struct of the CUDA source (192 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct BsaParams
{
    public nint Q, K, V, O;
    public nint Lists, Counts, RowOrder, KeyValid;
    public long QSample, QHead, QToken;
    public long KSample, KHead, KToken;
    public long VSample, VHead, VToken;
    public long OSample, OHead, OToken;
    public int Heads, VideoBlocks, KeyBlocks, ListStride, VideoTokens, Rows;
    public float ScaleLog2, ConditionBiasLog2;
}

/// <summary>Launch argument of the wgmma kernel: the <c>BsaTmaParams</c> struct of block_sparse_attention_sm90.cu (576 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct BsaTmaParams
{
    public TensorMap Q, K, V;
    public BsaParams P;
}

/// <summary>What the driver reports about one compiled kernel.</summary>
public sealed record KernelFunctionInfo(string Name, int Registers, int LocalBytes, int SharedBytes);

/// <summary>
/// The block-sparse attention module loaded on one GPU: compiled by NVRTC for the device's architecture
/// (or read from the disk cache) and loaded into torch's primary context. Launches go to the legacy
/// default stream, so they are ordered with TorchSharp's operations before and after.
/// </summary>
public sealed unsafe class BlockSparseKernels
{
    private const string ListKernel = "jenga_build_block_lists";

    private readonly CudaDriver _driver;
    private readonly Dictionary<KernelVariant, nint> _attention;
    private readonly nint _buildLists;

    private BlockSparseKernels(CudaDriver driver, nint module, IReadOnlyList<KernelVariant> variants, DeviceDescription device, string origin, string compileLog)
    {
        _driver = driver;
        Device = device;
        Origin = origin;
        CompileLog = compileLog;
        _attention = new Dictionary<KernelVariant, nint>();
        var info = new List<KernelFunctionInfo>();
        foreach (var variant in variants)
        {
            var function = driver.Function(module, variant.Name);
            if (variant.SharedBytes > device.MaxSharedBytesPerBlock)
                throw new CudaException($"{variant.Name} needs {variant.SharedBytes} bytes of shared memory; {device.Name} allows {device.MaxSharedBytesPerBlock}");
            driver.SetFunctionAttribute(function, CudaDriver.FuncAttrMaxDynamicSharedSizeBytes, variant.SharedBytes);
            _attention[variant] = function;
            info.Add(Describe(function, variant.Name, variant.SharedBytes));
        }

        _buildLists = driver.Function(module, ListKernel);
        info.Add(Describe(_buildLists, ListKernel, 0));
        Functions = info;
    }

    public DeviceDescription Device { get; }

    /// <summary>Where the cubin came from: "compiled by NVRTC x.y (path) in N ms" or "cache file".</summary>
    public string Origin { get; }

    /// <summary>The NVRTC log of a fresh compile (ptxas resource report included); empty when read from the cache.</summary>
    public string CompileLog { get; }

    public IReadOnlyList<KernelFunctionInfo> Functions { get; }

    public IEnumerable<KernelVariant> Variants => _attention.Keys;

    /// <summary>The NVRTC target for a compute capability: <c>sm_90a</c> on Hopper (its own instructions available), <c>sm_XY</c> elsewhere.</summary>
    public static string ArchitectureFor(int major, int minor) => major == 9 && minor == 0 ? "sm_90a" : $"sm_{major}{minor}";

    /// <summary>Full source for a set of variants: the template file(s) plus one instantiation line each.</summary>
    public static string SourceFor(IReadOnlyList<KernelVariant> variants) =>
        KernelSource.BlockSparseAttention
        + (variants.Any(v => v.NeedsSm90a) ? "\n" + KernelSource.BlockSparseAttentionSm90 : "")
        + "\n// instantiations\n" + string.Join("\n", variants.Select(v => v.Instantiation)) + "\n";

    public static IReadOnlyList<string> CompileOptions(string architecture) => CompiledModule.CompileOptions(architecture);

    internal static BlockSparseKernels Load(CudaDriver driver, DeviceDescription device, IReadOnlyList<KernelVariant> variants, KernelCache cache, Func<Nvrtc> nvrtc)
    {
        foreach (var variant in variants)
        {
            variant.Validate();
            if (variant.NeedsSm90a && device.Architecture != "sm_90a")
                throw new CudaException($"{variant.Name} uses wgmma and TMA, which need sm_90a; {device.Name} is {device.Architecture}");
        }

        var module = CompiledModule.Load(driver, device, "block_sparse_attention", SourceFor(variants), cache, nvrtc);
        return new BlockSparseKernels(driver, module.Handle, variants, device, module.Origin, module.CompileLog);
    }

    public bool Has(KernelVariant variant) => _attention.ContainsKey(variant);

    /// <summary>Compact lists of kept key blocks from a contiguous bool mask <c>[rows, keyBlocks]</c>.</summary>
    public void BuildLists(nint mask, int rows, int keyBlocks, int stride, nint lists, nint counts)
    {
        const int threads = 256;
        var warpsPerBlock = threads / 32;
        var blocks = (uint)((rows + warpsPerBlock - 1) / warpsPerBlock);
        void** args = stackalloc void*[6];
        args[0] = &mask;
        args[1] = &rows;
        args[2] = &keyBlocks;
        args[3] = &stride;
        args[4] = &lists;
        args[5] = &counts;
        _driver.Launch(_buildLists, blocks, threads, 0, args, ListKernel);
    }

    internal void Attend(KernelVariant variant, in BsaParams parameters)
    {
        var function = FunctionOf(variant);
        var copy = parameters;
        void** args = stackalloc void*[1];
        args[0] = &copy;
        _driver.Launch(function, (uint)parameters.Rows, (uint)variant.Threads, (uint)variant.SharedBytes, args, variant.Name);
    }

    /// <summary>The wgmma kernel: the same parameters plus TMA descriptors of q, k and v.</summary>
    internal void Attend(KernelVariant variant, in BsaTmaParams parameters)
    {
        var function = FunctionOf(variant);
        var copy = parameters;
        void** args = stackalloc void*[1];
        args[0] = &copy;
        _driver.Launch(function, (uint)parameters.P.Rows, (uint)variant.Threads, (uint)variant.SharedBytes, args, variant.Name);
    }

    /// <summary>
    /// TMA descriptor of a <c>[B, H, L, D]</c> 16-bit tensor (any strides that are multiples of 8 elements, D
    /// contiguous): boxes of 64 columns x 128 tokens, 128-byte swizzle, zeros beyond the last token.
    /// </summary>
    internal TensorMap TokenTileMap(nint address, long[] shape, long[] strides, bool fp16) =>
        _driver.EncodeTiledMap(
            fp16 ? CudaDriver.TensorMapFloat16 : CudaDriver.TensorMapBFloat16,
            address,
            [(ulong)shape[3], (ulong)shape[2], (ulong)shape[1], (ulong)shape[0]],
            [(ulong)strides[2] * 2, (ulong)strides[1] * 2, (ulong)strides[0] * 2],
            [64, KernelVariant.QueryRows, 1, 1]);

    private nint FunctionOf(KernelVariant variant) =>
        _attention.TryGetValue(variant, out var function)
            ? function
            : throw new InvalidOperationException($"{variant.Name} was not compiled into this module");

    public void Synchronize() => _driver.Synchronize();

    private KernelFunctionInfo Describe(nint function, string name, int shared) => new(
        name,
        _driver.FunctionAttribute(function, CudaDriver.FuncAttrNumRegs),
        _driver.FunctionAttribute(function, CudaDriver.FuncAttrLocalSizeBytes),
        shared);
}
