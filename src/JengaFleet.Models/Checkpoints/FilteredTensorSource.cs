using static TorchSharp.torch;

namespace JengaFleet.Models.Checkpoints;

/// <summary>
/// The tensors of another source whose names pass a filter (a checkpoint holding more than one module, or unused
/// heads). Names are unchanged. Does not own the inner source.
/// </summary>
public sealed class FilteredTensorSource(ITensorSource inner, Func<string, bool> keep, string what) : ITensorSource
{
    private readonly HashSet<string> _names = inner.Names.Where(keep).ToHashSet(StringComparer.Ordinal);

    public string Description => $"{inner.Description} ({what})";

    public IReadOnlyCollection<string> Names => _names;

    public long[] Shape(string name) => inner.Shape(Checked(name));

    public Tensor Load(string name, ScalarType dtype, Device device) => inner.Load(Checked(name), dtype, device);

    public void Dispose()
    {
    }

    private string Checked(string name) =>
        _names.Contains(name) ? name : throw new KeyNotFoundException($"{Description} has no tensor '{name}'");
}
