using System.Security.Cryptography;
using System.Text;

namespace JengaFleet.Jenga.Cuda.Kernels;

/// <summary>The CUDA C source embedded in this assembly, line endings normalised so its hash is the same on every OS.</summary>
public static class KernelSource
{
    public const string BlockSparseAttentionResource = "JengaFleet.Jenga.Cuda.Kernels.block_sparse_attention.cu";
    public const string BlockSparseAttentionSm90Resource = "JengaFleet.Jenga.Cuda.Kernels.block_sparse_attention_sm90.cu";

    public const string SixteenBitResource = "JengaFleet.Jenga.Cuda.Kernels.sixteen_bit.cu";
    public const string HeadNormRopeResource = "JengaFleet.Jenga.Cuda.Kernels.head_norm_rope.cu";
    public const string ModulationResource = "JengaFleet.Jenga.Cuda.Kernels.modulation.cu";

    private static readonly Lazy<string> BlockSparse = new(() => Read(BlockSparseAttentionResource));
    private static readonly Lazy<string> BlockSparseSm90 = new(() => Read(BlockSparseAttentionSm90Resource));
    private static readonly Lazy<string> HeadNormRopeSource = new(() => Read(SixteenBitResource) + "\n" + Read(HeadNormRopeResource));
    private static readonly Lazy<string> ModulationSource = new(() => Read(SixteenBitResource) + "\n" + Read(ModulationResource));

    /// <summary>block_sparse_attention.cu: the mma.sync attention template, shared helpers and the list-building kernel.</summary>
    public static string BlockSparseAttention => BlockSparse.Value;

    /// <summary>block_sparse_attention_sm90.cu: the wgmma/TMA attention template, appended to the first file for sm_90a.</summary>
    public static string BlockSparseAttentionSm90 => BlockSparseSm90.Value;

    /// <summary>sixteen_bit.cu + head_norm_rope.cu: the fused QK RMSNorm + RoPE kernels.</summary>
    public static string HeadNormRope => HeadNormRopeSource.Value;

    /// <summary>sixteen_bit.cu + modulation.cu: the fused modulated LayerNorm and gated residual kernels.</summary>
    public static string Modulation => ModulationSource.Value;

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
