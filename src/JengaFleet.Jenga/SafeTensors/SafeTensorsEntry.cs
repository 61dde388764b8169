namespace JengaFleet.Jenga.SafeTensors;

/// <summary>
/// One tensor as the header of a safetensors file describes it. Offsets are relative to the
/// start of the data section (see <see cref="SafeTensorsFile.DataStart"/>), as in the file.
/// </summary>
public sealed class SafeTensorsEntry
{
    private readonly long[] _shape;

    internal SafeTensorsEntry(string name, SafeTensorsDType dtype, long[] shape, long elementCount, long dataBegin, long dataEnd)
    {
        Name = name;
        DType = dtype;
        _shape = shape;
        ElementCount = elementCount;
        DataBegin = dataBegin;
        DataEnd = dataEnd;
    }

    /// <summary>The tensor's key in the header.</summary>
    public string Name { get; }

    /// <summary>The stored element type.</summary>
    public SafeTensorsDType DType { get; }

    /// <summary>The shape (a fresh copy on every call; empty for a scalar).</summary>
    public long[] Shape => (long[])_shape.Clone();

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Product of the shape (1 for a scalar).</summary>
    public long ElementCount { get; }

    /// <summary>First byte of the tensor, relative to the data section.</summary>
    public long DataBegin { get; }

    /// <summary>One past the last byte of the tensor, relative to the data section.</summary>
    public long DataEnd { get; }

    /// <summary>Number of stored bytes.</summary>
    public long ByteLength => DataEnd - DataBegin;

    internal ReadOnlySpan<long> ShapeSpan => _shape;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name}: {DType.FileName()} [{string.Join(", ", _shape)}] bytes [{DataBegin}, {DataEnd})";
}
