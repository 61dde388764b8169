namespace JengaFleet.Worker.Jobs;

/// <summary>The worker is shutting down and the job did not finish within the grace period: its message goes back to the queue.</summary>
public sealed class JobInterruptedException(string jobId, Exception inner)
    : Exception($"job {jobId} was interrupted by shutdown; its message is handed back to the queue", inner);
