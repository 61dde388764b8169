using System.Text.Json;
using JengaFleet.Testing.Golden;
using TorchSharp;
using Xunit;

namespace JengaFleet.Testing.Manifests;

/// <summary>One tensor of a manifest: state-dict key, shape, dtype of the released file.</summary>
public sealed record ManifestTensor(string Key, long[] Shape, string DType);

/// <summary>
/// A full-size model's weight manifest (<c>shared/manifests/*.json</c>): every state-dict key with its shape, the
/// model's config, and its parameter count. Found in the folder named by <see cref="EnvironmentVariable"/>, else in
/// <c>manifests</c> beside the golden fixtures folder (<c>../shared/manifests</c>).
/// </summary>
public sealed class WeightManifest
{
    public const string EnvironmentVariable = "JENGA_MANIFESTS_DIR";

    private WeightManifest(string path, JsonElement root)
    {
        Path = path;
        Json = root.Clone();
        NumTensors = root.GetProperty("num_tensors").GetInt32();
        Model = root.GetProperty("model").GetString() ?? "";
        NumParams = root.GetProperty("num_params").GetInt64();
        Config = root.GetProperty("config").Clone();
        Tensors = root.GetProperty("tensors").EnumerateArray()
            .Select(t => new ManifestTensor(
                t.GetProperty("key").GetString()!,
                t.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray(),
                t.GetProperty("dtype").GetString()!))
            .ToList();
    }

    public string Path { get; }

    public string Model { get; }

    public long NumParams { get; }

    /// <summary>The tensor count the manifest states (<c>num_tensors</c>).</summary>
    public int NumTensors { get; }

    /// <summary>The whole manifest, for model-specific extras (e.g. the VAE's <c>tiling</c>).</summary>
    public JsonElement Json { get; }

    /// <summary>The full-size hyper-parameters (<c>config</c>).</summary>
    public JsonElement Config { get; }

    /// <summary>In module registration order.</summary>
    public IReadOnlyList<ManifestTensor> Tensors { get; }

    /// <summary>The manifests folder.</summary>
    public static string Directory()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
            return System.IO.Path.GetFullPath(fromEnvironment);
        var fixtures = FixtureRoot.Path ?? throw new DirectoryNotFoundException(FixtureRoot.MissingMessage());
        return System.IO.Path.GetFullPath(System.IO.Path.Combine(fixtures, "..", "manifests"));
    }

    /// <summary>Reads <c>&lt;name&gt;.json</c> of the manifests folder.</summary>
    public static WeightManifest Load(string name)
    {
        var path = System.IO.Path.Combine(Directory(), name + ".json");
        if (!File.Exists(path))
            throw new FileNotFoundException($"weight manifest {path} not found (set {EnvironmentVariable} to the manifests folder)", path);
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return new WeightManifest(path, document.RootElement);
    }

    /// <summary>
    /// Fails unless the module's state dict has exactly the manifest's keys, each with the manifest's shape;
    /// the message lists every missing, unexpected and mis-shaped key.
    /// </summary>
    public void AssertMatches(torch.nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var actual = module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape, StringComparer.Ordinal);
        var expected = Tensors.ToDictionary(t => t.Key, t => t.Shape, StringComparer.Ordinal);
        var missing = expected.Keys.Where(k => !actual.ContainsKey(k)).ToList();
        var unexpected = actual.Keys.Where(k => !expected.ContainsKey(k)).ToList();
        var misShaped = expected.Where(kv => actual.TryGetValue(kv.Key, out var shape) && !shape.SequenceEqual(kv.Value))
            .Select(kv => $"{kv.Key}: manifest [{string.Join(", ", kv.Value)}], module [{string.Join(", ", actual[kv.Key])}]")
            .ToList();
        if (missing.Count + unexpected.Count + misShaped.Count == 0)
            return;
        static string List(string what, List<string> keys) =>
            keys.Count == 0 ? "" : $"\n  {what} ({keys.Count}): {string.Join(", ", keys.Take(30))}{(keys.Count > 30 ? ", ..." : "")}";
        Assert.Fail($"module does not match manifest {Path}:" + List("missing", missing) + List("unexpected", unexpected) + List("mis-shaped", misShaped));
    }
}
