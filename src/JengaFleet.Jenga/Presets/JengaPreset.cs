namespace JengaFleet.Jenga.Presets;

/// <summary>
/// One Jenga setting, per ProRes stage where a list. Stage s runs at spatial scale
/// <c>ResolutionRates[s]</c>, ends after step <c>trunc(steps * StepRates[s])</c>, carves attention with
/// drop rate <c>DropRates[s]</c> (0 = dense attention) and, from stage 1 on after a resolution change,
/// uses time shift <c>ShiftList[s]</c>. <c>ShiftList[0]</c> is ignored: stage 0 runs with the run's flow
/// shift, as in the reference.
/// </summary>
public sealed record JengaPreset(
    string Name,
    IReadOnlyList<double> DropRates,
    double KeepProbability,
    IReadOnlyList<double> ResolutionRates,
    IReadOnlyList<double> StepRates,
    IReadOnlyList<int> ShiftList,
    bool SkipSteps,
    double TextAmpScale = 1.0)
{
    public int StageCount => ResolutionRates.Count;

    /// <summary>Throws with a reason when the lists do not describe a valid stage sequence.</summary>
    public void Validate()
    {
        var s = StageCount;
        if (s < 1)
            throw new ArgumentException($"preset '{Name}': needs at least one stage");
        if (DropRates.Count != s || StepRates.Count != s || ShiftList.Count != s)
            throw new ArgumentException($"preset '{Name}': drop rates ({DropRates.Count}), resolution rates ({s}), step rates ({StepRates.Count}) and shifts ({ShiftList.Count}) need one entry per stage");
        if (ResolutionRates[^1] != 1.0 || StepRates[^1] != 1.0)
            throw new ArgumentException($"preset '{Name}': the last stage must have resolution rate 1.0 and step rate 1.0");
        foreach (var d in DropRates)
        {
            if (d is < 0 or >= 1 || double.IsNaN(d))
                throw new ArgumentException($"preset '{Name}': drop rate {d} is outside [0, 1)");
        }

        if (KeepProbability is < 0 or > 1 || double.IsNaN(KeepProbability))
            throw new ArgumentException($"preset '{Name}': keep probability {KeepProbability} is outside [0, 1]");
        for (var i = 0; i < s; i++)
        {
            if (ResolutionRates[i] is <= 0 or > 1 || double.IsNaN(ResolutionRates[i]))
                throw new ArgumentException($"preset '{Name}': resolution rate {ResolutionRates[i]} is outside (0, 1]");
            if (ShiftList[i] <= 0)
                throw new ArgumentException($"preset '{Name}': shift {ShiftList[i]} must be positive");
            // The reference never updates the curve after a full-resolution stage, so a smaller stage cannot follow one.
            if (i > 0 && ResolutionRates[i - 1] == 1.0 && ResolutionRates[i] != 1.0)
                throw new ArgumentException($"preset '{Name}': a stage at rate {ResolutionRates[i]} cannot follow a full-resolution stage");
        }
    }
}
