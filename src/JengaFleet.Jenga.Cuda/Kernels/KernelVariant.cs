namespace JengaFleet.Jenga.Cuda.Kernels;

/// <summary>
/// One compiled instance of the attention kernel template: head dimension, keys per tile, shared-memory
/// pipeline depth and 16-bit type.
/// </summary>
public sealed record KernelVariant(int HeadDim, int TileKeys, int Stages, bool Fp16)
{
    public const int QueryRows = 128;
    public const int Threads = 128;

    public static IReadOnlyList<int> SupportedHeadDims { get; } = [64, 128];

    public string Name => $"jenga_bsa_d{HeadDim}_n{TileKeys}_s{Stages}_{(Fp16 ? "f16" : "bf16")}";

    /// <summary>Dynamic shared memory: the Q tile plus Stages K and V tiles, 2 bytes an element.</summary>
    public int SharedBytes => (QueryRows * HeadDim + 2 * Stages * TileKeys * HeadDim) * 2;

    /// <summary>The line that instantiates this variant in the kernel source.</summary>
    public string Instantiation => $"JENGA_BSA_KERNEL({Name}, {HeadDim}, {TileKeys}, {Stages}, {(Fp16 ? "true" : "false")})";

    /// <summary>The variants a backend compiles by default: both head dims, bf16 and fp16.</summary>
    public static IReadOnlyList<KernelVariant> Defaults(int tileKeys = 64, int stages = 2) =>
        SupportedHeadDims.SelectMany(d => new[] { new KernelVariant(d, tileKeys, stages, false), new KernelVariant(d, tileKeys, stages, true) }).ToList();

    public void Validate()
    {
        if (!SupportedHeadDims.Contains(HeadDim))
            throw new ArgumentOutOfRangeException(nameof(HeadDim), HeadDim, "head dim must be 64 or 128");
        if (TileKeys is not (32 or 64))
            throw new ArgumentOutOfRangeException(nameof(TileKeys), TileKeys, "keys per tile must be 32 or 64");
        if (Stages is < 2 or > 4)
            throw new ArgumentOutOfRangeException(nameof(Stages), Stages, "stages must be 2 to 4");
    }
}
