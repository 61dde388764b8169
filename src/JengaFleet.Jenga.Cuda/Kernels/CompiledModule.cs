using JengaFleet.Jenga.Cuda.Native;

namespace JengaFleet.Jenga.Cuda.Kernels;

/// <summary>
/// One CUDA module loaded into torch's primary context: the cubin of a source for the device's
/// architecture, read from the disk cache or compiled by NVRTC (and cached) when the cache has none.
/// </summary>
internal sealed record CompiledModule(nint Handle, string Origin, string CompileLog)
{
    /// <summary>NVRTC options: the device's target, C++17, line info for profilers, and the ptxas resource report in the log.</summary>
    public static IReadOnlyList<string> CompileOptions(string architecture) =>
        [$"--gpu-architecture={architecture}", "-std=c++17", "-lineinfo", "--ptxas-options=-v"];

    /// <param name="name">Source name: the cache file's prefix and NVRTC's file name.</param>
    public static CompiledModule Load(CudaDriver driver, DeviceDescription device, string name, string source, KernelCache cache, Func<Nvrtc> nvrtc)
    {
        var options = CompileOptions(device.Architecture);
        var hash = KernelSource.Hash(source + "\n" + string.Join(' ', options));
        var file = cache.PathFor(name, device.Architecture, hash);

        driver.EnsureContext(device.Handle);
        if (cache.TryRead(file) is { } cached)
        {
            try
            {
                return new CompiledModule(driver.LoadModule(cached), $"cache {file}", "");
            }
            catch (CudaException)
            {
                // A cubin this driver rejects (e.g. written by a newer NVRTC): compile afresh below.
            }
        }

        var compiler = nvrtc();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var (cubin, log) = compiler.CompileToCubin(source, name + ".cu", options);
        var elapsed = started.ElapsedMilliseconds;
        var loaded = driver.LoadModule(cubin);
        var written = cache.TryWrite(file, cubin);
        var origin = $"compiled by NVRTC {compiler.Version} ({compiler.Path}) in {elapsed} ms, {(written ? "cached at " + file : "cache not writable: " + cache.Folder)}";
        return new CompiledModule(loaded, origin, log);
    }
}
