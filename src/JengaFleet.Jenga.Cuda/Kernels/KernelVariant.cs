namespace JengaFleet.Jenga.Cuda.Kernels;

/// <summary>Which kernel template a variant instantiates.</summary>
public enum KernelFamily
{
    /// <summary><c>bsa_forward</c>: mma.sync tensor cores and cp.async; every GPU of compute capability 8.0 or newer.</summary>
    MmaSync,

    /// <summary><c>bsa_forward_sm90</c>: wgmma, TMA and a producer warpgroup; Hopper (sm_90a) only.</summary>
    Wgmma,
}

/// <summary>
/// One compiled instance of an attention kernel template: head dimension, keys per tile, shared-memory
/// pipeline depth, 16-bit type, warps per CTA, the CTAs per multiprocessor the compiler must fit in
/// registers (<c>__launch_bounds__</c>) and the template family.
/// </summary>
public sealed record KernelVariant(
    int HeadDim, int TileKeys, int Stages, bool Fp16, int Warps = 4, int MinBlocks = 1, KernelFamily Family = KernelFamily.MmaSync)
{
    public const int QueryRows = 128;

    public static IReadOnlyList<int> SupportedHeadDims { get; } = [64, 128];

    public int Threads => Warps * 32;

    public bool NeedsSm90a => Family == KernelFamily.Wgmma;

    private string TypeName => Fp16 ? "f16" : "bf16";

    public string Name => Family == KernelFamily.Wgmma
        ? $"jenga_bsa_sm90_d{HeadDim}_s{Stages}_{TypeName}"
        : $"jenga_bsa_d{HeadDim}_n{TileKeys}_s{Stages}_w{Warps}m{MinBlocks}_{TypeName}";

    /// <summary>Tile shape without head dim and type, e.g. <c>32x2w8m2</c> or <c>wgmma3</c> (the bench's --variants syntax).</summary>
    public string Shape => Family == KernelFamily.Wgmma
        ? $"wgmma{Stages}"
        : $"{TileKeys}x{Stages}w{Warps}m{MinBlocks}";

    /// <summary>
    /// Dynamic shared memory. mma.sync: the Q tile plus Stages K and V tiles. wgmma: the same with 128-key
    /// tiles, 1024 bytes of slack to align the swizzled tiles, and one mbarrier for Q and two per stage.
    /// </summary>
    public int SharedBytes => Family == KernelFamily.Wgmma
        ? 1024 + QueryRows * HeadDim * 2 * (1 + 2 * Stages) + 8 * (1 + 2 * Stages)
        : (QueryRows * HeadDim + 2 * Stages * TileKeys * HeadDim) * 2;

    /// <summary>The line that instantiates this variant in the kernel source.</summary>
    public string Instantiation => Family == KernelFamily.Wgmma
        ? $"JENGA_BSA_SM90_KERNEL({Name}, {HeadDim}, {Stages}, {Bool(Fp16)})"
        : $"JENGA_BSA_KERNEL({Name}, {HeadDim}, {TileKeys}, {Stages}, {Bool(Fp16)}, {Warps}, {MinBlocks})";

    private static string Bool(bool value) => value ? "true" : "false";

    /// <summary>
    /// The mma.sync shape used where wgmma is not available, from the H100 runs in docs/gpu-kernel.md: 64 keys
    /// per tile, 2 stages, 4 warps of 32 rows.
    /// </summary>
    public static KernelVariant DefaultShape { get; } = new(128, 64, 2, false, 4, 1);

    /// <summary>The Hopper shape: 128-key tiles, 3 K/V stages (docs/gpu-kernel.md).</summary>
    public static KernelVariant HopperShape { get; } = Wgmma(3);

    /// <summary>A wgmma variant (head dim 128, bf16): two consumer warpgroups and one producer warpgroup.</summary>
    public static KernelVariant Wgmma(int stages) => new(128, 128, stages, false, 12, 1, KernelFamily.Wgmma);

    /// <summary>The default variants for an NVRTC target: wgmma on <c>sm_90a</c>, mma.sync elsewhere.</summary>
    public static IReadOnlyList<KernelVariant> DefaultsFor(string architecture) =>
        Defaults(architecture == "sm_90a" ? HopperShape : DefaultShape);

    /// <summary>One tile shape for both head dims, bf16 and fp16.</summary>
    public static IReadOnlyList<KernelVariant> Defaults(KernelVariant shape) =>
        SupportedHeadDims.SelectMany(d => new[] { shape with { HeadDim = d, Fp16 = false }, shape with { HeadDim = d, Fp16 = true } }).ToList();

    /// <summary>
    /// Parses <see cref="Shape"/> for head dim 128, bf16: <c>{keys}x{stages}[w{warps}[m{minBlocks}]]</c> for
    /// mma.sync, <c>wgmma{stages}</c> for wgmma.
    /// </summary>
    public static KernelVariant ParseShape(string shape)
    {
        var text = shape.Trim().ToLowerInvariant();
        if (text.StartsWith("wgmma", StringComparison.Ordinal))
        {
            var rest = text["wgmma".Length..];
            if (!int.TryParse(rest, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var stages))
                throw new FormatException($"'{shape}' is not wgmma{{stages}}");
            var hopper = Wgmma(stages);
            hopper.Validate();
            return hopper;
        }

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
            throw new FormatException($"'{shape}' is not {{keys}}x{{stages}}[w{{warps}}[m{{minBlocks}}]] or wgmma{{stages}}");
        var variant = new KernelVariant(128, int.Parse(parts[0]), int.Parse(parts[1]), false, warps, minBlocks);
        variant.Validate();
        return variant;
    }

    public void Validate()
    {
        if (!SupportedHeadDims.Contains(HeadDim))
            throw new ArgumentOutOfRangeException(nameof(HeadDim), HeadDim, "head dim must be 64 or 128");
        if (Family == KernelFamily.Wgmma)
        {
            if (TileKeys != 128 || Warps != 12 || MinBlocks != 1)
                throw new ArgumentOutOfRangeException(nameof(TileKeys), TileKeys, "wgmma variants have 128-key tiles, 12 warps and one CTA per multiprocessor");
            if (Stages is < 2 or > 4)
                throw new ArgumentOutOfRangeException(nameof(Stages), Stages, "stages must be 2 to 4");
            return;
        }

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
