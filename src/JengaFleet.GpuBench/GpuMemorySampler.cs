using System.Diagnostics;
using System.Globalization;

namespace JengaFleet.GpuBench;

/// <summary>
/// Peak GPU memory in use, sampled with <c>nvidia-smi</c> every 50 ms. TorchSharp 0.107 exposes no
/// <c>torch.cuda.max_memory_allocated</c>, so this is the device's used memory: the caching allocator's
/// reserved memory plus the CUDA context (an upper bound of what the tensors needed).
/// </summary>
internal sealed class GpuMemorySampler : IDisposable
{
    private readonly Process? _process;
    private long _peakMiB;

    public GpuMemorySampler()
    {
        try
        {
            var start = new ProcessStartInfo("nvidia-smi", "--query-gpu=memory.used --format=csv,noheader,nounits -i 0 -lms 50")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            _process = Process.Start(start);
            if (_process is not null)
            {
                _process.OutputDataReceived += (_, e) =>
                {
                    if (long.TryParse(e.Data?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var mib))
                        InterlockedMax(mib);
                };
                _process.BeginOutputReadLine();
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            _process = null;
        }
    }

    public bool Available => _process is not null;

    /// <summary>Peak MiB since the last <see cref="Reset"/>; waits one sampling period first.</summary>
    public long PeakMiB()
    {
        Thread.Sleep(150);
        return Interlocked.Read(ref _peakMiB);
    }

    public void Reset() => Interlocked.Exchange(ref _peakMiB, 0);

    private void InterlockedMax(long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref _peakMiB)))
        {
            if (Interlocked.CompareExchange(ref _peakMiB, value, current) == current)
                break;
        }
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
            _process.Kill();
        _process?.Dispose();
    }
}
