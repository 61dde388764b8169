namespace JengaFleet.Worker.Metrics;

/// <summary>
/// Every metric the worker exports, by its OpenTelemetry instrument name; the Prometheus name follows from it
/// (dots become underscores, the unit "s" adds <c>_seconds</c>, "By" adds <c>_bytes</c>, counters add <c>_total</c>).
/// Dashboards and alerts depend on these names: add, never rename.
/// </summary>
public static class MetricNames
{
    public const string MeterName = "JengaFleet.Worker";

    /// <summary>jenga_stage_duration_seconds{stage, model, preset, worker}: text_encode, denoise_N, vae_decode, video_encode, upload.</summary>
    public const string StageDuration = "jenga.stage.duration";

    /// <summary>jenga_job_duration_seconds{model, preset, worker, outcome}: from taking the job to its acknowledgement.</summary>
    public const string JobDuration = "jenga.job.duration";

    /// <summary>jenga_queue_wait_seconds{model, preset, worker}: from the request's submittedAt to the worker taking it.</summary>
    public const string QueueWait = "jenga.queue.wait";

    /// <summary>jenga_denoise_step_duration_seconds{model, preset, worker}.</summary>
    public const string DenoiseStepDuration = "jenga.denoise.step.duration";

    /// <summary>jenga_jobs_total{model, preset, worker, outcome, reason}: outcome succeeded | failed | duplicate; reason a failure code or "none".</summary>
    public const string Jobs = "jenga.jobs";

    /// <summary>jenga_jobs_in_progress{model, worker}: 0 or 1 per worker.</summary>
    public const string JobsInProgress = "jenga.jobs.in_progress";

    /// <summary>jenga_model_load_duration_seconds{model, worker}: gauge, the start-up load time.</summary>
    public const string ModelLoadDuration = "jenga.model.load.duration";

    /// <summary>jenga_worker_ready{model, worker}: gauge, 1 once the model is loaded.</summary>
    public const string WorkerReady = "jenga.worker.ready";

    /// <summary>jenga_gpu_memory_used_bytes{model, worker, device}: gauge, memory held by the engine on its device (absent on CPU).</summary>
    public const string GpuMemoryUsed = "jenga.gpu.memory.used";

    /// <summary>The Prometheus names, as a scrape shows them (for dashboards and the tests that check them).</summary>
    public static IReadOnlyList<string> PrometheusNames { get; } =
    [
        "jenga_stage_duration_seconds", "jenga_job_duration_seconds", "jenga_queue_wait_seconds",
        "jenga_denoise_step_duration_seconds", "jenga_jobs_total", "jenga_jobs_in_progress",
        "jenga_model_load_duration_seconds", "jenga_worker_ready", "jenga_gpu_memory_used_bytes",
    ];

    /// <summary>Histogram buckets in seconds: jobs on a GPU take minutes, steps seconds, tiny CPU jobs milliseconds.</summary>
    public static double[] DurationBuckets { get; } =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200];

    public static double[] QueueWaitBuckets { get; } =
        [0.1, 0.5, 1, 5, 10, 30, 60, 300, 600, 1800, 3600, 7200, 21600, 86400];
}
