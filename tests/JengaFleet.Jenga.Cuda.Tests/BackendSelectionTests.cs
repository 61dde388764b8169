using System.Runtime.InteropServices;
using JengaFleet.Jenga.Attention;
using JengaFleet.Jenga.Cuda;
using JengaFleet.Jenga.Cuda.Kernels;
using JengaFleet.Jenga.Cuda.Native;
using JengaFleet.Testing;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.Cuda.Tests;

public class BackendSelectionTests
{
    private static bool HasCudaDriver => NativeLibrary.TryLoad("libcuda.so.1", out _);

    [Fact]
    public void A_CPU_device_gets_the_gather_backend_with_a_reason()
    {
        var lines = new List<string>();
        var choice = AttentionBackendFactory.Create(CPU, lines.Add);
        Assert.False(choice.UsesCudaKernel);
        Assert.IsType<BlockSparseAttention>(choice.Backend);
        Assert.Contains("not a CUDA device", choice.Reason);
        var line = Assert.Single(lines);
        Assert.StartsWith("attention backend: block-sparse-gather (fallback: ", line);
    }

    [Fact]
    public void A_CUDA_device_without_a_GPU_falls_back_instead_of_crashing()
    {
        Assert.SkipWhen(cuda.is_available(), "this machine has a GPU");
        var choice = AttentionBackendFactory.Choose(new Device(DeviceType.CUDA, 0), null);
        Assert.False(choice.UsesCudaKernel);
        Assert.IsType<BlockSparseAttention>(choice.Backend);
        Assert.False(string.IsNullOrWhiteSpace(choice.Reason));
    }

    [Fact]
    public void The_kernel_runtime_reports_a_missing_driver_as_a_reason()
    {
        Assert.SkipWhen(HasCudaDriver, "this machine has a CUDA driver");
        using var cache = new TempDirectory();
        var kernels = CudaKernelRuntime.TryLoad(0, null, out var reason, new KernelCache(cache.Path));
        Assert.Null(kernels);
        Assert.Contains("libcuda", reason);
        Assert.Null(CudaBlockSparseAttention.TryCreate(new Device(DeviceType.CUDA, 0), out var again));
        Assert.Contains("libcuda", again);
    }

    [Theory]
    [InlineData("gather", "JENGA_ATTENTION_BACKEND=gather")]
    [InlineData("triton", "is not one of")]
    public void The_environment_can_force_or_misname_the_backend(string value, string expected)
    {
        var choice = AttentionBackendFactory.Choose(new Device(DeviceType.CUDA, 0), value);
        Assert.False(choice.UsesCudaKernel);
        Assert.Contains(expected, choice.Reason);
    }
}
