namespace JengaFleet.Models.Checkpoints.Pickle;

/// <summary>A Python global named by the pickle (<c>module.name</c>), e.g. <c>torch._utils._rebuild_tensor_v2</c>.</summary>
public sealed record PyGlobal(string Module, string Name)
{
    public string FullName => $"{Module}.{Name}";

    public override string ToString() => FullName;
}

/// <summary>An instance of a class the reader does not model: its class, constructor arguments and BUILD state.</summary>
public sealed class PyObject(PyGlobal type, object?[] arguments)
{
    public PyGlobal Type { get; } = type;

    public object?[] Arguments { get; } = arguments;

    public object? State { get; set; }

    public override string ToString() => $"<{Type.FullName} object>";
}

/// <summary>A Python dict (also OrderedDict) with its insertion order kept.</summary>
public sealed class PyDict
{
    private readonly List<KeyValuePair<object, object?>> _items = [];
    private readonly Dictionary<object, int> _index = new();

    public IReadOnlyList<KeyValuePair<object, object?>> Items => _items;

    /// <summary>Instance attributes set by BUILD (torch state dicts carry <c>_metadata</c> there).</summary>
    public object? State { get; set; }

    public void Set(object key, object? value)
    {
        if (_index.TryGetValue(key, out var at))
            _items[at] = new(key, value);
        else
        {
            _index[key] = _items.Count;
            _items.Add(new(key, value));
        }
    }

    public bool TryGet(object key, out object? value)
    {
        if (_index.TryGetValue(key, out var at))
        {
            value = _items[at].Value;
            return true;
        }

        value = null;
        return false;
    }
}

/// <summary>
/// A reference to one storage of a torch zip archive (the pickle's persistent id
/// <c>('storage', StorageType, key, location, numel)</c>).
/// </summary>
public sealed record StorageRef(string Key, string StorageType, string Location, long ElementCount);

/// <summary>A tensor described by the pickle (<c>_rebuild_tensor_v2</c>): a view of a storage; no data read yet.</summary>
public sealed record PickledTensor(StorageRef Storage, long StorageOffset, long[] Shape, long[] Stride)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Whether the view is the contiguous row-major layout of its shape.</summary>
    public bool IsContiguous
    {
        get
        {
            long expected = 1;
            for (var d = Shape.Length - 1; d >= 0; d--)
            {
                if (Shape[d] != 1 && Stride[d] != expected)
                    return false;
                expected *= Shape[d];
            }

            return true;
        }
    }

    /// <summary>Elements of the storage the view touches, from <see cref="StorageOffset"/> on.</summary>
    public long SpanElements => ElementCount == 0 ? 0 : 1 + Shape.Select((s, d) => (s - 1) * Stride[d]).Sum();
}
