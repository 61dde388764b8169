using System.Text.Json;
using TorchSharp;

namespace JengaFleet.Testing.Golden;

/// <summary>
/// The <c>tolerance</c> metadata of a golden case, e.g.
/// <c>{"atol":1e-4,"rtol":1e-4,"per_tensor":{"out.x":{"exact":true},"out.y":{"atol":0,"rtol":0}}}</c>
/// or <c>{"exact": true}</c>.
/// </summary>
/// <remarks>
/// Rule for one output, first match wins:
/// 1. a <c>per_tensor</c> entry for it (its missing <c>atol</c>/<c>rtol</c> come from the case level);
/// 2. case-wide <c>"exact": true</c>;
/// 3. an integer or bool expected tensor is exact (the fixture READMEs state that masks and
///    integer outputs must match exactly whatever the float tolerance);
/// 4. the case-level <c>atol</c>/<c>rtol</c> (a missing one counts as 0);
/// 5. no tolerance metadata at all: exact.
/// </remarks>
public sealed class GoldenTolerance
{
    private readonly Dictionary<string, JsonElement> _perTensor;

    private GoldenTolerance(bool present, bool exact, double? atol, double? rtol, Dictionary<string, JsonElement> perTensor)
    {
        Present = present;
        Exact = exact;
        Atol = atol;
        Rtol = rtol;
        _perTensor = perTensor;
    }

    /// <summary>Whether the case had tolerance metadata.</summary>
    public bool Present { get; }

    /// <summary>Case-wide exact comparison.</summary>
    public bool Exact { get; }

    /// <summary>Case-level absolute tolerance, when given.</summary>
    public double? Atol { get; }

    /// <summary>Case-level relative tolerance, when given.</summary>
    public double? Rtol { get; }

    /// <summary>Names that have their own entry.</summary>
    public IReadOnlyCollection<string> PerTensorNames => _perTensor.Keys;

    /// <summary>Parses the metadata value (null or empty: no tolerance metadata).</summary>
    /// <exception cref="FormatException">Malformed tolerance; the message names <paramref name="where"/>.</exception>
    public static GoldenTolerance Parse(string? json, string where)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new GoldenTolerance(false, false, null, null, new Dictionary<string, JsonElement>(StringComparer.Ordinal));
        }
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new FormatException($"{where}: tolerance metadata is not valid JSON: {e.Message}", e);
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where}: tolerance metadata must be a JSON object, got {root.ValueKind}");
        }

        var perTensor = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (root.TryGetProperty("per_tensor", out var perTensorElement))
        {
            if (perTensorElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"{where}: tolerance 'per_tensor' must be an object, got {perTensorElement.ValueKind}");
            }
            foreach (var item in perTensorElement.EnumerateObject())
            {
                if (item.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException($"{where}: tolerance for '{item.Name}' must be an object, got {item.Value.ValueKind}");
                }
                ReadBool(item.Value, "exact", $"{where}, tolerance of '{item.Name}'");
                ReadNumber(item.Value, "atol", $"{where}, tolerance of '{item.Name}'");
                ReadNumber(item.Value, "rtol", $"{where}, tolerance of '{item.Name}'");
                perTensor[item.Name] = item.Value;
            }
        }

        return new GoldenTolerance(
            true,
            ReadBool(root, "exact", where) ?? false,
            ReadNumber(root, "atol", where),
            ReadNumber(root, "rtol", where),
            perTensor);
    }

    /// <summary>The tolerance for output <paramref name="name"/> whose expected tensor has <paramref name="expectedType"/>.</summary>
    public TensorTolerance For(string name, torch.ScalarType expectedType)
    {
        if (_perTensor.TryGetValue(name, out var own)
            || (name.StartsWith("out.", StringComparison.Ordinal) && _perTensor.TryGetValue(name["out.".Length..], out own)))
        {
            if (ReadBool(own, "exact", name) == true)
            {
                return TensorTolerance.ExactMatch("per_tensor");
            }
            return new TensorTolerance(false, ReadNumber(own, "atol", name) ?? Atol ?? 0, ReadNumber(own, "rtol", name) ?? Rtol ?? 0, "per_tensor");
        }
        if (Exact)
        {
            return TensorTolerance.ExactMatch("case");
        }
        if (IsIntegral(expectedType))
        {
            return TensorTolerance.ExactMatch($"{expectedType} output");
        }
        if (!Present)
        {
            return TensorTolerance.ExactMatch("no tolerance metadata");
        }
        return new TensorTolerance(false, Atol ?? 0, Rtol ?? 0, "case");
    }

    /// <summary>Whether values of <paramref name="type"/> are integers (bool included).</summary>
    public static bool IsIntegral(torch.ScalarType type) => type is
        torch.ScalarType.Bool or torch.ScalarType.Byte or torch.ScalarType.Int8 or
        torch.ScalarType.Int16 or torch.ScalarType.Int32 or torch.ScalarType.Int64;

    private static bool? ReadBool(JsonElement element, string key, string where)
    {
        if (!element.TryGetProperty(key, out var value))
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new FormatException($"{where}: tolerance '{key}' must be true or false, got {value.GetRawText()}"),
        };
    }

    private static double? ReadNumber(JsonElement element, string key, string where)
    {
        if (!element.TryGetProperty(key, out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || number < 0 || !double.IsFinite(number))
        {
            throw new FormatException($"{where}: tolerance '{key}' must be a non-negative number, got {value.GetRawText()}");
        }
        return number;
    }
}
