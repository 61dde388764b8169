namespace JengaFleet.Pipeline.Engine;

/// <summary>How long one stage of a generation took.</summary>
public sealed record StageTime(string Stage, TimeSpan Duration);
