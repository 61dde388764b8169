using System.Collections.Concurrent;
using JengaFleet.Jenga.Curves;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.Blocks;

/// <summary>
/// Which video blocks touch each other: blocks i and j are adjacent iff some token of i and some token
/// of j are 26-neighbours on the (t, y, x) token grid (Chebyshev distance 1, time included, no
/// wrap-around). Every block is adjacent to itself. Blocks are 128-token runs along the curve, so the
/// matrix depends only on the grid and the curve and is cached with them.
/// </summary>
public sealed class BlockAdjacency
{
    private static readonly ConcurrentDictionary<CurvePermutation, Lazy<BlockAdjacency>> Cache = new(ReferenceEqualityComparer.Instance);

    private readonly bool[] _adjacent;
    private readonly ConcurrentDictionary<string, Tensor> _onDevice = new();

    private BlockAdjacency(int blocks, bool[] adjacent)
    {
        Blocks = blocks;
        _adjacent = adjacent;
    }

    public int Blocks { get; }

    public bool this[int queryBlock, int keyBlock] => _adjacent[queryBlock * Blocks + keyBlock];

    /// <summary>Number of true entries (the digests of the algorithm document quote it).</summary>
    public int Count => _adjacent.Count(a => a);

    public static BlockAdjacency For(CurvePermutation curve) =>
        Cache.GetOrAdd(curve, c => new Lazy<BlockAdjacency>(() => Build(c))).Value;

    /// <summary>A matrix from explicit entries (row-major), e.g. a fixture's; no contact rule is applied.</summary>
    public static BlockAdjacency FromMatrix(int blocks, ReadOnlySpan<bool> rowMajor)
    {
        if (rowMajor.Length != blocks * blocks)
            throw new ArgumentException($"expected {blocks * blocks} entries for a {blocks}x{blocks} matrix, got {rowMajor.Length}", nameof(rowMajor));
        return new BlockAdjacency(blocks, rowMajor.ToArray());
    }

    /// <summary>The matrix as a bool tensor <c>[Blocks, Blocks]</c> on the CPU.</summary>
    public Tensor ToTensor() => tensor(_adjacent, new long[] { Blocks, Blocks });

    /// <summary>
    /// The matrix as a bool tensor on <paramref name="device"/>, built once per device and kept with this (cached)
    /// adjacency: every attention layer of every step reads it, so it must not be copied to the GPU per call.
    /// Shared — callers must not dispose or modify it.
    /// </summary>
    public Tensor On(Device device) =>
        _onDevice.GetOrAdd(device.ToString(), _ =>
        {
            var host = ToTensor().DetachFromDisposeScope();
            if (device.type == DeviceType.CPU)
                return host;
            var moved = host.to(device).DetachFromDisposeScope();
            host.Dispose();
            return moved;
        });

    private static BlockAdjacency Build(CurvePermutation curve)
    {
        var grid = curve.Grid;
        var blocks = BlockLayout.BlocksFor(curve.TokenCount);
        var adjacent = new bool[blocks * blocks];
        for (var i = 0; i < blocks; i++)
            adjacent[i * blocks + i] = true;

        var rank = curve.LinearToCurve;
        for (var t = 0; t < grid.T; t++)
        for (var y = 0; y < grid.H; y++)
        for (var x = 0; x < grid.W; x++)
        {
            var block = rank[grid.LinearIndex(t, y, x)] / BlockLayout.BlockSize;
            // Visit the 13 neighbours that come later in raster order; symmetry covers the other 13.
            foreach (var (dt, dy, dx) in ForwardNeighbours)
            {
                int nt = t + dt, ny = y + dy, nx = x + dx;
                if (nt >= grid.T || ny < 0 || ny >= grid.H || nx < 0 || nx >= grid.W)
                    continue;
                var other = rank[grid.LinearIndex(nt, ny, nx)] / BlockLayout.BlockSize;
                adjacent[block * blocks + other] = true;
                adjacent[other * blocks + block] = true;
            }
        }

        return new BlockAdjacency(blocks, adjacent);
    }

    private static readonly (int Dt, int Dy, int Dx)[] ForwardNeighbours = BuildForwardNeighbours();

    private static (int, int, int)[] BuildForwardNeighbours()
    {
        var list = new List<(int, int, int)>();
        for (var dt = -1; dt <= 1; dt++)
        for (var dy = -1; dy <= 1; dy++)
        for (var dx = -1; dx <= 1; dx++)
        {
            if ((dt, dy, dx).CompareTo((0, 0, 0)) > 0)
                list.Add((dt, dy, dx));
        }

        return list.ToArray();
    }
}
