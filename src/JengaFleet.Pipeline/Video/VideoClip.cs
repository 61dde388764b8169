namespace JengaFleet.Pipeline.Video;

/// <summary>Decoded video frames as packed RGB24 bytes, frame after frame, row after row.</summary>
public sealed record VideoClip
{
    public VideoClip(int frames, int height, int width, byte[] rgb, double framesPerSecond)
    {
        if (frames < 1 || height < 1 || width < 1)
            throw new ArgumentOutOfRangeException(nameof(frames), $"a clip needs at least one 1x1 frame, got {frames} frames of {height}x{width}");
        if (rgb.LongLength != (long)frames * height * width * 3)
            throw new ArgumentException($"expected {(long)frames * height * width * 3} RGB bytes for {frames} frames of {height}x{width}, got {rgb.LongLength}", nameof(rgb));
        if (!(framesPerSecond > 0))
            throw new ArgumentOutOfRangeException(nameof(framesPerSecond), framesPerSecond, "frame rate must be positive");
        Frames = frames;
        Height = height;
        Width = width;
        Rgb = rgb;
        FramesPerSecond = framesPerSecond;
    }

    public int Frames { get; }

    public int Height { get; }

    public int Width { get; }

    public byte[] Rgb { get; }

    public double FramesPerSecond { get; }

    public int FrameBytes => Height * Width * 3;

    public ReadOnlyMemory<byte> Frame(int index) => Rgb.AsMemory(index * FrameBytes, FrameBytes);
}
