using JengaFleet.Jenga.Attention;

namespace JengaFleet.Jenga.Cuda;

/// <summary>The backend a host should use and why (one log line).</summary>
public sealed record AttentionBackendChoice(IAttentionBackend Backend, bool UsesCudaKernel, string Reason)
{
    public string LogLine => UsesCudaKernel
        ? $"attention backend: {Backend.Name} ({Reason})"
        : $"attention backend: {Backend.Name} (fallback: {Reason})";
}
