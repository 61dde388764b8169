namespace JengaFleet.Pipeline.Engine;

/// <summary>Why an engine refuses a request before running it (the worker maps these to the contracts' reason codes).</summary>
public enum RejectionReason
{
    InvalidPrompt,
    UnsupportedModel,
    UnknownPreset,
    InvalidSize,
    InvalidFrames,
    InvalidSteps,
    InvalidGuidance,
    InvalidSeed,
}
