using System.IO.Compression;
using JengaFleet.Models.Checkpoints.Pickle;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Models.Checkpoints;

/// <summary>
/// The tensors of a PyTorch <c>torch.save</c> file in the zip format (torch ≥ 1.6): <c>&lt;name&gt;/data.pkl</c>
/// describes the object and each storage lies uncompressed in <c>&lt;name&gt;/data/&lt;key&gt;</c>. Accepts a bare
/// state dict or a wrapper dict such as DeepSpeed's "model states" (weights under <c>module</c>; choose another
/// entry with the load key, like the reference's <c>--load-key</c>). Only the pickle is read up front; each
/// <see cref="Load"/> reads the bytes of one tensor from its zip entry straight into the tensor's memory,
/// so host memory stays near one tensor. Views (storage offset, strides, shared storages) are honoured.
/// </summary>
public sealed class PyTorchCheckpointSource : ITensorSource
{
    /// <summary>The reference's default <c>--load-key</c>.</summary>
    public const string DefaultLoadKey = "module";

    private readonly FileStream _file;
    private readonly ZipArchive _zip;
    private readonly string _prefix;
    private readonly Dictionary<string, PickledTensor> _tensors = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    private PyTorchCheckpointSource(string path, string? loadKey)
    {
        Path = System.IO.Path.GetFullPath(path);
        _file = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            _zip = OpenZip(_file, Path);
            var pickle = _zip.Entries.Where(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1)
                .SingleOrDefault() ?? throw new InvalidDataException($"{Path}: not a torch.save zip archive (no <name>/data.pkl entry)");
            _prefix = pickle.FullName[..^"data.pkl".Length];
            CheckByteOrder();

            using var stream = pickle.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var root = Unpickler.Load(buffer.ToArray(), $"{Path}:{pickle.FullName}");
            (Selected, SelectedKey, TopLevelKeys) = SelectStateDict(root, loadKey);
            foreach (var (key, value) in Selected.Items)
            {
                if (key is string name && value is PickledTensor tensor)
                    _tensors[name] = tensor;
            }

            if (_tensors.Count == 0)
                throw new InvalidDataException($"{Path}: the {(SelectedKey is null ? "top-level dict" : $"'{SelectedKey}' entry")} holds no tensors");
            Description = SelectedKey is null ? Path : $"{Path} (state dict under '{SelectedKey}')";
        }
        catch
        {
            _zip?.Dispose();
            _file.Dispose();
            throw;
        }
    }

    /// <summary>Opens a <c>.pt</c>/<c>.pth</c> file; <paramref name="loadKey"/> picks the wrapped state dict (null: the top level must be one).</summary>
    public static PyTorchCheckpointSource Open(string path, string? loadKey = DefaultLoadKey)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"no PyTorch checkpoint at {path}", path);
        return new PyTorchCheckpointSource(path, loadKey);
    }

    public string Path { get; }

    public string Description { get; }

    /// <summary>The entry the tensors come from (<c>module</c> for DeepSpeed files), or null for a bare state dict.</summary>
    public string? SelectedKey { get; }

    /// <summary>Keys of the file's top-level dict (for diagnostics).</summary>
    public IReadOnlyList<string> TopLevelKeys { get; }

    /// <summary>The selected dict as unpickled (tensors appear as <see cref="PickledTensor"/> descriptions).</summary>
    public PyDict Selected { get; }

    public IReadOnlyCollection<string> Names => _tensors.Keys;

    public long[] Shape(string name) => Describe(name).Shape.ToArray();

    /// <summary>The stored dtype of a tensor.</summary>
    public ScalarType StoredType(string name) => StorageTypes.Element(Describe(name).Storage.StorageType, Path).Stored;

    public Tensor Load(string name, ScalarType dtype, Device device)
    {
        var info = Describe(name);
        using var scope = NewDisposeScope();
        Tensor host;
        lock (_gate)
            host = ReadView(info, name);
        var result = host.dtype == dtype && device.type == DeviceType.CPU ? host : host.to(dtype, device);
        return result.MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _zip.Dispose();
        _file.Dispose();
    }

    private PickledTensor Describe(string name) =>
        _tensors.TryGetValue(name, out var tensor) ? tensor : throw new KeyNotFoundException($"{Description} has no tensor '{name}'");

    /// <summary>Reads the storage range a view touches and returns the view as a contiguous CPU tensor of the stored dtype.</summary>
    private Tensor ReadView(PickledTensor info, string name)
    {
        var element = StorageTypes.Element(info.Storage.StorageType, Path);
        var entryName = _prefix + "data/" + info.Storage.Key;
        var entry = _zip.GetEntry(entryName) ?? throw new InvalidDataException($"{Path}: tensor '{name}' refers to storage {entryName}, which the archive lacks");
        var span = info.SpanElements;
        var needed = (info.StorageOffset + span) * element.Bytes;
        if (info.StorageOffset < 0 || entry.Length < needed)
            throw new InvalidDataException($"{Path}: tensor '{name}' needs bytes up to {needed} of {entryName}, which has {entry.Length}");

        using var stream = entry.Open();
        TensorMemory.Skip(stream, info.StorageOffset * element.Bytes);
        if (info.IsContiguous)
        {
            var tensor = empty(info.Shape, element.Raw);
            TensorMemory.ReadExactly(tensor, stream);
            return element.Decode(tensor);
        }

        var window = empty([span], element.Raw);
        TensorMemory.ReadExactly(window, stream);
        using var decoded = element.Decode(window);
        return decoded.as_strided(info.Shape, info.Stride, 0).contiguous();
    }

    private void CheckByteOrder()
    {
        var entry = _zip.GetEntry(_prefix + "byteorder");
        if (entry is null)
            return; // written before torch 2.1: always little-endian
        using var reader = new StreamReader(entry.Open());
        var order = reader.ReadToEnd().Trim();
        if (order != "little")
            throw new NotSupportedException($"{Path}: storages are {order}-endian; only little-endian files are supported");
    }

    private (PyDict Dict, string? Key, IReadOnlyList<string> TopLevel) SelectStateDict(object? root, string? loadKey)
    {
        if (root is not PyDict top)
            throw new InvalidDataException($"{Path}: the pickled object is {root?.GetType().Name ?? "None"}, not a dict of tensors");
        var keys = top.Items.Select(i => i.Key.ToString() ?? "").ToList();
        if (loadKey is not null && top.TryGet(loadKey, out var nested))
            return nested is PyDict dict ? (dict, loadKey, keys) : throw new InvalidDataException($"{Path}: entry '{loadKey}' is not a dict of tensors");
        if (top.Items.Any(i => i.Value is PickledTensor))
            return (top, null, keys);
        throw new InvalidDataException(
            $"{Path}: no tensors at the top level{(loadKey is null ? "" : $" and no '{loadKey}' entry")}; top-level keys: {string.Join(", ", keys.Take(20))}");
    }

    private static ZipArchive OpenZip(FileStream file, string path)
    {
        try
        {
            return new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: not a zip archive; only the zip format of torch.save (torch ≥ 1.6) is supported, not the legacy tar/pickle format", e);
        }
    }
}
