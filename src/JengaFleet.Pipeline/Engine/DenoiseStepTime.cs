namespace JengaFleet.Pipeline.Engine;

/// <summary>One denoise step: its ProRes stage, its index in the run (0-based) out of <paramref name="TotalSteps"/>, and its duration.</summary>
public sealed record DenoiseStepTime(int ProResStage, int Step, int TotalSteps, TimeSpan Duration);
