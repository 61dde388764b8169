using JengaFleet.Jenga.Blocks;
using JengaFleet.Jenga.Carving;
using JengaFleet.Jenga.Curves;

namespace JengaFleet.Jenga.ProRes;

/// <summary>What happens after a model call.</summary>
public enum StageTransition
{
    /// <summary>An ordinary Euler step.</summary>
    None,

    /// <summary>Next stage at the same resolution: Euler step, only the drop rate changes.</summary>
    DropRateOnly,

    /// <summary>Next stage at another resolution: x0 estimate, resize, re-noise with a re-shifted schedule.</summary>
    Resolution,
}

/// <summary>
/// One planned transformer call: the inputs a model needs besides the latent, and the bookkeeping the
/// reference loop keeps (counter, skip decision, stage, transition after the call).
/// </summary>
public sealed record DenoiseCall(
    int Step,
    int Counter,
    float Timestep,
    float Guidance,
    bool ComputeBlocks,
    DenoiseStage Stage,
    int ScheduleIndex,
    double DropRate,
    double TextAmp,
    double KeepProbability,
    StageTransition After)
{
    /// <summary>top_k in force, or -1 on a skipped call (no attention runs), as the reference reports it.</summary>
    public int TopK => ComputeBlocks ? TopKRule.FromDropRate(DropRate, Stage.VideoTokens / BlockLayout.BlockSize) : -1;

    /// <summary>The first call of a stage after a resolution switch (or of the run): caches must be rebuilt.</summary>
    public bool StageStart { get; init; }

    /// <summary>Carving settings for this call's attention, or null for dense attention.</summary>
    public CarvingSettings? Carving(CurveKind curve)
    {
        if (DropRate == 0.0)
            return null;
        var adjacency = BlockAdjacency.For(CurvePermutation.For(Stage.Grid, curve));
        return new CarvingSettings(Math.Max(TopK, 0), KeepProbability, adjacency, TextAmp);
    }
}
