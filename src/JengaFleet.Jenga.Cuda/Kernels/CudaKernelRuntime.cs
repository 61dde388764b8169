using JengaFleet.Jenga.Cuda.Native;

namespace JengaFleet.Jenga.Cuda.Kernels;

/// <summary>
/// Probes, once per GPU, everything the CUDA kernels need — the driver, a device of compute capability 8.0
/// or newer (bf16 tensor-core mma, cp.async), NVRTC or a cached cubin — and loads the kernel modules once
/// per GPU and variant set. Never throws for a missing piece: it answers with the reason instead.
/// </summary>
public static class CudaKernelRuntime
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, (object? Kernels, string Reason)> Loaded = new();

    /// <param name="variants">The attention variants to compile; null takes <see cref="KernelVariant.DefaultsFor"/> the device's architecture.</param>
    public static BlockSparseKernels? TryLoad(int deviceOrdinal, IReadOnlyList<KernelVariant>? variants, out string reason, KernelCache? cache = null) =>
        TryLoad($"attention:{deviceOrdinal}:{(variants is null ? "defaults" : string.Join(',', variants.Select(v => v.Name)))}", deviceOrdinal, out reason, cache,
            (driver, device, c, nvrtc) => BlockSparseKernels.Load(driver, device, variants ?? KernelVariant.DefaultsFor(device.Architecture), c, nvrtc),
            kernels => kernels.Origin);

    /// <summary>The fused QK RMSNorm + RoPE kernels (head_norm_rope.cu) on one GPU.</summary>
    public static HeadNormRopeKernels? TryLoadHeadNormRope(int deviceOrdinal, out string reason, KernelCache? cache = null) =>
        TryLoad($"head-norm-rope:{deviceOrdinal}", deviceOrdinal, out reason, cache, HeadNormRopeKernels.Load, kernels => kernels.Origin);

    /// <summary>The fused modulated LayerNorm and gated residual kernels (modulation.cu) on one GPU.</summary>
    public static ModulationKernels? TryLoadModulation(int deviceOrdinal, out string reason, KernelCache? cache = null) =>
        TryLoad($"modulation:{deviceOrdinal}", deviceOrdinal, out reason, cache, ModulationKernels.Load, kernels => kernels.Origin);

    private static T? TryLoad<T>(string key, int ordinal, out string reason, KernelCache? cache,
        Func<CudaDriver, DeviceDescription, KernelCache, Func<Nvrtc>, T> load, Func<T, string> origin) where T : class
    {
        lock (Gate)
        {
            if (!Loaded.TryGetValue(key, out var entry))
            {
                entry = Probe(ordinal, cache ?? KernelCache.Default(), load, origin);
                Loaded[key] = entry;
            }

            reason = entry.Reason;
            return (T?)entry.Kernels;
        }
    }

    private static (object?, string) Probe<T>(int ordinal, KernelCache cache, Func<CudaDriver, DeviceDescription, KernelCache, Func<Nvrtc>, T> load, Func<T, string> origin) where T : class
    {
        var driver = CudaDriver.TryLoad(out var driverFailure);
        if (driver is null)
            return (null, driverFailure ?? "the CUDA driver could not be loaded");
        try
        {
            var handle = driver.Device(ordinal);
            var device = new DeviceDescription(
                ordinal,
                handle,
                driver.DeviceName(handle),
                driver.Attribute(handle, CudaDriver.AttrComputeCapabilityMajor),
                driver.Attribute(handle, CudaDriver.AttrComputeCapabilityMinor),
                driver.Attribute(handle, CudaDriver.AttrMultiprocessorCount),
                driver.Attribute(handle, CudaDriver.AttrMaxSharedMemoryPerBlockOptin));
            if (device.Major < 8)
                return (null, $"{device.Name} has compute capability {device.Major}.{device.Minor}; the kernels need 8.0 or newer");

            var kernels = load(driver, device, cache,
                () => Nvrtc.TryLoad(out var failure) ?? throw new CudaException(failure ?? "NVRTC could not be loaded"));
            return (kernels, $"{device.Name}, {device.Architecture}, {origin(kernels)}");
        }
        catch (CudaException e)
        {
            return (null, e.Message);
        }
    }
}
