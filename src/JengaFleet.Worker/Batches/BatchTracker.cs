using System.Collections.Concurrent;
using JengaFleet.Contracts;
using JengaFleet.Worker.Configuration;
using JengaFleet.Worker.Jobs;

namespace JengaFleet.Worker.Batches;

/// <summary>
/// Follows one batch: its manifest gives the total, a listing of its output prefix tells which jobs have a result record,
/// and each record is read once (a record is final: the workers only write it at a job's end), so a live refresh costs
/// one listing plus the new records.
/// </summary>
public sealed class BatchTracker
{
    private readonly BatchStore _store;
    private readonly RabbitMqOptions? _rabbit;
    private readonly TimeProvider _time;
    private readonly BatchKeys _batch;
    private readonly Dictionary<string, BatchJob> _jobs;
    private readonly ConcurrentDictionary<string, VideoResultRecord> _records = new(StringComparer.Ordinal);
    private BatchInfo _info;

    private BatchTracker(BatchStore store, RabbitMqOptions? rabbit, TimeProvider time, BatchKeys batch, BatchInfo info, IReadOnlyList<BatchJob> jobs)
    {
        _store = store;
        _rabbit = rabbit;
        _time = time;
        _batch = batch;
        _info = info;
        Jobs = jobs;
        _jobs = jobs.ToDictionary(j => j.JobId, StringComparer.Ordinal);
    }

    public IReadOnlyList<BatchJob> Jobs { get; }

    /// <param name="rabbit">Null: no broker counts (queued and running stay 0; everything pending is unaccounted).</param>
    /// <exception cref="BatchNotFoundException">No such batch in storage.</exception>
    public static async Task<BatchTracker> OpenAsync(BatchStore store, RabbitMqOptions? rabbit, string batchId, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!BatchKeys.IsValidBatchId(batchId))
            throw new BatchNotFoundException(batchId);
        var batch = new BatchKeys(batchId);
        var info = await store.ReadInfoAsync(batch, cancellationToken) ?? throw new BatchNotFoundException(batchId);
        var jobs = await store.ReadManifestAsync(batch, cancellationToken);
        return new BatchTracker(store, rabbit, time, batch, info, jobs);
    }

    /// <summary>The record of a job, once it has one.</summary>
    public VideoResultRecord? Record(string jobId) => _records.GetValueOrDefault(jobId);

    public async Task<BatchStatus> RefreshAsync(CancellationToken cancellationToken)
    {
        if (_info.EnqueuedAt is null)
            _info = await _store.ReadInfoAsync(_batch, cancellationToken) ?? _info;
        var withRecords = await _store.JobsWithRecordsAsync(_batch, cancellationToken);
        var fresh = withRecords.Where(id => _jobs.ContainsKey(id) && !_records.ContainsKey(id)).ToList();
        await Parallel.ForEachAsync(fresh, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            if (await _store.ReadRecordAsync(_jobs[id].RecordKey, ct) is { } record)
                _records[id] = record;
        });

        var records = _records.Values.ToList();
        var succeeded = records.Count(r => r.Outcome == JobOutcome.Succeeded);
        var failed = records.Count - succeeded;
        var pending = Jobs.Count - records.Count;
        var queue = _rabbit is null ? new QueueCounts(0, 0, 0) : await QueueCounts.ReadAsync(_rabbit, _info.Queue, cancellationToken);
        var queued = (int)Math.Min(pending, queue.Ready);
        var running = (int)Math.Min(pending - queued, queue.Consumers);

        double? perMinute = null;
        TimeSpan? eta = null;
        if (records.Count > 0)
        {
            var from = records.Min(r => r.StartedAt);
            var to = pending == 0 ? records.Max(r => r.CompletedAt) : _time.GetUtcNow();
            var minutes = Math.Max((to - from).TotalMinutes, 1.0 / 60);
            perMinute = records.Count / minutes;
            eta = pending == 0 ? TimeSpan.Zero : TimeSpan.FromMinutes(pending / perMinute.Value);
        }

        return new BatchStatus
        {
            Info = _info,
            Total = Jobs.Count,
            Succeeded = succeeded,
            Failed = failed,
            Queued = queued,
            Running = running,
            Unaccounted = pending - queued - running,
            Queue = queue,
            FailureReasons = records.Where(r => r.Outcome == JobOutcome.Failed)
                .GroupBy(r => r.Failure is { } f ? ReasonCodes.Name(f.Reason) : "unknown")
                .ToDictionary(g => g.Key, g => g.Count()),
            JobsPerMinute = perMinute,
            Eta = eta,
            Records = records,
        };
    }
}
