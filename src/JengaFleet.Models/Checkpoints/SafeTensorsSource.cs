using System.Text.Json;
using JengaFleet.Jenga.SafeTensors;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Models.Checkpoints;

/// <summary>
/// One safetensors file, several shards, or a Hugging Face folder with a
/// <c>*.safetensors.index.json</c> weight map. Files stay memory-mapped; tensors are copied out on demand.
/// </summary>
public sealed class SafeTensorsSource : ITensorSource
{
    private readonly List<SafeTensorsFile> _files = [];
    private readonly Dictionary<string, SafeTensorsFile> _byName = new(StringComparer.Ordinal);

    public SafeTensorsSource(IEnumerable<string> files)
    {
        try
        {
            foreach (var path in files)
            {
                var file = new SafeTensorsFile(path);
                _files.Add(file);
                foreach (var name in file.Names)
                {
                    if (!_byName.TryAdd(name, file))
                        throw new InvalidDataException($"tensor '{name}' appears in both {_byName[name].Path} and {path}");
                }
            }
        }
        catch
        {
            Dispose();
            throw;
        }

        if (_files.Count == 0)
            throw new ArgumentException("no safetensors file given", nameof(files));
        Description = _files.Count == 1 ? _files[0].Path : $"{_files.Count} safetensors shards in {System.IO.Path.GetDirectoryName(_files[0].Path)}";
    }

    /// <summary>A file, or a folder: its index's shards if it has an index, else every <c>*.safetensors</c> in it.</summary>
    public static SafeTensorsSource Open(string path)
    {
        if (File.Exists(path))
            return new SafeTensorsSource([path]);
        if (!System.IO.Directory.Exists(path))
            throw new FileNotFoundException($"no safetensors file or folder at {path}", path);

        var index = System.IO.Directory.GetFiles(path, "*.safetensors.index.json").Order(StringComparer.Ordinal).FirstOrDefault();
        if (index is not null)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(index));
            var shards = json.RootElement.GetProperty("weight_map").EnumerateObject()
                .Select(p => p.Value.GetString() ?? throw new InvalidDataException($"{index}: weight_map entry '{p.Name}' is not a file name"))
                .Distinct().Order(StringComparer.Ordinal).Select(f => System.IO.Path.Combine(path, f)).ToList();
            var missing = shards.Where(f => !File.Exists(f)).ToList();
            if (missing.Count > 0)
                throw new FileNotFoundException($"{index} names shards that are missing: {string.Join(", ", missing)}");
            return new SafeTensorsSource(shards);
        }

        var all = System.IO.Directory.GetFiles(path, "*.safetensors").Order(StringComparer.Ordinal).ToList();
        return all.Count > 0 ? new SafeTensorsSource(all) : throw new FileNotFoundException($"no *.safetensors file in {path}", path);
    }

    public string Description { get; }

    public IReadOnlyCollection<string> Names => _byName.Keys;

    public long[] Shape(string name) => FileFor(name).GetEntry(name).Shape;

    public Tensor Load(string name, ScalarType dtype, Device device) => FileFor(name).Load(name, dtype, device);

    public void Dispose()
    {
        foreach (var file in _files)
            file.Dispose();
        _files.Clear();
        _byName.Clear();
    }

    private SafeTensorsFile FileFor(string name) =>
        _byName.TryGetValue(name, out var file) ? file : throw new KeyNotFoundException($"{Description} has no tensor '{name}'");
}
