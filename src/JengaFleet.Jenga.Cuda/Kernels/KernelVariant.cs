namespace JengaFleet.Jenga.Cuda.Kernels;

/// <summary>
/// One compiled instance of the attention kernel template: head dimension, keys per tile, shared-memory
/// pipeline depth, 16-bit type, warps per CTA (each owns 128/Warps query rows) and the CTAs per
/// multiprocessor the compiler must fit in registers (<c>__launch_bounds__</c>).
/// </summary>
public sealed record KernelVariant(int HeadDim, int TileKeys, int Stages, bool Fp16, int Warps = 4, int MinBlocks = 1)
{
    public const int QueryRows = 128;

    public static IReadOnlyList<int> SupportedHeadDims { get; } = [64, 128];

    public int Threads => Warps * 32;

    public string Name => $"jenga_bsa_d{HeadDim}_n{TileKeys}_s{Stages}_w{Warps}m{MinBlocks}_{(Fp16 ? "f16" : "bf16")}";

    /// <summary>Tile shape without head dim and type, e.g. <c>32x2w8m2</c> (the bench's --variants syntax).</summary>
    public string Shape => $"{TileKeys}x{Stages}w{Warps}m{MinBlocks}";

    /// <summary>Dynamic shared memory: the Q tile plus Stages K and V tiles, 2 bytes an element.</summary>
    public int SharedBytes => (QueryRows * HeadDim + 2 * Stages * TileKeys * HeadDim) * 2;

    /// <summary>The line that instantiates this variant in the kernel source.</summary>
    public string Instantiation => $"JENGA_BSA_KERNEL({Name}, {HeadDim}, {TileKeys}, {Stages}, {(Fp16 ? "true" : "false")}, {Warps}, {MinBlocks})";

    /// <summary>
    /// The tile shape used when none is named, chosen from the H100 runs in docs/gpu-kernel.md: 64 keys per
    /// tile, 2 stages, 4 warps of 32 rows (d128 276 TFLOP/s, d64 255 TFLOP/s on kept blocks).
    /// </summary>
    public static KernelVariant DefaultShape { get; } = new(128, 64, 2, false, 4, 1);

    /// <summary>The default variants: both head dims in the default shape, bf16 and fp16.</summary>
    public static IReadOnlyList<KernelVariant> Defaults() => Defaults(DefaultShape);

    /// <summary>One tile shape for both head dims, bf16 and fp16.</summary>
    public static IReadOnlyList<KernelVariant> Defaults(KernelVariant shape) =>
        SupportedHeadDims.SelectMany(d => new[] { shape with { HeadDim = d, Fp16 = false }, shape with { HeadDim = d, Fp16 = true } }).ToList();

    /// <summary>Parses <see cref="Shape"/> (<c>{keys}x{stages}[w{warps}[m{minBlocks}]]</c>) for head dim 128, bf16.</summary>
    public static KernelVariant ParseShape(string shape)
    {
        var text = shape.Trim().ToLowerInvariant();
        var minBlocks = 1;
        var warps = 4;
        var m = text.IndexOf('m');
        if (m >= 0)
        {
            minBlocks = int.Parse(text[(m + 1)..]);
            text = text[..m];
        }

        var w = text.IndexOf('w');
        if (w >= 0)
        {
            warps = int.Parse(text[(w + 1)..]);
            text = text[..w];
        }

        var parts = text.Split('x');
        if (parts.Length != 2)
            throw new FormatException($"'{shape}' is not {{keys}}x{{stages}}[w{{warps}}[m{{minBlocks}}]]");
        var variant = new KernelVariant(128, int.Parse(parts[0]), int.Parse(parts[1]), false, warps, minBlocks);
        variant.Validate();
        return variant;
    }

    public void Validate()
    {
        if (!SupportedHeadDims.Contains(HeadDim))
            throw new ArgumentOutOfRangeException(nameof(HeadDim), HeadDim, "head dim must be 64 or 128");
        if (Warps is not (4 or 8))
            throw new ArgumentOutOfRangeException(nameof(Warps), Warps, "warps per CTA must be 4 or 8");
        if (TileKeys is not (32 or 64) && !(TileKeys == 128 && Warps == 8))
            throw new ArgumentOutOfRangeException(nameof(TileKeys), TileKeys, "keys per tile must be 32 or 64 (128 with 8 warps)");
        if (Stages is < 2 or > 4)
            throw new ArgumentOutOfRangeException(nameof(Stages), Stages, "stages must be 2 to 4");
        if (MinBlocks is < 1 or > 2)
            throw new ArgumentOutOfRangeException(nameof(MinBlocks), MinBlocks, "min blocks per multiprocessor must be 1 or 2");
        if (TileKeys * HeadDim / 8 % Threads != 0)
            throw new ArgumentOutOfRangeException(nameof(TileKeys), TileKeys, $"a tile of {TileKeys} x {HeadDim} does not split evenly over {Threads} threads");
    }
}
