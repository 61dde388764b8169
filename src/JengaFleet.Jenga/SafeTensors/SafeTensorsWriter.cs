using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using TorchSharp;

namespace JengaFleet.Jenga.SafeTensors;

/// <summary>
/// Writes a <c>.safetensors</c> file: collect tensors (and optional metadata strings), then
/// <see cref="Save(string)"/>. Tensor bytes are streamed one tensor at a time (in pieces for
/// large tensors), so no buffer of the whole file is ever built.
/// </summary>
/// <remarks>
/// Tensors are written in the order they were added, back to back as the format requires,
/// after a JSON header padded with spaces to a multiple of 8 bytes. The writer keeps references
/// to the added tensors and reads them only in <see cref="Save(Stream)"/>: they must stay alive
/// (not disposed) until then; the writer never disposes them. Tensors of any device and layout
/// are accepted (they are copied to contiguous CPU memory one at a time while writing).
/// Writable types: every TorchSharp type the format has (bool, uint8, int8, int16, int32, int64,
/// float16, bfloat16, float32, float64, complex64); any other format type can be written from
/// raw bytes with <see cref="AddRaw"/>.
/// </remarks>
public sealed class SafeTensorsWriter
{
    private const string MetadataKey = "__metadata__";

    private readonly List<Pending> _tensors = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);

    /// <summary>Creates an empty writer.</summary>
    public SafeTensorsWriter()
    {
        LittleEndian.EnsurePlatform();
    }

    /// <summary>Number of tensors added so far.</summary>
    public int Count => _tensors.Count;

    /// <summary>Largest piece of a tensor written at once (tests lower it to exercise the piecewise path).</summary>
    internal long ChunkBytes { get; set; } = TensorBytes.DefaultChunkBytes;

    /// <summary>Adds a tensor under <paramref name="name"/>; its data is read when the file is saved.</summary>
    /// <exception cref="ArgumentException">The name is empty, reserved or already used.</exception>
    /// <exception cref="NotSupportedException">The format has no dtype for the tensor's type.</exception>
    public SafeTensorsWriter Add(string name, torch.Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var dtype = SafeTensorsDTypes.FromScalarType(tensor.dtype)
            ?? throw new NotSupportedException($"tensor '{name}': the safetensors format has no dtype for {tensor.dtype}");
        var shape = tensor.shape;
        var count = SafeTensorsLayout.ElementCount(shape, out var problem) ?? throw new ArgumentException(problem, nameof(tensor));
        var bytes = SafeTensorsLayout.ByteLength(dtype, count, out problem) ?? throw new ArgumentException(problem, nameof(tensor));
        AddPending(new Pending(name, dtype, shape, bytes, tensor, null));
        return this;
    }

    /// <summary>
    /// Adds a tensor given as raw little-endian bytes of any format dtype (for example float8
    /// data, which TorchSharp cannot hold). The bytes are copied.
    /// </summary>
    /// <exception cref="ArgumentException">The byte count does not match shape and dtype, or the name is bad.</exception>
    public SafeTensorsWriter AddRaw(string name, SafeTensorsDType dtype, long[] shape, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var count = SafeTensorsLayout.ElementCount(shape, out var problem) ?? throw new ArgumentException(problem, nameof(shape));
        var bytes = SafeTensorsLayout.ByteLength(dtype, count, out problem) ?? throw new ArgumentException(problem, nameof(shape));
        if (bytes != data.Length)
        {
            throw new ArgumentException(
                $"tensor '{name}': {dtype.FileName()} [{string.Join(", ", shape)}] needs {bytes} bytes, {data.Length} were given",
                nameof(data));
        }
        AddPending(new Pending(name, dtype, (long[])shape.Clone(), bytes, null, data.ToArray()));
        return this;
    }

    /// <summary>Sets a <c>__metadata__</c> string (replacing an earlier value of the same key).</summary>
    public SafeTensorsWriter AddMetadata(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        _metadata[key] = value;
        return this;
    }

    /// <summary>
    /// Writes the file. The data goes to a temporary file next to <paramref name="path"/> that
    /// replaces it only once complete, so a failed save leaves no half-written file behind.
    /// </summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = System.IO.Path.GetFullPath(path);
        var temp = full + $".{Guid.NewGuid():N}.tmp";
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 1 << 20,
                PreallocationSize = TotalBytes(out _),
            };
            using (var stream = new FileStream(temp, options))
            {
                Save(stream);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
                // best effort: the original error matters more
            }
            throw;
        }
    }

    /// <summary>Writes the file to <paramref name="stream"/> (from its current position).</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        TotalBytes(out var header);
        Span<byte> lengthField = stackalloc byte[SafeTensorsLayout.LengthFieldBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(lengthField, (ulong)header.Length);
        stream.Write(lengthField);
        stream.Write(header);

        foreach (var item in _tensors)
        {
            if (item.Raw is not null)
            {
                stream.Write(item.Raw);
                continue;
            }
            WriteTensor(item, stream);
        }
        stream.Flush();
    }

    /// <summary>Writes <paramref name="tensors"/> (in order) and <paramref name="metadata"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, IEnumerable<(string Name, torch.Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var writer = new SafeTensorsWriter();
        foreach (var (name, tensor) in tensors)
        {
            writer.Add(name, tensor);
        }
        writer.AddAllMetadata(metadata);
        writer.Save(path);
    }

    /// <summary>Writes <paramref name="tensors"/> (in enumeration order) and <paramref name="metadata"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, torch.Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        Write(path, tensors.Select(kv => (kv.Key, kv.Value)), metadata);
    }

    private void AddAllMetadata(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null)
        {
            return;
        }
        foreach (var (key, value) in metadata)
        {
            AddMetadata(key, value);
        }
    }

    private void AddPending(Pending item)
    {
        if (string.IsNullOrEmpty(item.Name))
        {
            throw new ArgumentException("a tensor name must not be empty", "name");
        }
        if (item.Name == MetadataKey)
        {
            throw new ArgumentException($"'{MetadataKey}' is reserved for the metadata and cannot name a tensor", "name");
        }
        if (!_names.Add(item.Name))
        {
            throw new ArgumentException($"a tensor named '{item.Name}' was already added", "name");
        }
        _tensors.Add(item);
    }

    private void WriteTensor(Pending item, Stream stream)
    {
        var tensor = item.Tensor!;
        if (tensor.IsInvalid)
        {
            throw new ObjectDisposedException($"tensor '{item.Name}' was disposed before the file was saved");
        }
        if (tensor.dtype != item.Source)
        {
            throw new InvalidOperationException($"tensor '{item.Name}' changed dtype from {item.Source} to {tensor.dtype} after it was added");
        }

        // Temporaries made on the way to plain contiguous CPU memory; the caller's tensor is never disposed.
        var temporaries = new List<torch.Tensor>();
        try
        {
            var current = tensor;
            torch.Tensor Step(torch.Tensor next)
            {
                temporaries.Add(next);
                return next;
            }
            if (current.device_type != DeviceType.CPU)
            {
                current = Step(current.cpu());
            }
            if (current.is_conj())
            {
                current = Step(current.resolve_conj());
            }
            if (current.is_neg())
            {
                current = Step(current.resolve_neg());
            }
            if (!current.is_contiguous())
            {
                current = Step(current.contiguous());
            }
            if (current.NumberOfElements * current.ElementSize != item.ByteLength)
            {
                throw new InvalidOperationException($"tensor '{item.Name}' changed shape after it was added");
            }
            TensorBytes.WriteTo(current, stream, ChunkBytes);
        }
        finally
        {
            foreach (var temporary in temporaries)
            {
                temporary.Dispose();
            }
        }
    }

    private long TotalBytes(out byte[] header)
    {
        header = BuildHeader(out var dataBytes);
        return checked(SafeTensorsLayout.LengthFieldBytes + header.Length + dataBytes);
    }

    private byte[] BuildHeader(out long dataBytes)
    {
        using var buffer = new MemoryStream();
        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using (var json = new Utf8JsonWriter(buffer, options))
        {
            json.WriteStartObject();
            if (_metadata.Count > 0)
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in _metadata)
                {
                    json.WriteString(key, value);
                }
                json.WriteEndObject();
            }

            long offset = 0;
            foreach (var item in _tensors)
            {
                json.WriteStartObject(item.Name);
                json.WriteString("dtype", item.DType.FileName());
                json.WriteStartArray("shape");
                foreach (var dim in item.Shape)
                {
                    json.WriteNumberValue(dim);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset = checked(offset + item.ByteLength);
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
            dataBytes = offset;
        }

        var padded = SafeTensorsLayout.PaddedHeaderLength(buffer.Length);
        while (buffer.Length < padded)
        {
            buffer.WriteByte((byte)' ');
        }
        return buffer.ToArray();
    }

    private sealed record Pending(string Name, SafeTensorsDType DType, long[] Shape, long ByteLength, torch.Tensor? Tensor, byte[]? Raw)
    {
        public torch.ScalarType? Source { get; } = Tensor?.dtype;
    }
}
