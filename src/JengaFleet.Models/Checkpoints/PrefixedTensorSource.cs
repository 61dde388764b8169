using static TorchSharp.torch;

namespace JengaFleet.Models.Checkpoints;

/// <summary>
/// The tensors of another source whose names start with a prefix, with the prefix removed
/// (golden fixtures store weights as <c>w.&lt;key&gt;</c>; some checkpoints nest a module under a prefix).
/// Does not own the inner source.
/// </summary>
public sealed class PrefixedTensorSource(ITensorSource inner, string prefix) : ITensorSource
{
    private readonly Dictionary<string, string> _names = inner.Names
        .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
        .ToDictionary(n => n[prefix.Length..], n => n, StringComparer.Ordinal);

    public string Description => $"{inner.Description} (tensors under '{prefix}')";

    public IReadOnlyCollection<string> Names => _names.Keys;

    public long[] Shape(string name) => inner.Shape(_names[name]);

    public Tensor Load(string name, ScalarType dtype, Device device) => inner.Load(_names[name], dtype, device);

    public void Dispose()
    {
    }
}
