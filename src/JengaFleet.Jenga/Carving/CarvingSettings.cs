using JengaFleet.Jenga.Blocks;

namespace JengaFleet.Jenga.Carving;

/// <summary>
/// Everything one carved attention call needs besides q, k and v.
/// </summary>
/// <param name="TopK">Minimum number of video key blocks kept per query block (see <see cref="TopKRule"/>).</param>
/// <param name="KeepProbability">The cumulative-probability threshold p: keep the most probable blocks until their mass exceeds p.</param>
/// <param name="Adjacency">Blocks touching the query block in 3-D; always kept. Null keeps none.</param>
/// <param name="TextAmp">Text-attention amplifier in log2 units: video queries weight every condition key by 2^TextAmp.</param>
/// <param name="FirstFrameBlocks">Wan's first-frame rule: query blocks below this index see all key blocks below it.</param>
public sealed record CarvingSettings(
    int TopK,
    double KeepProbability,
    BlockAdjacency? Adjacency = null,
    double TextAmp = 0.0,
    int FirstFrameBlocks = 0)
{
    /// <summary>The text bias in natural-log logit units (the reference kernel adds TextAmp to base-2 logits).</summary>
    public double TextLogitBias => TextAmp * Math.Log(2.0);
}
