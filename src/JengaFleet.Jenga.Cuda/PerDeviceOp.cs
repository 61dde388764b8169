using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.Cuda;

/// <summary>
/// One fused op per CUDA device, loaded on first use and kept; a device without usable kernels is remembered
/// as null too, so callers ask on every forward pass at the cost of a dictionary lookup.
/// </summary>
internal sealed class PerDeviceOp<T>(Func<int, T?> load) where T : class
{
    private readonly object _gate = new();
    private readonly Dictionary<int, T?> _ops = new();

    public T? For(Device device)
    {
        if (device.type != DeviceType.CUDA)
            return null;
        var ordinal = DeviceIdentity.Ordinal(device);
        lock (_gate)
        {
            if (!_ops.TryGetValue(ordinal, out var op))
            {
                op = load(ordinal);
                _ops[ordinal] = op;
            }

            return op;
        }
    }
}
