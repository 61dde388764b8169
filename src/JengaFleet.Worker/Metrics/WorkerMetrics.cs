using System.Diagnostics.Metrics;
using JengaFleet.Contracts;
using JengaFleet.Jenga.Presets;
using JengaFleet.Worker.Engines;
using JengaFleet.Worker.Jobs;

namespace JengaFleet.Worker.Metrics;

/// <summary>The worker's instruments (names in <see cref="MetricNames"/>). Labels come from <see cref="JobLabels"/>, bounded to known values.</summary>
public sealed class WorkerMetrics
{
    private readonly Histogram<double> _stage;
    private readonly Histogram<double> _job;
    private readonly Histogram<double> _queueWait;
    private readonly Histogram<double> _step;
    private readonly Counter<long> _jobs;
    private readonly UpDownCounter<long> _inProgress;

    public WorkerMetrics(IMeterFactory meters, WorkerSlots slots)
    {
        var meter = meters.Create(MetricNames.MeterName);
        _stage = meter.CreateHistogram<double>(MetricNames.StageDuration, "s", "Wall time of one stage of a job");
        _job = meter.CreateHistogram<double>(MetricNames.JobDuration, "s", "Wall time of a job, from taking it to its end");
        _queueWait = meter.CreateHistogram<double>(MetricNames.QueueWait, "s", "Time from submission to a worker taking the job");
        _step = meter.CreateHistogram<double>(MetricNames.DenoiseStepDuration, "s", "Wall time of one denoise step");
        _jobs = meter.CreateCounter<long>(MetricNames.Jobs, null, "Jobs ended, by outcome and reason");
        _inProgress = meter.CreateUpDownCounter<long>(MetricNames.JobsInProgress, null, "Jobs running now");
        meter.CreateObservableGauge(MetricNames.ModelLoadDuration, () => slots.All
            .Where(s => slots.LoadSeconds.ContainsKey(s.Name))
            .Select(s => new Measurement<double>(slots.LoadSeconds[s.Name], Tag("model", s.Engine.Info.Model), Tag("worker", s.Name))),
            "s", "Time the model took to load at start-up");
        meter.CreateObservableGauge(MetricNames.WorkerReady, () => slots.All
            .Select(s => new Measurement<int>(slots.IsLoaded ? 1 : 0, Tag("model", s.Engine.Info.Model), Tag("worker", s.Name))),
            null, "1 when the worker's model is loaded and it takes jobs");
        meter.CreateObservableGauge(MetricNames.GpuMemoryUsed, () => slots.All
            .Select(s => (Slot: s, Bytes: s.Engine.DeviceMemoryBytes()))
            .Where(x => x.Bytes is not null)
            .Select(x => new Measurement<long>(x.Bytes!.Value, Tag("model", x.Slot.Engine.Info.Model), Tag("worker", x.Slot.Name), Tag("device", x.Slot.Engine.Info.Device))),
            "By", "Device memory held by the engine");
    }

    public void QueueWait(JobLabels labels, double seconds) => _queueWait.Record(Math.Max(0, seconds), labels.Tags());

    public void Stage(JobLabels labels, string stage, double seconds)
    {
        var tags = labels.Tags();
        tags.Add("stage", stage);
        _stage.Record(seconds, tags);
    }

    public void Step(JobLabels labels, double seconds) => _step.Record(seconds, labels.Tags());

    public void Started(JobLabels labels) => _inProgress.Add(1, Tag("model", labels.Model), Tag("worker", labels.Worker));

    public void Ended(JobLabels labels, string outcome, FailureReason? reason, double seconds)
    {
        _inProgress.Add(-1, Tag("model", labels.Model), Tag("worker", labels.Worker));
        var tags = labels.Tags();
        tags.Add("outcome", outcome);
        _job.Record(seconds, tags);
        tags.Add("reason", reason is { } r ? ReasonCodes.Name(r) : "none");
        _jobs.Add(1, tags);
    }

    private static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);
}

/// <summary>The labels of one job, with user-supplied values mapped to a bounded set (so bad input cannot blow up the series count).</summary>
public sealed record JobLabels(string Model, string Preset, string Worker)
{
    public static JobLabels For(GenerateVideo? message, WorkerSlot slot)
    {
        var served = slot.Engine.Info.Model;
        var model = message?.Model is null || string.Equals(message.Model, served, StringComparison.OrdinalIgnoreCase) ? served : "other";
        var preset = JengaPresets.All.FirstOrDefault(p => string.Equals(p.Name, message?.Preset, StringComparison.OrdinalIgnoreCase))?.Name ?? "invalid";
        return new JobLabels(model, preset, slot.Name);
    }

    public System.Diagnostics.TagList Tags() => new() { { "model", Model }, { "preset", Preset }, { "worker", Worker } };
}
