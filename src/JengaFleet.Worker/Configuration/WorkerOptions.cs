namespace JengaFleet.Worker.Configuration;

/// <summary>The worker process (section <c>Worker</c>).</summary>
public sealed class WorkerOptions
{
    public const string Section = "Worker";

    /// <summary>The <c>worker</c> label and the worker field of results; defaults to the host name (the pod name on Kubernetes).</summary>
    public string Name { get; set; } = Environment.MachineName;

    /// <summary>"cpu" or "cuda", "cuda:0" …</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Queue this worker consumes; one queue per model.</summary>
    public string Queue { get; set; } = "jenga-generate";

    /// <summary>On shutdown, how long a running job may still take before it is stopped and its message handed back to the queue.</summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A job running longer is stopped and fails with reason <c>job_timeout</c>; keeps every job shorter than the broker's consumer timeout.</summary>
    public TimeSpan MaxJobDuration { get; set; } = TimeSpan.FromMinutes(90);

    /// <summary>Scratch folder for videos before upload.</summary>
    public string WorkDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "jenga-worker");
}
