using System.Security.Cryptography;
using System.Text;

namespace JengaFleet.Jenga.Cuda.Kernels;

/// <summary>The CUDA C source embedded in this assembly, line endings normalised so its hash is the same on every OS.</summary>
public static class KernelSource
{
    public const string BlockSparseAttentionResource = "JengaFleet.Jenga.Cuda.Kernels.block_sparse_attention.cu";

    private static readonly Lazy<string> BlockSparse = new(() => Read(BlockSparseAttentionResource));

    /// <summary>block_sparse_attention.cu: the attention kernel template and the list-building kernel.</summary>
    public static string BlockSparseAttention => BlockSparse.Value;

    public static string Read(string resource)
    {
        using var stream = typeof(KernelSource).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"kernel source {resource} is not embedded in {typeof(KernelSource).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd().Replace("\r\n", "\n");
    }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 text.</summary>
    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
