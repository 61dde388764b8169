using JengaFleet.Pipeline.Engine;

namespace JengaFleet.Worker.Engines;

/// <summary>One job at a time on one engine (one GPU): the unit the fleet scales by. Its name is the <c>worker</c> label.</summary>
public sealed record WorkerSlot(string Name, IVideoGenerationEngine Engine);
