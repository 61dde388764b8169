namespace JengaFleet.Worker.Batches;

/// <summary>Seeds for lines that give none: a fixed function of the base seed and the line number, so the same file gives the same videos.</summary>
public static class BatchSeeds
{
    /// <summary>SplitMix64(base ⊕ line·φ) masked to 31 bits: well spread, non-negative, stable across runs and machines.</summary>
    public static long ForLine(long baseSeed, int line)
    {
        var z = unchecked((ulong)baseSeed + (ulong)line * 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (long)(z & 0x7FFF_FFFFUL);
    }
}
