namespace JengaFleet.Jenga.Attention;

/// <summary>
/// Accumulates how many video key blocks carved calls kept per query block — the number that
/// explains latency (exported as a metric by hosts). Thread-safe; reset per job or per stage.
/// </summary>
public sealed class CarvingStatistics
{
    private readonly object _gate = new();
    private long _rows;
    private long _keptBlocks;
    private long _availableBlocks;

    public long Calls { get; private set; }

    /// <summary>Mean kept video key blocks per (sample, head, query block).</summary>
    public double MeanKeptBlocks { get { lock (_gate) return _rows == 0 ? 0 : (double)_keptBlocks / _rows; } }

    /// <summary>Kept fraction of the video key blocks.</summary>
    public double KeptFraction { get { lock (_gate) return _availableBlocks == 0 ? 0 : (double)_keptBlocks / _availableBlocks; } }

    public void Record(long rows, long keptBlocks, long videoBlocksPerRow)
    {
        lock (_gate)
        {
            Calls++;
            _rows += rows;
            _keptBlocks += keptBlocks;
            _availableBlocks += rows * videoBlocksPerRow;
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            Calls = 0;
            _rows = _keptBlocks = _availableBlocks = 0;
        }
    }
}
