using System.Collections.Concurrent;

namespace JengaFleet.Jenga.Curves;

/// <summary>
/// The two directions of one curve over one token grid.
/// <c>CurveToLinear[k]</c> is the raster index of the token at curve position k (gather with it to go
/// raster -> curve; the reference's <c>hilbert_order</c>); <c>LinearToCurve[n]</c> is the curve position
/// of raster token n (gather with it to go back; the reference's <c>linear_to_hilbert</c>).
/// Curves depend only on the grid, so they are built once per grid and shared.
/// </summary>
public sealed class CurvePermutation
{
    private static readonly ConcurrentDictionary<(TokenGrid, CurveKind), Lazy<CurvePermutation>> Cache = new();

    private CurvePermutation(TokenGrid grid, CurveKind kind, int[] curveToLinear)
    {
        Grid = grid;
        Kind = kind;
        CurveToLinear = curveToLinear;
        LinearToCurve = new int[curveToLinear.Length];
        for (var k = 0; k < curveToLinear.Length; k++)
            LinearToCurve[curveToLinear[k]] = k;
    }

    public TokenGrid Grid { get; }

    public CurveKind Kind { get; }

    public int[] CurveToLinear { get; }

    public int[] LinearToCurve { get; }

    public int TokenCount => CurveToLinear.Length;

    /// <summary>Builds (or returns the cached) curve of a grid.</summary>
    public static CurvePermutation For(TokenGrid grid, CurveKind kind) =>
        Cache.GetOrAdd((grid, kind), key => new Lazy<CurvePermutation>(() => Build(key.Item1, key.Item2))).Value;

    private static CurvePermutation Build(TokenGrid grid, CurveKind kind)
    {
        var order = kind switch
        {
            CurveKind.Gilbert => GilbertCurve.Order(grid.W, grid.H, grid.T),
            CurveKind.SlicedGilbert => SlicedGilbertCurve.Order(grid.T, grid.H, grid.W),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown curve kind"),
        };
        return new CurvePermutation(grid, kind, order);
    }
}
