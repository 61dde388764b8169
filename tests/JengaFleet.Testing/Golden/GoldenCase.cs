using System.Text.Json;
using JengaFleet.Jenga.SafeTensors;
using TorchSharp;
using Xunit;

namespace JengaFleet.Testing.Golden;

/// <summary>
/// One golden case: a <c>.safetensors</c> file holding inputs <c>in.*</c>, expected outputs
/// <c>out.*</c>, optional weights <c>w.*</c>, and metadata <c>config</c> and <c>tolerance</c>
/// (JSON strings). Dispose it to unmap the file.
/// </summary>
public sealed class GoldenCase : IDisposable
{
    private const string InputPrefix = "in.";
    private const string OutputPrefix = "out.";
    private const string WeightPrefix = "w.";

    private GoldenCase(string suite, string name, string path)
    {
        Suite = suite;
        Name = name;
        Path = path;
        File = new SafeTensorsFile(path);
        try
        {
            Config = ParseConfig(File.Metadata.GetValueOrDefault("config"), this.ToString());
            Tolerance = GoldenTolerance.Parse(File.Metadata.GetValueOrDefault("tolerance"), $"golden case {this}");
            InputNames = NamesWith(InputPrefix);
            OutputNames = NamesWith(OutputPrefix);
            WeightNames = NamesWith(WeightPrefix);
        }
        catch
        {
            File.Dispose();
            throw;
        }
    }

    /// <summary>Suite (folder) name, e.g. <c>sfc</c>.</summary>
    public string Suite { get; }

    /// <summary>Case name: the file name without extension.</summary>
    public string Name { get; }

    /// <summary>Full path of the file.</summary>
    public string Path { get; }

    /// <summary>The opened file, for anything beyond the helpers here.</summary>
    public SafeTensorsFile File { get; }

    /// <summary>All metadata strings.</summary>
    public IReadOnlyDictionary<string, string> Metadata => File.Metadata;

    /// <summary>The <c>config</c> metadata parsed as JSON (an empty object when absent).</summary>
    public JsonElement Config { get; }

    /// <summary>The <c>tolerance</c> metadata.</summary>
    public GoldenTolerance Tolerance { get; }

    /// <summary>Every <c>in.*</c> tensor name (full names), in file order.</summary>
    public IReadOnlyList<string> InputNames { get; }

    /// <summary>Every <c>out.*</c> tensor name (full names), in file order.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Every <c>w.*</c> tensor name (full names), in file order.</summary>
    public IReadOnlyList<string> WeightNames { get; }

    /// <summary>Opens a case file directly (suite name given by the caller).</summary>
    public static GoldenCase Open(string suite, string path) =>
        new(suite, System.IO.Path.GetFileNameWithoutExtension(path), System.IO.Path.GetFullPath(path));

    /// <summary>Input tensor <c>in.&lt;name&gt;</c> as stored (the prefix may be given or left out).</summary>
    public torch.Tensor Input(string name) => File.Load(Qualify(InputPrefix, name));

    /// <summary>Expected output <c>out.&lt;name&gt;</c> as stored (the prefix may be given or left out).</summary>
    public torch.Tensor Expected(string name) => File.Load(Qualify(OutputPrefix, name));

    /// <summary>Weight <c>w.&lt;name&gt;</c>, optionally converted (the prefix may be given or left out).</summary>
    public torch.Tensor Weight(string name, torch.ScalarType? dtype = null) => File.Load(Qualify(WeightPrefix, name), dtype);

    /// <summary>
    /// Compares every <c>out.*</c> tensor of the case (or only those in <paramref name="only"/>) with
    /// <paramref name="actual"/>, keyed by full name (<c>out.x</c>) or short name (<c>x</c>).
    /// All differences are collected first; then one assertion fails listing each of them. An
    /// expected output missing from <paramref name="actual"/> is a failure naming it.
    /// </summary>
    public void AssertOutputs(IReadOnlyDictionary<string, torch.Tensor> actual, IEnumerable<string>? only = null)
    {
        ArgumentNullException.ThrowIfNull(actual);
        var names = only is null ? OutputNames : only.Select(n => Qualify(OutputPrefix, n)).Distinct(StringComparer.Ordinal).ToList();
        var failures = new List<string>();
        foreach (var name in names)
        {
            if (!File.TryGetEntry(name, out var entry))
            {
                failures.Add($"{name}: the case has no such output (it has {string.Join(", ", OutputNames)})");
                continue;
            }
            if (!TryGetActual(actual, name, out var got))
            {
                failures.Add($"{name}: missing from the actual outputs (expected {entry.DType.FileName()} [{string.Join(", ", entry.Shape)}])");
                continue;
            }
            using var scope = torch.NewDisposeScope();
            var expected = File.Load(name);
            var problem = TensorComparison.Describe(expected, got, Tolerance.For(name, expected.dtype));
            if (problem is not null)
            {
                failures.Add($"{name}: {problem}");
            }
        }
        if (failures.Count > 0)
        {
            Assert.Fail($"golden case {this}: {failures.Count} of {names.Count} outputs do not match\n  - " + string.Join("\n  - ", failures));
        }
    }

    /// <inheritdoc />
    public void Dispose() => File.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"{Suite}/{Name}";

    private static bool TryGetActual(IReadOnlyDictionary<string, torch.Tensor> actual, string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out torch.Tensor? tensor) =>
        actual.TryGetValue(name, out tensor) || actual.TryGetValue(name[OutputPrefix.Length..], out tensor);

    private static string Qualify(string prefix, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return name.StartsWith(prefix, StringComparison.Ordinal) ? name : prefix + name;
    }

    private List<string> NamesWith(string prefix) =>
        File.Names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    private static JsonElement ParseConfig(string? json, string where)
    {
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new FormatException($"golden case {where}: config metadata is not valid JSON: {e.Message}", e);
        }
    }
}
