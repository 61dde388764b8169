using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Text.Json;
using TorchSharp;

namespace JengaFleet.Jenga.SafeTensors;

/// <summary>
/// A <c>.safetensors</c> file opened read-only and memory-mapped. The header is parsed and
/// validated when the file is opened; <see cref="Load"/> copies one tensor straight from the
/// mapping into a new tensor, so the tensors it returns do not depend on the file staying open.
/// </summary>
/// <remarks>
/// Layout: an unsigned 64-bit little-endian header length N, N bytes of UTF-8 JSON mapping each
/// tensor name to <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (plus an optional
/// <c>"__metadata__"</c> object of strings), then the data section; offsets are relative to it.
/// All sizes are 64-bit, so files and tensors over 2 GB are fine. Tensors may overlap or come
/// in any order as long as each lies inside the data section and has exactly the size its
/// shape and dtype need. Safe to <see cref="Load"/> from several threads at once.
/// </remarks>
public sealed unsafe class SafeTensorsFile : IDisposable
{
    private const string MetadataKey = "__metadata__";

    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly Dictionary<string, SafeTensorsEntry> _byName;
    private int _disposed;

    /// <summary>Opens and validates <paramref name="path"/>.</summary>
    /// <exception cref="SafeTensorsException">The file is not a valid safetensors file.</exception>
    /// <exception cref="PlatformNotSupportedException">The machine is big-endian.</exception>
    public SafeTensorsFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        LittleEndian.EnsurePlatform();
        Path = path;

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        try
        {
            FileLength = stream.Length;
            if (FileLength < SafeTensorsLayout.LengthFieldBytes)
            {
                throw Error(null, $"the file has {FileLength} bytes, fewer than the 8-byte header length that starts the format");
            }
            _map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        try
        {
            _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _base = pointer + _view.PointerOffset;

            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(_base, SafeTensorsLayout.LengthFieldBytes));
            if (headerLength > (ulong)(FileLength - SafeTensorsLayout.LengthFieldBytes))
            {
                throw Error(null, $"the header length field says {headerLength} bytes, but only {FileLength - SafeTensorsLayout.LengthFieldBytes} bytes follow it (file truncated or not safetensors)");
            }
            if (headerLength > SafeTensorsLayout.MaxHeaderBytes)
            {
                throw Error(null, $"the header has {headerLength} bytes, more than the {SafeTensorsLayout.MaxHeaderBytes} this reader accepts");
            }
            HeaderLength = (long)headerLength;
            DataStart = SafeTensorsLayout.LengthFieldBytes + HeaderLength;

            var (entries, metadata) = ParseHeader(new ReadOnlySpan<byte>(_base + SafeTensorsLayout.LengthFieldBytes, (int)HeaderLength));
            Entries = entries;
            Metadata = metadata;
            _byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        }
        catch
        {
            ReleaseMapping();
            throw;
        }
    }

    /// <summary>The path the file was opened with.</summary>
    public string Path { get; }

    /// <summary>Size of the file in bytes.</summary>
    public long FileLength { get; }

    /// <summary>Length of the JSON header in bytes (including any padding).</summary>
    public long HeaderLength { get; }

    /// <summary>File offset of the data section (8 + <see cref="HeaderLength"/>).</summary>
    public long DataStart { get; }

    /// <summary>Size of the data section in bytes.</summary>
    public long DataLength => FileLength - DataStart;

    /// <summary>The <c>__metadata__</c> strings of the header (empty when there are none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensors, in the order the header lists them.</summary>
    public IReadOnlyList<SafeTensorsEntry> Entries { get; }

    /// <summary>The tensor names, in the order the header lists them.</summary>
    public IEnumerable<string> Names => Entries.Select(e => e.Name);

    /// <summary>Whether the file holds a tensor named <paramref name="name"/>.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>Looks up a tensor's header entry.</summary>
    public bool TryGetEntry(string name, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out SafeTensorsEntry entry) =>
        _byName.TryGetValue(name, out entry);

    /// <summary>A tensor's header entry.</summary>
    /// <exception cref="KeyNotFoundException">No such tensor; the message lists some names the file has.</exception>
    public SafeTensorsEntry GetEntry(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_byName.TryGetValue(name, out var entry))
        {
            return entry;
        }
        throw new KeyNotFoundException(
            $"safetensors file '{Path}' has no tensor '{name}'. It has {Entries.Count} tensors, for example: {DescribeNear(name)}");
    }

    /// <summary>
    /// Creates a tensor with the stored dtype and shape, fills it from the file, then converts
    /// it to <paramref name="dtype"/> and moves it to <paramref name="device"/> when those are
    /// given. float8 tensors are decoded to bfloat16 first (see <see cref="SafeTensorsDTypes.LoadedScalarType"/>).
    /// The caller owns the returned tensor.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No such tensor.</exception>
    /// <exception cref="SafeTensorsException">The stored dtype cannot be loaded.</exception>
    public torch.Tensor Load(string name, torch.ScalarType? dtype = null, torch.Device? device = null) =>
        Load(name, dtype, device, TensorBytes.DefaultChunkBytes);

    internal torch.Tensor Load(string name, torch.ScalarType? dtype, torch.Device? device, long chunkBytes)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var entry = GetEntry(name);
        var stored = entry.DType.LoadedScalarType()
            ?? throw Error(name, $"dtype {entry.DType.FileName()} cannot be loaded (TorchSharp has no matching type); loadable: {string.Join(", ", LoadableNames())}");

        var tensor = torch.empty(entry.ShapeSpan, stored, torch.CPU);
        try
        {
            var source = _base + DataStart + entry.DataBegin;
            switch (entry.DType)
            {
                case SafeTensorsDType.Float8E4M3:
                    TensorBytes.DecodeIn(tensor, source, Float8.E4M3ToBFloat16, chunkBytes);
                    break;
                case SafeTensorsDType.Float8E5M2:
                    TensorBytes.DecodeIn(tensor, source, Float8.E5M2ToBFloat16, chunkBytes);
                    break;
                default:
                    TensorBytes.CopyIn(tensor, source, chunkBytes);
                    break;
            }

            var wantType = dtype ?? stored;
            var wantCpu = device is null || device.type == DeviceType.CPU;
            if (wantType == stored && wantCpu)
            {
                return tensor;
            }
            var converted = tensor.to(wantType, device ?? torch.CPU);
            tensor.Dispose();
            return converted;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>Unmaps the file. Tensors already loaded stay valid.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            ReleaseMapping();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Path} ({Entries.Count} tensors, {FileLength} bytes)";

    private void ReleaseMapping()
    {
        if (_view is not null)
        {
            if (_base is not null)
            {
                _view.SafeMemoryMappedViewHandle.ReleasePointer();
            }
            _view.Dispose();
        }
        _map?.Dispose();
    }

    private (List<SafeTensorsEntry> Entries, IReadOnlyDictionary<string, string> Metadata) ParseHeader(ReadOnlySpan<byte> header)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw Error(null, $"the {header.Length}-byte header is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Error(null, $"the header must be a JSON object, but it is {root.ValueKind}");
            }

            var entries = new List<SafeTensorsEntry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            IReadOnlyDictionary<string, string> metadata = new Dictionary<string, string>();
            var dataLength = DataLength;

            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw Error(property.Name, "the header names this key twice");
                }
                if (property.Name == MetadataKey)
                {
                    metadata = ParseMetadata(property.Value);
                    continue;
                }
                entries.Add(ParseEntry(property.Name, property.Value, dataLength));
            }
            return (entries, metadata);
        }
    }

    private Dictionary<string, string> ParseMetadata(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Error(null, $"\"{MetadataKey}\" must be an object of strings, but it is {value.ValueKind}");
        }
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw Error(null, $"\"{MetadataKey}\" value of '{item.Name}' must be a string, but it is {item.Value.ValueKind}");
            }
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
            {
                throw Error(null, $"\"{MetadataKey}\" names the key '{item.Name}' twice");
            }
        }
        return metadata;
    }

    private SafeTensorsEntry ParseEntry(string name, JsonElement value, long dataLength)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Error(name, $"the header entry must be an object, but it is {value.ValueKind}");
        }

        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw Error(name, "the header entry has no \"dtype\" string");
        }
        var dtypeName = dtypeElement.GetString()!;
        if (!SafeTensorsDTypes.TryParse(dtypeName, out var dtype))
        {
            throw Error(name, $"unknown dtype '{dtypeName}' (the format knows {string.Join(", ", SafeTensorsDTypes.FileNames)})");
        }

        if (!value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw Error(name, "the header entry has no \"shape\" array");
        }
        var shape = new long[shapeElement.GetArrayLength()];
        var index = 0;
        foreach (var dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out var size) || size < 0)
            {
                throw Error(name, $"shape {shapeElement.GetRawText()} must hold non-negative integers");
            }
            shape[index++] = size;
        }

        if (!value.TryGetProperty("data_offsets", out var offsetsElement)
            || offsetsElement.ValueKind != JsonValueKind.Array
            || offsetsElement.GetArrayLength() != 2)
        {
            throw Error(name, "the header entry has no \"data_offsets\" array of two integers");
        }
        var begin = ReadOffset(name, offsetsElement, 0);
        var end = ReadOffset(name, offsetsElement, 1);

        var count = SafeTensorsLayout.ElementCount(shape, out var problem) ?? throw Error(name, problem!);
        var expected = SafeTensorsLayout.ByteLength(dtype, count, out problem) ?? throw Error(name, problem!);
        var rangeProblem = SafeTensorsLayout.CheckRange(begin, end, dataLength, expected);
        if (rangeProblem is not null)
        {
            throw Error(name, $"{rangeProblem} ({dtype.FileName()} [{string.Join(", ", shape)}], file of {FileLength} bytes, data section from byte {DataStart})");
        }
        return new SafeTensorsEntry(name, dtype, shape, count, begin, end);
    }

    private long ReadOffset(string name, JsonElement offsets, int position)
    {
        var element = offsets[position];
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var offset) || offset < 0)
        {
            throw Error(name, $"data_offsets {offsets.GetRawText()} must hold two non-negative 64-bit integers");
        }
        return offset;
    }

    private string DescribeNear(string name)
    {
        const int shown = 8;
        var ranked = Entries
            .Select((e, order) => (e.Name, Order: order, Shared: SharedPrefix(e.Name, name)))
            .OrderByDescending(x => x.Shared)
            .ThenBy(x => x.Order)
            .Take(shown)
            .Select(x => $"'{x.Name}'")
            .ToList();
        if (ranked.Count == 0)
        {
            return "(none)";
        }
        var more = Entries.Count - ranked.Count;
        return string.Join(", ", ranked) + (more > 0 ? $", ... ({more} more)" : "");
    }

    private static int SharedPrefix(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        var i = 0;
        while (i < n && a[i] == b[i])
        {
            i++;
        }
        return i;
    }

    private static IEnumerable<string> LoadableNames() =>
        Enum.GetValues<SafeTensorsDType>().Where(d => d.LoadedScalarType() is not null).Select(d => d.FileName());

    private SafeTensorsException Error(string? tensor, string problem, Exception? inner = null) =>
        new(Path, tensor, problem, inner);
}
