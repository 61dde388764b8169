using System.Runtime.InteropServices;

namespace JengaFleet.GpuBench.Vae;

/// <summary>
/// Samples the device's used memory through NVML (the driver's management library) on a background thread and
/// keeps the maximum. TorchSharp exposes no caching-allocator statistics, so this is the device-level figure:
/// the CUDA context and the allocator's reserved blocks included, as nvidia-smi shows it.
/// </summary>
internal sealed partial class GpuMemoryMonitor : IDisposable
{
    private const string Library = "libnvidia-ml.so.1";
    private readonly IntPtr _device;
    private readonly Thread? _thread;
    private volatile bool _stop;
    private long _peak;

    private GpuMemoryMonitor(IntPtr device, TimeSpan interval)
    {
        _device = device;
        _thread = new Thread(() =>
        {
            while (!_stop)
            {
                Sample();
                Thread.Sleep(interval);
            }
        }) { IsBackground = true, Name = "nvml-memory" };
        _thread.Start();
    }

    /// <summary>Null (with the reason in <paramref name="error"/>) when NVML is not available.</summary>
    public static GpuMemoryMonitor? TryStart(int index, TimeSpan interval, out string? error)
    {
        try
        {
            var status = NvmlInit();
            if (status != 0)
            {
                error = $"nvmlInit_v2 returned {status}";
                return null;
            }
            status = NvmlDeviceGetHandleByIndex((uint)index, out var device);
            if (status != 0)
            {
                error = $"nvmlDeviceGetHandleByIndex_v2 returned {status}";
                return null;
            }
            error = null;
            return new GpuMemoryMonitor(device, interval);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>Device memory in use now, bytes.</summary>
    public long UsedNow()
    {
        var info = default(NvmlMemory);
        return NvmlDeviceGetMemoryInfo(_device, ref info) == 0 ? (long)info.Used : -1;
    }

    /// <summary>Highest sample since the start or the last <see cref="ResetPeak"/>, bytes.</summary>
    public long Peak
    {
        get
        {
            Sample();
            return Interlocked.Read(ref _peak);
        }
    }

    public void ResetPeak() => Interlocked.Exchange(ref _peak, UsedNow());

    public void Dispose()
    {
        _stop = true;
        _thread?.Join();
        _ = NvmlShutdown();
    }

    private void Sample()
    {
        var used = UsedNow();
        long seen;
        while (used > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, used, seen) != seen)
        {
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct NvmlMemory
    {
        public ulong Total;
        public ulong Free;
        public ulong Used;
    }

    [LibraryImport(Library, EntryPoint = "nvmlInit_v2")]
    private static partial int NvmlInit();

    [LibraryImport(Library, EntryPoint = "nvmlShutdown")]
    private static partial int NvmlShutdown();

    [LibraryImport(Library, EntryPoint = "nvmlDeviceGetHandleByIndex_v2")]
    private static partial int NvmlDeviceGetHandleByIndex(uint index, out IntPtr device);

    [LibraryImport(Library, EntryPoint = "nvmlDeviceGetMemoryInfo")]
    private static partial int NvmlDeviceGetMemoryInfo(IntPtr device, ref NvmlMemory memory);
}
