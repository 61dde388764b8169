using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.Cuda;

/// <summary>TorchSharp's <c>Device</c> is a class without value equality: these compare type and ordinal instead.</summary>
internal static class DeviceIdentity
{
    /// <summary>The CUDA ordinal of a device (<c>cuda</c> without an index is device 0).</summary>
    public static int Ordinal(Device device) => Math.Max(0, (int)device.index);

    public static bool Same(Device a, Device b) => a.type == b.type && (a.type != DeviceType.CUDA || Ordinal(a) == Ordinal(b));
}
