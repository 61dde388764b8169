using System.Runtime.InteropServices;
using System.Text;

namespace JengaFleet.Jenga.Cuda.Native;

/// <summary>NVRTC, bound at run time from the first library <see cref="NvrtcLocator"/> finds.</summary>
internal sealed unsafe class Nvrtc
{
    private static readonly object Gate = new();
    private static Nvrtc? _instance;
    private static string? _failure;

    private readonly delegate* unmanaged<int*, int*, int> _version;
    private readonly delegate* unmanaged<nint*, byte*, byte*, int, byte**, byte**, int> _createProgram;
    private readonly delegate* unmanaged<nint, int, byte**, int> _compileProgram;
    private readonly delegate* unmanaged<nint*, int> _destroyProgram;
    private readonly delegate* unmanaged<nint, nuint*, int> _getProgramLogSize;
    private readonly delegate* unmanaged<nint, byte*, int> _getProgramLog;
    private readonly delegate* unmanaged<nint, nuint*, int> _getCubinSize;
    private readonly delegate* unmanaged<nint, byte*, int> _getCubin;
    private readonly delegate* unmanaged<int, byte*> _getErrorString;

    private Nvrtc(nint lib, string path)
    {
        Path = path;
        _version = (delegate* unmanaged<int*, int*, int>)Export(lib, "nvrtcVersion");
        _createProgram = (delegate* unmanaged<nint*, byte*, byte*, int, byte**, byte**, int>)Export(lib, "nvrtcCreateProgram");
        _compileProgram = (delegate* unmanaged<nint, int, byte**, int>)Export(lib, "nvrtcCompileProgram");
        _destroyProgram = (delegate* unmanaged<nint*, int>)Export(lib, "nvrtcDestroyProgram");
        _getProgramLogSize = (delegate* unmanaged<nint, nuint*, int>)Export(lib, "nvrtcGetProgramLogSize");
        _getProgramLog = (delegate* unmanaged<nint, byte*, int>)Export(lib, "nvrtcGetProgramLog");
        _getCubinSize = (delegate* unmanaged<nint, nuint*, int>)Export(lib, "nvrtcGetCUBINSize");
        _getCubin = (delegate* unmanaged<nint, byte*, int>)Export(lib, "nvrtcGetCUBIN");
        _getErrorString = (delegate* unmanaged<int, byte*>)Export(lib, "nvrtcGetErrorString");
        int major, minor;
        Check(_version(&major, &minor), "nvrtcVersion");
        Version = new Version(major, minor);
    }

    /// <summary>The library file that was loaded.</summary>
    public string Path { get; }

    public Version Version { get; }

    public static Nvrtc? TryLoad(out string? failure)
    {
        lock (Gate)
        {
            if (_instance is null && _failure is null)
            {
                var candidates = NvrtcLocator.Candidates(
                    Environment.GetEnvironmentVariable(NvrtcLocator.OverrideVariable),
                    Environment.GetEnvironmentVariable("LD_LIBRARY_PATH"),
                    Environment.GetEnvironmentVariable("CUDA_HOME"));
                foreach (var file in candidates.Where(File.Exists).Concat(NvrtcLocator.Sonames))
                {
                    if (!NativeLibrary.TryLoad(file, out var lib))
                        continue;
                    PreloadBuiltins(file);
                    try
                    {
                        _instance = new Nvrtc(lib, file);
                        break;
                    }
                    catch (CudaException e)
                    {
                        _failure = e.Message;
                    }
                }

                if (_instance is null)
                    _failure ??= $"NVRTC (libnvrtc.so.13/.12) not found; looked in LD_LIBRARY_PATH, the nvidia/*/lib folders beside torch/lib and /usr/local/cuda/lib64 (set {NvrtcLocator.OverrideVariable} to its path)";
            }

            failure = _failure;
            return _instance;
        }
    }

    /// <summary>
    /// NVRTC opens <c>libnvrtc-builtins</c> by name when it compiles; loading it first from the folder of
    /// the library we found makes that work even when the folder is not on the loader's search path.
    /// </summary>
    private static void PreloadBuiltins(string nvrtcFile)
    {
        var folder = System.IO.Path.GetDirectoryName(nvrtcFile);
        if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder))
            return;
        foreach (var builtins in Directory.EnumerateFiles(folder, "libnvrtc-builtins.so*"))
            NativeLibrary.TryLoad(builtins, out _);
    }

    /// <summary>Compiles CUDA C source to a cubin; throws with the compiler log on failure.</summary>
    public (byte[] Cubin, string Log) CompileToCubin(string source, string name, IReadOnlyList<string> options)
    {
        nint program;
        var src = Encoding.UTF8.GetBytes(source + "\0");
        var nameBytes = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* s = src, n = nameBytes)
            Check(_createProgram(&program, s, n, 0, null, null), "nvrtcCreateProgram");
        try
        {
            var optionHandles = options.Select(o => Marshal.StringToCoTaskMemUTF8(o)).ToArray();
            int result;
            try
            {
                fixed (nint* opts = optionHandles)
                    result = _compileProgram(program, optionHandles.Length, (byte**)opts);
            }
            finally
            {
                foreach (var handle in optionHandles)
                    Marshal.FreeCoTaskMem(handle);
            }

            var log = ProgramLog(program);
            if (result != 0)
                throw new CudaException($"NVRTC could not compile {name} ({ErrorString(result)}) with {string.Join(' ', options)}:\n{log}");

            nuint size;
            Check(_getCubinSize(program, &size), "nvrtcGetCUBINSize");
            var cubin = new byte[(int)size];
            fixed (byte* c = cubin)
                Check(_getCubin(program, c), "nvrtcGetCUBIN");
            return (cubin, log);
        }
        finally
        {
            _destroyProgram(&program);
        }
    }

    private string ProgramLog(nint program)
    {
        nuint size;
        Check(_getProgramLogSize(program, &size), "nvrtcGetProgramLogSize");
        if (size <= 1)
            return "";
        var buffer = new byte[(int)size];
        fixed (byte* b = buffer)
            Check(_getProgramLog(program, b), "nvrtcGetProgramLog");
        return Encoding.UTF8.GetString(buffer, 0, buffer.Length - 1);
    }

    private string ErrorString(int result) => Marshal.PtrToStringUTF8((nint)_getErrorString(result)) ?? $"NVRTC error {result}";

    private void Check(int result, string call)
    {
        if (result != 0)
            throw new CudaException($"{call} failed: {ErrorString(result)}");
    }

    private static void* Export(nint lib, string name) =>
        NativeLibrary.TryGetExport(lib, name, out var address)
            ? (void*)address
            : throw new CudaException($"the NVRTC library has no export {name}");
}
