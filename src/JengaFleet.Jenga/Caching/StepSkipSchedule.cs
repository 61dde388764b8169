namespace JengaFleet.Jenga.Caching;

/// <summary>
/// HunyuanVideo's "case-agnostic" step skipping: at the listed transformer calls the blocks run; at the
/// others the residual cached at the last computed call is reused. The list is the reference's, written
/// for 50 steps.
///
/// Other step counts (the reference applies the same indices to any count, so with more than 50 steps
/// every call past 49 would be skipped): up to 50 steps we keep the reference behaviour exactly
/// (5 steps compute all five, as AccVideo expects); above 50, call c runs iff the 50-step position
/// <c>floor(c * 50 / steps)</c> is in the list, which keeps the same fraction and spacing of computed calls.
/// </summary>
public sealed class StepSkipSchedule
{
    /// <summary>The 23 computed calls of a 50-step run.</summary>
    public static IReadOnlyList<int> ReferenceComputedCalls { get; } =
        [0, 1, 2, 3, 4, 7, 10, 13, 16, 19, 22, 25, 26, 29, 32, 35, 38, 41, 43, 45, 46, 47, 49];

    private const int ReferenceSteps = 50;

    private static readonly HashSet<int> ReferenceSet = [.. ReferenceComputedCalls];

    private readonly bool _enabled;

    private StepSkipSchedule(int steps, bool enabled)
    {
        if (steps < 1)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "need at least one step");
        Steps = steps;
        _enabled = enabled;
    }

    public int Steps { get; }

    /// <summary>Every call computes.</summary>
    public static StepSkipSchedule ComputeAll(int steps) => new(steps, enabled: false);

    public static StepSkipSchedule Hunyuan(int steps) => new(steps, enabled: true);

    /// <summary>Whether the transformer call with this counter value (0-based, wrapping at Steps) runs its blocks.</summary>
    public bool Computes(int callCounter)
    {
        if (!_enabled)
            return true;
        var position = Steps <= ReferenceSteps ? callCounter : (int)((long)callCounter * ReferenceSteps / Steps);
        return ReferenceSet.Contains(position);
    }
}
