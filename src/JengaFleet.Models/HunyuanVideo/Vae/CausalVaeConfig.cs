using System.Text.Json;

namespace JengaFleet.Models.HunyuanVideo.Vae;

/// <summary>
/// The VAE's <c>config.json</c> (diffusers <c>AutoencoderKLCausal3D</c> format). <see cref="FullSize"/> is the
/// released 884-16c-hy configuration; tests use tiny ones with the same structure.
/// </summary>
public sealed record CausalVaeConfig
{
    public const string DownBlockType = "DownEncoderBlockCausal3D";
    public const string UpBlockType = "UpDecoderBlockCausal3D";

    public int InChannels { get; init; } = 3;
    public int OutChannels { get; init; } = 3;
    public IReadOnlyList<string> DownBlockTypes { get; init; } = [DownBlockType, DownBlockType, DownBlockType, DownBlockType];
    public IReadOnlyList<string> UpBlockTypes { get; init; } = [UpBlockType, UpBlockType, UpBlockType, UpBlockType];
    public IReadOnlyList<int> BlockOutChannels { get; init; } = [128, 256, 512, 512];

    /// <summary>ResNet blocks per encoder level; the decoder has one more per level.</summary>
    public int LayersPerBlock { get; init; } = 2;

    public string ActFn { get; init; } = "silu";
    public int LatentChannels { get; init; } = 16;
    public int NormNumGroups { get; init; } = 32;

    /// <summary>Spatial tile size in pixels when tiling (<c>sample_size</c>; a list in the file means its first entry).</summary>
    public int SampleSize { get; init; } = 256;

    /// <summary>Temporal tile size in frames when tiling (<c>sample_tsize</c>).</summary>
    public int SampleTSize { get; init; } = 64;

    public double ScalingFactor { get; init; } = 0.476986;
    public bool ForceUpcast { get; init; } = true;
    public int SpatialCompressionRatio { get; init; } = 8;
    public int TimeCompressionRatio { get; init; } = 4;
    public bool MidBlockAddAttention { get; init; } = true;

    /// <summary>The released HunyuanVideo VAE (884-16c-hy).</summary>
    public static CausalVaeConfig FullSize { get; } = new();

    public static CausalVaeConfig Load(string path)
    {
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new FormatException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Reads the official JSON; keys it does not know (<c>_class_name</c>, <c>_diffusers_version</c>, ...) are ignored, missing ones keep the class defaults of the reference.</summary>
    public static CausalVaeConfig Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new FormatException("VAE config must be a JSON object");

        // Defaults of AutoencoderKLCausal3D.__init__ for keys a file may leave out.
        var config = new CausalVaeConfig
        {
            InChannels = Int(root, "in_channels", 3),
            OutChannels = Int(root, "out_channels", 3),
            DownBlockTypes = Strings(root, "down_block_types", [DownBlockType]),
            UpBlockTypes = Strings(root, "up_block_types", [UpBlockType]),
            BlockOutChannels = Ints(root, "block_out_channels", [64]),
            LayersPerBlock = Int(root, "layers_per_block", 1),
            ActFn = String(root, "act_fn", "silu"),
            LatentChannels = Int(root, "latent_channels", 4),
            NormNumGroups = Int(root, "norm_num_groups", 32),
            SampleSize = SampleSizeOf(root),
            SampleTSize = Int(root, "sample_tsize", 64),
            ScalingFactor = Double(root, "scaling_factor", 0.18215),
            ForceUpcast = Bool(root, "force_upcast", true),
            SpatialCompressionRatio = Int(root, "spatial_compression_ratio", 8),
            TimeCompressionRatio = Int(root, "time_compression_ratio", 4),
            MidBlockAddAttention = Bool(root, "mid_block_add_attention", true),
        };
        config.Validate();
        return config;
    }

    /// <summary>Rejects configurations the reference cannot build either.</summary>
    public void Validate()
    {
        if (BlockOutChannels.Count == 0)
            throw new FormatException("block_out_channels is empty");
        if (DownBlockTypes.Count != BlockOutChannels.Count || UpBlockTypes.Count != BlockOutChannels.Count)
            throw new FormatException($"down_block_types ({DownBlockTypes.Count}) and up_block_types ({UpBlockTypes.Count}) must have one entry per block_out_channels ({BlockOutChannels.Count})");
        if (DownBlockTypes.Any(t => t != DownBlockType))
            throw new FormatException($"unsupported down block type in [{string.Join(", ", DownBlockTypes)}]; only {DownBlockType}");
        if (UpBlockTypes.Any(t => t != UpBlockType))
            throw new FormatException($"unsupported up block type in [{string.Join(", ", UpBlockTypes)}]; only {UpBlockType}");
        if (TimeCompressionRatio != 4)
            throw new FormatException($"unsupported time_compression_ratio {TimeCompressionRatio} (the reference supports 4)");
        if (SpatialCompressionRatio <= 0 || (SpatialCompressionRatio & (SpatialCompressionRatio - 1)) != 0)
            throw new FormatException($"spatial_compression_ratio {SpatialCompressionRatio} is not a power of two");
        if (ActFn is not ("silu" or "swish"))
            throw new FormatException($"unsupported act_fn '{ActFn}' (silu/swish)");
        if (BlockOutChannels.Any(c => c % NormNumGroups != 0))
            throw new FormatException($"block_out_channels [{string.Join(", ", BlockOutChannels)}] must be multiples of norm_num_groups {NormNumGroups}");
    }

    /// <summary>Number of ×2 spatial down/up-sampling stages: log2(spatial ratio).</summary>
    public int SpatialScaleSteps => System.Numerics.BitOperations.Log2((uint)SpatialCompressionRatio);

    /// <summary>Number of ×2 temporal down/up-sampling stages: log2(time ratio).</summary>
    public int TemporalScaleSteps => System.Numerics.BitOperations.Log2((uint)TimeCompressionRatio);

    private static int SampleSizeOf(JsonElement root)
    {
        if (!root.TryGetProperty("sample_size", out var value))
            return 32;
        return value.ValueKind == JsonValueKind.Array ? value[0].GetInt32() : value.GetInt32();
    }

    private static int Int(JsonElement root, string key, int fallback) =>
        root.TryGetProperty(key, out var v) ? v.GetInt32() : fallback;

    private static double Double(JsonElement root, string key, double fallback) =>
        root.TryGetProperty(key, out var v) ? v.GetDouble() : fallback;

    private static bool Bool(JsonElement root, string key, bool fallback) =>
        root.TryGetProperty(key, out var v) ? v.GetBoolean() : fallback;

    private static string String(JsonElement root, string key, string fallback) =>
        root.TryGetProperty(key, out var v) ? v.GetString() ?? fallback : fallback;

    private static int[] Ints(JsonElement root, string key, int[] fallback) =>
        root.TryGetProperty(key, out var v) ? v.EnumerateArray().Select(e => e.GetInt32()).ToArray() : fallback;

    private static string[] Strings(JsonElement root, string key, string[] fallback) =>
        root.TryGetProperty(key, out var v) ? v.EnumerateArray().Select(e => e.GetString() ?? "").ToArray() : fallback;
}
