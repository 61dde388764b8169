namespace JengaFleet.Jenga.Curves;

/// <summary>
/// The latent token grid after the 1x2x2 patch embedding: T latent frames, H rows, W columns.
/// Tokens are numbered in raster ("linear") order <c>n = t*H*W + y*W + x</c>, the order in
/// which the patch embedding emits them and in which RoPE tables are laid out.
/// </summary>
public readonly record struct TokenGrid
{
    public TokenGrid(int t, int h, int w)
    {
        if (t < 1 || h < 1 || w < 1)
            throw new ArgumentOutOfRangeException(nameof(t), $"token grid must be at least 1x1x1, got {t}x{h}x{w}");
        T = t;
        H = h;
        W = w;
    }

    public int T { get; }
    public int H { get; }
    public int W { get; }

    public int TokenCount => checked(T * H * W);

    public int FrameTokens => H * W;

    public int LinearIndex(int t, int y, int x) => (t * H + y) * W + x;

    public override string ToString() => $"{T}x{H}x{W}";
}
