using System.Runtime.InteropServices;
using System.Text;

namespace JengaFleet.Jenga.Cuda.Native;

/// <summary>
/// The few CUDA driver API entry points the kernels need, bound at run time from <c>libcuda.so.1</c>
/// (no link-time dependency, so machines without a GPU driver load this assembly fine and get a reason
/// from <see cref="TryLoad"/> instead of a crash).
/// </summary>
internal sealed unsafe class CudaDriver
{
    // CUdevice_attribute / CUfunction_attribute values from cuda.h.
    public const int AttrMultiprocessorCount = 16;
    public const int AttrComputeCapabilityMajor = 75;
    public const int AttrComputeCapabilityMinor = 76;
    public const int AttrMaxSharedMemoryPerBlockOptin = 97;
    public const int FuncAttrLocalSizeBytes = 3;
    public const int FuncAttrNumRegs = 4;
    public const int FuncAttrMaxDynamicSharedSizeBytes = 8;

    // CUtensorMapDataType values; interleave none, 128-byte swizzle, 128-byte L2 promotion, zero fill.
    public const int TensorMapFloat16 = 6;
    public const int TensorMapBFloat16 = 9;
    private const int TensorMapSwizzle128B = 3;
    private const int TensorMapL2Promotion128B = 2;

    private static readonly object Gate = new();
    private static CudaDriver? _instance;
    private static string? _failure;

    private readonly delegate* unmanaged<uint, int> _cuInit;
    private readonly delegate* unmanaged<int*, int> _cuDriverGetVersion;
    private readonly delegate* unmanaged<int*, int, int> _cuDeviceGet;
    private readonly delegate* unmanaged<int*, int, int, int> _cuDeviceGetAttribute;
    private readonly delegate* unmanaged<byte*, int, int, int> _cuDeviceGetName;
    private readonly delegate* unmanaged<nint*, int> _cuCtxGetCurrent;
    private readonly delegate* unmanaged<nint, int> _cuCtxSetCurrent;
    private readonly delegate* unmanaged<nint*, int, int> _cuDevicePrimaryCtxRetain;
    private readonly delegate* unmanaged<int> _cuCtxSynchronize;
    private readonly delegate* unmanaged<nint*, void*, int> _cuModuleLoadData;
    private readonly delegate* unmanaged<nint*, nint, byte*, int> _cuModuleGetFunction;
    private readonly delegate* unmanaged<nint, int, int, int> _cuFuncSetAttribute;
    private readonly delegate* unmanaged<int*, int, nint, int> _cuFuncGetAttribute;
    private readonly delegate* unmanaged<nint, uint, uint, uint, uint, uint, uint, uint, nint, void**, void**, int> _cuLaunchKernel;
    private readonly delegate* unmanaged<TensorMap*, int, uint, nint, ulong*, ulong*, uint*, uint*, int, int, int, int, int> _cuTensorMapEncodeTiled;
    private readonly delegate* unmanaged<int, byte**, int> _cuGetErrorName;
    private readonly delegate* unmanaged<int, byte**, int> _cuGetErrorString;

    private CudaDriver(nint lib)
    {
        _cuInit = (delegate* unmanaged<uint, int>)Export(lib, "cuInit");
        _cuDriverGetVersion = (delegate* unmanaged<int*, int>)Export(lib, "cuDriverGetVersion");
        _cuDeviceGet = (delegate* unmanaged<int*, int, int>)Export(lib, "cuDeviceGet");
        _cuDeviceGetAttribute = (delegate* unmanaged<int*, int, int, int>)Export(lib, "cuDeviceGetAttribute");
        _cuDeviceGetName = (delegate* unmanaged<byte*, int, int, int>)Export(lib, "cuDeviceGetName");
        _cuCtxGetCurrent = (delegate* unmanaged<nint*, int>)Export(lib, "cuCtxGetCurrent");
        _cuCtxSetCurrent = (delegate* unmanaged<nint, int>)Export(lib, "cuCtxSetCurrent");
        _cuDevicePrimaryCtxRetain = (delegate* unmanaged<nint*, int, int>)Export(lib, "cuDevicePrimaryCtxRetain");
        _cuCtxSynchronize = (delegate* unmanaged<int>)Export(lib, "cuCtxSynchronize");
        _cuModuleLoadData = (delegate* unmanaged<nint*, void*, int>)Export(lib, "cuModuleLoadData");
        _cuModuleGetFunction = (delegate* unmanaged<nint*, nint, byte*, int>)Export(lib, "cuModuleGetFunction");
        _cuFuncSetAttribute = (delegate* unmanaged<nint, int, int, int>)Export(lib, "cuFuncSetAttribute");
        _cuFuncGetAttribute = (delegate* unmanaged<int*, int, nint, int>)Export(lib, "cuFuncGetAttribute");
        _cuLaunchKernel = (delegate* unmanaged<nint, uint, uint, uint, uint, uint, uint, uint, nint, void**, void**, int>)Export(lib, "cuLaunchKernel");
        // Drivers before CUDA 12 have no TMA; only the wgmma kernel needs it.
        _cuTensorMapEncodeTiled = NativeLibrary.TryGetExport(lib, "cuTensorMapEncodeTiled", out var encode)
            ? (delegate* unmanaged<TensorMap*, int, uint, nint, ulong*, ulong*, uint*, uint*, int, int, int, int, int>)encode
            : null;
        _cuGetErrorName = (delegate* unmanaged<int, byte**, int>)Export(lib, "cuGetErrorName");
        _cuGetErrorString = (delegate* unmanaged<int, byte**, int>)Export(lib, "cuGetErrorString");
    }

    /// <summary>Loads and initialises the driver once; null with a reason when that is impossible here.</summary>
    public static CudaDriver? TryLoad(out string? failure)
    {
        lock (Gate)
        {
            if (_instance is null && _failure is null)
            {
                try
                {
                    if (!NativeLibrary.TryLoad("libcuda.so.1", out var lib) && !NativeLibrary.TryLoad("libcuda.so", out lib))
                        throw new CudaException("the CUDA driver library libcuda.so.1 could not be loaded (no NVIDIA driver on this machine?)");
                    var driver = new CudaDriver(lib);
                    driver.Check(driver._cuInit(0), "cuInit");
                    _instance = driver;
                }
                catch (Exception e) when (e is CudaException or EntryPointNotFoundException or DllNotFoundException or BadImageFormatException)
                {
                    _failure = e.Message;
                }
            }

            failure = _failure;
            return _instance;
        }
    }

    public int DriverVersion()
    {
        int version;
        Check(_cuDriverGetVersion(&version), "cuDriverGetVersion");
        return version;
    }

    public int Device(int ordinal)
    {
        int device;
        Check(_cuDeviceGet(&device, ordinal), "cuDeviceGet");
        return device;
    }

    public int Attribute(int device, int attribute)
    {
        int value;
        Check(_cuDeviceGetAttribute(&value, attribute, device), "cuDeviceGetAttribute");
        return value;
    }

    public string DeviceName(int device)
    {
        var buffer = stackalloc byte[256];
        Check(_cuDeviceGetName(buffer, 256, device), "cuDeviceGetName");
        return Marshal.PtrToStringUTF8((nint)buffer) ?? "?";
    }

    /// <summary>
    /// Makes the device's primary context (the one PyTorch/LibTorch uses) current on this thread when no
    /// context is; kernels then share memory and the legacy default stream with torch's operations.
    /// </summary>
    public nint EnsureContext(int device)
    {
        nint context;
        Check(_cuCtxGetCurrent(&context), "cuCtxGetCurrent");
        if (context != 0)
            return context;
        Check(_cuDevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain");
        Check(_cuCtxSetCurrent(context), "cuCtxSetCurrent");
        return context;
    }

    public void Synchronize() => Check(_cuCtxSynchronize(), "cuCtxSynchronize");

    public nint LoadModule(ReadOnlySpan<byte> image)
    {
        nint module;
        fixed (byte* p = image)
            Check(_cuModuleLoadData(&module, p), "cuModuleLoadData");
        return module;
    }

    public nint Function(nint module, string name)
    {
        nint function;
        var bytes = Encoding.ASCII.GetBytes(name + "\0");
        fixed (byte* p = bytes)
            Check(_cuModuleGetFunction(&function, module, p), $"cuModuleGetFunction({name})");
        return function;
    }

    public void SetFunctionAttribute(nint function, int attribute, int value) =>
        Check(_cuFuncSetAttribute(function, attribute, value), "cuFuncSetAttribute");

    public int FunctionAttribute(nint function, int attribute)
    {
        int value;
        Check(_cuFuncGetAttribute(&value, attribute, function), "cuFuncGetAttribute");
        return value;
    }

    /// <summary>Launches on the legacy default stream (stream 0), where TorchSharp's operations run.</summary>
    public void Launch(nint function, uint gridX, uint blockX, uint sharedBytes, void** arguments, string what) =>
        Check(_cuLaunchKernel(function, gridX, 1, 1, blockX, 1, 1, sharedBytes, 0, arguments, null), what);

    /// <summary>A tiled TMA descriptor: dims innermost first, byte strides of every dim but the first, box size per dim.</summary>
    public TensorMap EncodeTiledMap(int dataType, nint address, ulong[] dims, ulong[] strides, uint[] box)
    {
        if (_cuTensorMapEncodeTiled is null)
            throw new CudaException("this CUDA driver has no cuTensorMapEncodeTiled (CUDA 12 or newer is needed for TMA)");
        var map = default(TensorMap);
        var elementStrides = stackalloc uint[dims.Length];
        for (var i = 0; i < dims.Length; i++)
            elementStrides[i] = 1;
        fixed (ulong* d = dims, s = strides)
        fixed (uint* b = box)
            Check(_cuTensorMapEncodeTiled(&map, dataType, (uint)dims.Length, address, d, s, b, elementStrides, 0, TensorMapSwizzle128B, TensorMapL2Promotion128B, 0),
                $"cuTensorMapEncodeTiled(dims [{string.Join(", ", dims)}], byte strides [{string.Join(", ", strides)}])");
        return map;
    }

    public void Check(int result, string call)
    {
        if (result == 0)
            return;
        byte* name = null, text = null;
        if (_cuGetErrorName is not null)
            _cuGetErrorName(result, &name);
        if (_cuGetErrorString is not null)
            _cuGetErrorString(result, &text);
        throw new CudaException($"{call} failed: {Marshal.PtrToStringUTF8((nint)name) ?? "CUDA error"} ({result}): {Marshal.PtrToStringUTF8((nint)text) ?? ""}");
    }

    private static void* Export(nint lib, string name) =>
        NativeLibrary.TryGetExport(lib, name, out var address)
            ? (void*)address
            : throw new CudaException($"libcuda has no export {name} (driver too old?)");
}
