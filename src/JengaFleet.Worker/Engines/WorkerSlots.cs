using System.Threading.Channels;

namespace JengaFleet.Worker.Engines;

/// <summary>
/// The engines of this process and their state. A production worker has one slot (one GPU); the embedded demo
/// runs several in one process. A job takes a free slot for its whole run.
/// </summary>
public sealed class WorkerSlots : IAsyncDisposable
{
    private readonly Channel<WorkerSlot> _free;
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WorkerSlots(IReadOnlyList<WorkerSlot> slots)
    {
        if (slots.Count == 0)
            throw new ArgumentException("need at least one worker slot", nameof(slots));
        All = slots;
        _free = Channel.CreateUnbounded<WorkerSlot>();
        foreach (var slot in slots)
            _free.Writer.TryWrite(slot);
    }

    public IReadOnlyList<WorkerSlot> All { get; }

    public bool IsLoaded => _loaded.Task.IsCompletedSuccessfully;

    /// <summary>Seconds the engines took to load, per slot name (for the model-load metric).</summary>
    public IReadOnlyDictionary<string, double> LoadSeconds { get; private set; } = new Dictionary<string, double>();

    /// <summary>Jobs running now.</summary>
    public int Busy => All.Count - _free.Reader.Count;

    public void MarkLoaded(IReadOnlyDictionary<string, double> loadSeconds)
    {
        LoadSeconds = loadSeconds;
        _loaded.TrySetResult();
    }

    public void MarkLoadFailed(Exception e) => _loaded.TrySetException(e);

    public Task WhenLoaded(CancellationToken cancellationToken) => _loaded.Task.WaitAsync(cancellationToken);

    public async ValueTask<WorkerSlot> AcquireAsync(CancellationToken cancellationToken)
    {
        await WhenLoaded(cancellationToken);
        return await _free.Reader.ReadAsync(cancellationToken);
    }

    public void Release(WorkerSlot slot) => _free.Writer.TryWrite(slot);

    public async ValueTask DisposeAsync()
    {
        foreach (var slot in All)
            await slot.Engine.DisposeAsync();
    }
}
