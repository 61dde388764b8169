namespace JengaFleet.Worker.Tests.Infrastructure;

/// <summary>
/// Settings of a test worker: real broker and S3 from <see cref="TestServices"/>, a unique queue, and the synthetic
/// engine (slow, controllable jobs for crash and shutdown tests) or the real pipeline with hunyuan-tiny.
/// </summary>
public static class WorkerSettings
{
    public static Dictionary<string, string?> For(string queue, string worker, string? s3Url = null, TimeSpan? stepDelay = null, string model = "synthetic") => new()
    {
        ["RabbitMq:Uri"] = TestServices.RabbitMqUri.ToString(),
        ["RabbitMq:ConsumerTimeout"] = "01:00:00",
        ["Storage:ServiceUrl"] = s3Url ?? TestServices.S3Url,
        ["Storage:Bucket"] = TestServices.S3Bucket,
        ["Storage:AccessKey"] = TestServices.S3AccessKey,
        ["Storage:SecretKey"] = TestServices.S3SecretKey,
        ["Storage:ForcePathStyle"] = "true",
        ["Storage:RetryBaseDelay"] = "00:00:00.200",
        ["Storage:RetryMaxDelay"] = "00:00:01",
        ["Storage:RetryAttempts"] = "30",
        ["Storage:RequestTimeout"] = "00:00:10",
        ["Model:Name"] = model,
        ["Model:WeightsPath"] = model == "synthetic" ? null : TinyWeightsRoot,
        ["Model:SyntheticStepDelay"] = (stepDelay ?? TimeSpan.Zero).ToString(),
        ["Worker:Name"] = worker,
        ["Worker:Queue"] = queue,
        ["Worker:ShutdownGracePeriod"] = "00:00:02",
        ["Worker:MaxJobDuration"] = "00:10:00",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:JengaFleet"] = "Information",
    };

    /// <summary>One hunyuan-tiny for all test workers (written on first use, reused while its format is current).</summary>
    public static string TinyWeightsRoot { get; } = Path.Combine(Path.GetTempPath(), "jenga-tests", "hunyuan-tiny");
}
