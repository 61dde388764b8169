namespace JengaFleet.Models.HunyuanVideo.Vae;

/// <summary>
/// Tile sizes of the reference's tiled encode/decode, derived from the config as
/// <c>AutoencoderKLCausal3D.__init__</c> does (full size: 256 px / 32 latents, 64 frames / 16 latent frames, overlap 0.25).
/// Python's <c>int()</c> truncation is kept in every derived size.
/// </summary>
public sealed record CausalVaeTiling(
    int TileSampleMinSize,
    int TileLatentMinSize,
    int TileSampleMinTSize,
    int TileLatentMinTSize,
    double TileOverlapFactor)
{
    public static CausalVaeTiling From(CausalVaeConfig config) => new(
        TileSampleMinSize: config.SampleSize,
        // int(sample_size / 2 ** (len(block_out_channels) - 1))
        TileLatentMinSize: (int)(config.SampleSize / Math.Pow(2, config.BlockOutChannels.Count - 1)),
        TileSampleMinTSize: config.SampleTSize,
        // sample_tsize // time_compression_ratio
        TileLatentMinTSize: config.SampleTSize / config.TimeCompressionRatio,
        TileOverlapFactor: 0.25);

    /// <summary>Decode: latent rows/columns between spatial tile starts, int(latent tile · (1 − overlap)).</summary>
    public int DecodeSpatialStride => (int)(TileLatentMinSize * (1 - TileOverlapFactor));

    /// <summary>Decode: pixels blended between neighbouring spatial tiles, int(sample tile · overlap).</summary>
    public int DecodeSpatialBlend => (int)(TileSampleMinSize * TileOverlapFactor);

    /// <summary>Decode: pixels kept of each spatial tile, sample tile − blend.</summary>
    public int DecodeSpatialKeep => TileSampleMinSize - DecodeSpatialBlend;

    /// <summary>Decode: latent frames between temporal tile starts, int(latent tsize · (1 − overlap)).</summary>
    public int DecodeTemporalStride => (int)(TileLatentMinTSize * (1 - TileOverlapFactor));

    /// <summary>Decode: frames blended between temporal tiles, int(sample tsize · overlap).</summary>
    public int DecodeTemporalBlend => (int)(TileSampleMinTSize * TileOverlapFactor);

    /// <summary>Decode: frames kept of each later temporal tile (the first keeps one more), sample tsize − blend.</summary>
    public int DecodeTemporalKeep => TileSampleMinTSize - DecodeTemporalBlend;

    /// <summary>Encode: pixels between spatial tile starts, int(sample tile · (1 − overlap)).</summary>
    public int EncodeSpatialStride => (int)(TileSampleMinSize * (1 - TileOverlapFactor));

    /// <summary>Encode: latents blended between spatial tiles, int(latent tile · overlap).</summary>
    public int EncodeSpatialBlend => (int)(TileLatentMinSize * TileOverlapFactor);

    /// <summary>Encode: latents kept of each spatial tile, latent tile − blend.</summary>
    public int EncodeSpatialKeep => TileLatentMinSize - EncodeSpatialBlend;

    /// <summary>Encode: frames between temporal tile starts, int(sample tsize · (1 − overlap)).</summary>
    public int EncodeTemporalStride => (int)(TileSampleMinTSize * (1 - TileOverlapFactor));

    /// <summary>Encode: latent frames blended between temporal tiles, int(latent tsize · overlap).</summary>
    public int EncodeTemporalBlend => (int)(TileLatentMinTSize * TileOverlapFactor);

    /// <summary>Encode: latent frames kept of each later temporal tile (the first keeps one more), latent tsize − blend.</summary>
    public int EncodeTemporalKeep => TileLatentMinTSize - EncodeTemporalBlend;
}
