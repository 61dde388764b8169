namespace JengaFleet.Jenga.ProRes;

/// <summary>
/// Pixel size and frame count of a video, and how they map to latents and tokens: a VAE with 4x temporal
/// compression (first frame separate) and 8x spatial compression, then a 1x2x2 patch embedding.
/// </summary>
public sealed record VideoRequestGeometry
{
    public const int LatentChannels = 16;
    public const int TemporalCompression = 4;
    public const int SpatialCompression = 8;
    public const int Patch = 2;

    /// <summary>Pixels per token along height and width.</summary>
    public const int PixelsPerToken = SpatialCompression * Patch;

    public VideoRequestGeometry(int height, int width, int frames)
    {
        if (height < PixelsPerToken || width < PixelsPerToken || height % PixelsPerToken != 0 || width % PixelsPerToken != 0)
            throw new ArgumentException($"height and width must be positive multiples of {PixelsPerToken} pixels, got {height}x{width}");
        if (frames < 1 || (frames - 1) % TemporalCompression != 0)
            throw new ArgumentException($"frame count must be 4k+1 (1, 5, 9, ..., 125, 129, ...), got {frames}");
        Height = height;
        Width = width;
        Frames = frames;
    }

    public int Height { get; }

    public int Width { get; }

    public int Frames { get; }

    public int LatentFrames => (Frames - 1) / TemporalCompression + 1;
}
