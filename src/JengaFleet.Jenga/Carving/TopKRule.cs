namespace JengaFleet.Jenga.Carving;

/// <summary>The guaranteed number of kept video key blocks per query block.</summary>
public static class TopKRule
{
    /// <summary>
    /// top_k = trunc((1 - drop) * blocks), in IEEE double exactly as the reference computes it:
    /// (1 - 0.8) * 900 = 179.99999999999997, so 179, not 180. Reproduced on purpose.
    /// </summary>
    public static int FromDropRate(double dropRate, int blocks)
    {
        if (dropRate is < 0 or >= 1 || double.IsNaN(dropRate))
            throw new ArgumentOutOfRangeException(nameof(dropRate), dropRate, "drop rate must be in [0, 1)");
        return (int)((1.0 - dropRate) * blocks);
    }
}
