using JengaFleet.Jenga.Cuda.Native;

namespace JengaFleet.Jenga.Cuda.Kernels;

/// <summary>
/// Probes, once per GPU and variant set, everything the CUDA backend needs — the driver, a device of
/// compute capability 8.0 or newer (bf16 tensor-core mma, cp.async), NVRTC or a cached cubin — and
/// loads the kernels. Never throws for a missing piece: it answers with the reason instead.
/// </summary>
public static class CudaKernelRuntime
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, (BlockSparseKernels? Kernels, string Reason)> Loaded = new();

    /// <param name="variants">The variants to compile; null takes <see cref="KernelVariant.DefaultsFor"/> the device's architecture.</param>
    public static BlockSparseKernels? TryLoad(int deviceOrdinal, IReadOnlyList<KernelVariant>? variants, out string reason, KernelCache? cache = null)
    {
        var key = $"{deviceOrdinal}:{(variants is null ? "defaults" : string.Join(',', variants.Select(v => v.Name)))}";
        lock (Gate)
        {
            if (!Loaded.TryGetValue(key, out var entry))
            {
                entry = Probe(deviceOrdinal, variants, cache ?? KernelCache.Default());
                Loaded[key] = entry;
            }

            reason = entry.Reason;
            return entry.Kernels;
        }
    }

    private static (BlockSparseKernels?, string) Probe(int ordinal, IReadOnlyList<KernelVariant>? variants, KernelCache cache)
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
                return (null, $"{device.Name} has compute capability {device.Major}.{device.Minor}; the kernel needs 8.0 or newer");

            var kernels = BlockSparseKernels.Load(driver, device, variants ?? KernelVariant.DefaultsFor(device.Architecture), cache,
                () => Nvrtc.TryLoad(out var failure) ?? throw new CudaException(failure ?? "NVRTC could not be loaded"));
            return (kernels, $"{device.Name}, {device.Architecture}, {kernels.Origin}");
        }
        catch (CudaException e)
        {
            return (null, e.Message);
        }
    }
}
