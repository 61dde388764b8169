using JengaFleet.Jenga.Attention;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.Cuda;

/// <summary>
/// Picks the carved-attention backend for a device: the CUDA kernel where a CUDA device, the driver and
/// NVRTC (or a cached cubin) are there, otherwise the plain TorchSharp gather backend. Never throws for a
/// missing GPU piece; the choice carries the reason.
/// </summary>
public static class AttentionBackendFactory
{
    /// <summary><c>auto</c> (default), <c>cuda</c> (same as auto, but says so) or <c>gather</c> (force the TorchSharp backend).</summary>
    public const string BackendVariable = "JENGA_ATTENTION_BACKEND";

    public static AttentionBackendChoice Create(Device device, Action<string>? log = null)
    {
        var choice = Choose(device, Environment.GetEnvironmentVariable(BackendVariable));
        log?.Invoke(choice.LogLine);
        return choice;
    }

    internal static AttentionBackendChoice Choose(Device device, string? requested)
    {
        var mode = string.IsNullOrWhiteSpace(requested) ? "auto" : requested.Trim().ToLowerInvariant();
        if (mode == "gather")
            return Fallback($"{BackendVariable}=gather");
        if (mode is not ("auto" or "cuda"))
            return Fallback($"{BackendVariable}={requested} is not one of auto, cuda, gather");
        if (device.type != DeviceType.CUDA)
            return Fallback($"device {device} is not a CUDA device");
        if (!cuda.is_available())
            return Fallback("libtorch reports no CUDA device");

        var kernel = CudaBlockSparseAttention.TryCreate(device, out var reason);
        return kernel is null ? Fallback(reason) : new AttentionBackendChoice(kernel, true, reason);
    }

    private static AttentionBackendChoice Fallback(string reason) => new(new BlockSparseAttention(), false, reason);
}
