using JengaFleet.Contracts;
using JengaFleet.Pipeline.Engine;

namespace JengaFleet.Worker.Jobs;

internal static class ReasonCodes
{
    public static FailureReason From(RejectionReason reason) => reason switch
    {
        RejectionReason.InvalidPrompt => FailureReason.InvalidPrompt,
        RejectionReason.UnsupportedModel => FailureReason.UnsupportedModel,
        RejectionReason.UnknownPreset => FailureReason.UnknownPreset,
        RejectionReason.InvalidSize => FailureReason.InvalidSize,
        RejectionReason.InvalidFrames => FailureReason.InvalidFrames,
        RejectionReason.InvalidSteps => FailureReason.InvalidSteps,
        RejectionReason.InvalidGuidance => FailureReason.InvalidGuidance,
        RejectionReason.InvalidSeed => FailureReason.InvalidSeed,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "no reason code for this rejection"),
    };

    /// <summary>The stable wire name (the <c>reason</c> metric label).</summary>
    public static string Name(FailureReason reason) =>
        System.Text.Json.JsonSerializer.Serialize(reason).Trim('"');
}
