namespace JengaFleet.Worker.Batches;

/// <summary>A batch id is already taken by other jobs (another file, other defaults or another queue).</summary>
public sealed class BatchConflictException(string message) : Exception(message);
