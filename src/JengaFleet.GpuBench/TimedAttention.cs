using System.Diagnostics;
using JengaFleet.Jenga.Attention;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.GpuBench;

/// <summary>Wraps a backend and adds up the wall time of its calls, synchronising the device around each one.</summary>
internal sealed class TimedAttention(IAttentionBackend inner, Device device) : IAttentionBackend
{
    public string Name => inner.Name;

    public TimeSpan Elapsed { get; private set; }

    public int Calls { get; private set; }

    public void Reset() => (Elapsed, Calls) = (TimeSpan.Zero, 0);

    public Tensor Attend(Tensor query, Tensor key, Tensor value, AttentionCall call)
    {
        Synchronize();
        var watch = Stopwatch.StartNew();
        var output = inner.Attend(query, key, value, call);
        Synchronize();
        Elapsed += watch.Elapsed;
        Calls++;
        return output;
    }

    private void Synchronize()
    {
        if (device.type == DeviceType.CUDA)
            cuda.synchronize();
    }
}
