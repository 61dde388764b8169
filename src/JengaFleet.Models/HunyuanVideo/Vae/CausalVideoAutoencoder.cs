using JengaFleet.Models.Checkpoints;
using JengaFleet.Models.HunyuanVideo.Vae.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Vae;

/// <summary>
/// HunyuanVideo's causal 3-D VAE (<c>AutoencoderKLCausal3D</c>, 884-16c-hy: 4× in time with a separate first
/// frame, 8× in space, 16 latent channels). <see cref="nn.Module.state_dict()"/> keys are the released
/// checkpoint's (<c>encoder.conv_in.conv.weight</c>, <c>decoder.mid_block.attentions.0.to_q.weight</c>, ...).
/// Tiling follows the reference exactly (same tile starts, in-place blending order, crops), so tiled results
/// match the reference's tiled results, not an untiled pass.
/// </summary>
public sealed class CausalVideoAutoencoder : nn.Module
{
#pragma warning disable IDE1006 // field names are the checkpoint's keys
    private readonly EncoderCausal3D encoder;
    private readonly DecoderCausal3D decoder;
    private readonly Conv3d quant_conv;
    private readonly Conv3d post_quant_conv;
#pragma warning restore IDE1006

    /// <param name="device">Where the weights live; <see cref="torch.META"/> builds the structure without allocating.</param>
    public CausalVideoAutoencoder(CausalVaeConfig config, Device? device = null, ScalarType? dtype = null)
        : base(nameof(CausalVideoAutoencoder))
    {
        config.Validate();
        Config = config;
        Tiling = CausalVaeTiling.From(config);
        encoder = new EncoderCausal3D(config, device, dtype);
        decoder = new DecoderCausal3D(config, device, dtype);
        quant_conv = nn.Conv3d(2 * config.LatentChannels, 2 * config.LatentChannels, 1, device: device, dtype: dtype);
        post_quant_conv = nn.Conv3d(config.LatentChannels, config.LatentChannels, 1, device: device, dtype: dtype);
        RegisterComponents();
    }

    public CausalVaeConfig Config { get; }

    public CausalVaeTiling Tiling { get; }

    /// <summary>Split H/W into overlapping tiles when larger than one tile (reference: <c>use_spatial_tiling</c>, off until enabled).</summary>
    public bool UseSpatialTiling { get; set; }

    /// <summary>Split time into overlapping tiles when longer than one tile (reference: <c>use_temporal_tiling</c>).</summary>
    public bool UseTemporalTiling { get; set; }

    /// <summary>Both tilings, as the reference pipeline's <c>vae.enable_tiling()</c> (the default <c>--vae-tiling</c>).</summary>
    public void EnableTiling(bool enabled = true)
    {
        UseSpatialTiling = enabled;
        UseTemporalTiling = enabled;
    }

    /// <summary>
    /// Loads released weights strictly. A checkpoint whose keys carry a <c>vae.</c> prefix is read through that
    /// prefix (keys without it are ignored), as the reference's <c>load_vae</c> does.
    /// </summary>
    public void LoadWeights(ITensorSource source)
    {
        if (source.Names.Any(n => n.StartsWith(VaeKeyPrefix, StringComparison.Ordinal)))
        {
            using var inner = new PrefixedTensorSource(source, VaeKeyPrefix);
            StateDictLoader.Load(this, inner);
        }
        else
        {
            StateDictLoader.Load(this, source);
        }
    }

    public const string VaeKeyPrefix = "vae.";

    /// <summary>
    /// Pipeline decode: <c>latents / scaling_factor</c> (no shift factor), then <see cref="Decode"/>.
    /// Latents [B, 16, T, h, w] → video [B, 3, 1 + 4(T − 1), 8h, 8w] in about [−1, 1].
    /// </summary>
    public Tensor DecodeLatents(Tensor latents)
    {
        using var z = latents / Config.ScalingFactor;
        return Decode(z);
    }

    /// <summary>Reference <c>vae.decode(z).sample</c>: temporal tiles first when enabled and needed, else spatial tiles, else one pass.</summary>
    public Tensor Decode(Tensor z)
    {
        CheckRank(z, "z");
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var input = ToWeights(z);
        Tensor result;
        if (UseTemporalTiling && z.shape[2] > Tiling.TileLatentMinTSize)
            result = TemporalTiledDecode(input);
        else if (UseSpatialTiling && NeedsSpatialTiles(z, Tiling.TileLatentMinSize))
            result = SpatialTiledDecode(input);
        else
            result = DecodeTile(input);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Reference <c>vae.encode(x).latent_dist</c>: video [B, 3, 1 + 4k, H, W] in [−1, 1] → posterior over
    /// [B, 16, 1 + k, H/8, W/8]; temporal tiles first when enabled and needed, else spatial tiles, else one pass.
    /// </summary>
    public DiagonalGaussianDistribution Encode(Tensor video)
    {
        CheckRank(video, "video");
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var input = ToWeights(video);
        Tensor moments;
        if (UseTemporalTiling && video.shape[2] > Tiling.TileSampleMinTSize)
            moments = TemporalTiledEncode(input);
        else if (UseSpatialTiling && NeedsSpatialTiles(video, Tiling.TileSampleMinSize))
            moments = SpatialTiledEncode(input);
        else
            moments = EncodeTile(input);
        // The posterior owns new tensors; everything else here (moments included) is freed with the scope.
        var posterior = new DiagonalGaussianDistribution(moments);
        scope.MoveToOuter(posterior.Mean, posterior.LogVar, posterior.Std);
        return posterior;
    }

    /// <summary>Image-to-video conditioning: <c>encode(image).mode() · scaling_factor</c> (the mode is the mean).</summary>
    public Tensor EncodeToLatents(Tensor video)
    {
        using var posterior = Encode(video);
        return posterior.Mode() * Config.ScalingFactor;
    }

    private Tensor DecodeTile(Tensor z)
    {
        using var projected = post_quant_conv.call(z);
        return decoder.call(projected);
    }

    private Tensor EncodeTile(Tensor x)
    {
        using var hidden = encoder.call(x);
        return quant_conv.call(hidden);
    }

    // Tiles start every `stride` latents, are `tile` latents wide, are blended with the tile above and to the
    // left, then cropped to `keep` pixels; rows and columns are processed in order, so each blend reads
    // neighbours that were already blended (as the reference's in-place updates do).
    private Tensor SpatialTiledDecode(Tensor z) =>
        SpatialTiles(z, Tiling.DecodeSpatialStride, Tiling.TileLatentMinSize, Tiling.DecodeSpatialBlend, Tiling.DecodeSpatialKeep, DecodeTile);

    private Tensor SpatialTiledEncode(Tensor x) =>
        SpatialTiles(x, Tiling.EncodeSpatialStride, Tiling.TileSampleMinSize, Tiling.EncodeSpatialBlend, Tiling.EncodeSpatialKeep, EncodeTile);

    private static Tensor SpatialTiles(Tensor input, int stride, int tile, int blend, int keep, Func<Tensor, Tensor> code)
    {
        using var scope = NewDisposeScope();
        var (height, width) = (input.shape[3], input.shape[4]);
        var rows = new List<List<Tensor>>();
        for (long i = 0; i < height; i += stride)
        {
            var row = new List<Tensor>();
            for (long j = 0; j < width; j += stride)
            {
                using var tileScope = NewDisposeScope();
                var piece = input[.., .., .., (int)i..(int)Math.Min(i + tile, height), (int)j..(int)Math.Min(j + tile, width)];
                row.Add(code(piece).MoveToOuterDisposeScope());
            }
            rows.Add(row);
        }

        var resultRows = new List<Tensor>();
        for (var i = 0; i < rows.Count; i++)
        {
            var cropped = new List<Tensor>();
            for (var j = 0; j < rows[i].Count; j++)
            {
                var current = rows[i][j];
                if (i > 0)
                    TileBlending.Vertical(rows[i - 1][j], current, blend);
                if (j > 0)
                    TileBlending.Horizontal(rows[i][j - 1], current, blend);
                cropped.Add(current[.., .., .., ..(int)Math.Min(keep, current.shape[3]), ..(int)Math.Min(keep, current.shape[4])]);
            }
            resultRows.Add(cat(cropped, dim: 4));
        }
        return cat(resultRows, dim: 3).MoveToOuterDisposeScope();
    }

    // Latent tiles start every `stride` frames and take `tile + 1`; every decoded tile after the first drops its
    // first frame; consecutive tiles are blended over `blend` frames; the first keeps `keep + 1` frames, the
    // others `keep` (a last tile may come out empty and adds nothing).
    private Tensor TemporalTiledDecode(Tensor z)
    {
        using var scope = NewDisposeScope();
        var row = new List<Tensor>();
        var frames = z.shape[2];
        for (long i = 0; i < frames; i += Tiling.DecodeTemporalStride)
        {
            using var tileScope = NewDisposeScope();
            var piece = z[.., .., (int)i..(int)Math.Min(i + Tiling.TileLatentMinTSize + 1, frames)];
            var decoded = UseSpatialTiling && NeedsSpatialTiles(piece, Tiling.TileLatentMinSize)
                ? SpatialTiledDecode(piece)
                : DecodeTile(piece);
            if (i > 0)
                decoded = decoded[.., .., 1..];
            row.Add(decoded.MoveToOuterDisposeScope());
        }
        return JoinTemporalTiles(row, Tiling.DecodeTemporalBlend, Tiling.DecodeTemporalKeep).MoveToOuterDisposeScope();
    }

    private Tensor TemporalTiledEncode(Tensor x)
    {
        using var scope = NewDisposeScope();
        var row = new List<Tensor>();
        var frames = x.shape[2];
        for (long i = 0; i < frames; i += Tiling.EncodeTemporalStride)
        {
            using var tileScope = NewDisposeScope();
            var piece = x[.., .., (int)i..(int)Math.Min(i + Tiling.TileSampleMinTSize + 1, frames)];
            var encoded = UseSpatialTiling && NeedsSpatialTiles(piece, Tiling.TileSampleMinSize)
                ? SpatialTiledEncode(piece)
                : EncodeTile(piece);
            if (i > 0)
                encoded = encoded[.., .., 1..];
            row.Add(encoded.MoveToOuterDisposeScope());
        }
        return JoinTemporalTiles(row, Tiling.EncodeTemporalBlend, Tiling.EncodeTemporalKeep).MoveToOuterDisposeScope();
    }

    private static Tensor JoinTemporalTiles(List<Tensor> row, int blend, int keep)
    {
        var kept = new List<Tensor>();
        for (var i = 0; i < row.Count; i++)
        {
            var tile = row[i];
            if (i > 0)
                TileBlending.Temporal(row[i - 1], tile, blend);
            var limit = i > 0 ? keep : keep + 1;
            kept.Add(tile[.., .., ..(int)Math.Min(limit, tile.shape[2])]);
        }
        return cat(kept, dim: 2);
    }

    private static bool NeedsSpatialTiles(Tensor x, int tile) => x.shape[3] > tile || x.shape[4] > tile;

    private Tensor ToWeights(Tensor x)
    {
        var weight = post_quant_conv.weight!;
        return x.to(weight.dtype, weight.device);
    }

    private static void CheckRank(Tensor x, string name)
    {
        if (x.ndim != 5)
            throw new ArgumentException($"{name} must be [B, C, T, H, W]; got [{string.Join(", ", x.shape)}]", name);
    }
}
