using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.GpuBench.Kernel;

/// <summary>Small helpers for timing and comparing on the GPU.</summary>
internal static class Gpu
{
    public static readonly Device Cuda = new(DeviceType.CUDA, 0);

    /// <summary>Median wall time of <paramref name="reps"/> runs in ms, each followed by a device synchronisation, after <paramref name="warmup"/> untimed runs.</summary>
    public static double MedianMs(Action body, int warmup, int reps)
    {
        for (var i = 0; i < warmup; i++)
            Run(body);
        cuda.synchronize();
        var times = new List<double>();
        for (var i = 0; i < reps; i++)
        {
            var watch = Stopwatch.StartNew();
            Run(body);
            cuda.synchronize();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }

    private static void Run(Action body)
    {
        using var scope = NewDisposeScope();
        body();
    }

    /// <summary>‖a − b‖ / ‖b‖ in float64.</summary>
    public static double RelativeError(Tensor actual, Tensor reference)
    {
        using var scope = NewDisposeScope();
        var a = actual.to(ScalarType.Float64);
        var b = reference.to(ScalarType.Float64);
        var num = (a - b).square().sum().sqrt().item<double>();
        var den = b.square().sum().sqrt().item<double>();
        return num / den;
    }

    /// <summary>A fused kernel's output against its reference: share of differing elements, max abs difference, relative error, NaN present.</summary>
    public static (double Differing, float MaxAbs, double Relative, bool NaN) Compare(Tensor actual, Tensor reference)
    {
        using var scope = NewDisposeScope();
        cuda.synchronize();
        var differing = actual.ne(reference).to(ScalarType.Float64).mean().item<double>();
        var maxAbs = (actual.to(ScalarType.Float32) - reference.to(ScalarType.Float32)).abs().max().item<float>();
        return (differing, maxAbs, RelativeError(actual, reference), actual.isnan().any().item<bool>());
    }

    /// <summary>bf16-rounded random normal values (never zeros: they would hide unwritten or misindexed data).</summary>
    public static Tensor Random(long[] shape, ScalarType dtype) => randn(shape, ScalarType.Float32, Cuda).to(dtype);
}
