using System.Text.Json;
using System.Text.Json.Serialization;

namespace JengaFleet.Contracts;

/// <summary>
/// The JSON form of the contracts outside the bus (result records, jsonl files, samples): camelCase,
/// case-insensitive on read, unknown fields ignored (so a newer writer's extra fields do not break an
/// older reader), enums by their stable names.
/// </summary>
public static class ContractJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static byte[] SerializeToUtf8<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static T Deserialize<T>(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize<T>(utf8, Options) ?? throw new JsonException($"expected a {typeof(T).Name} object, got null");

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"expected a {typeof(T).Name} object, got null");
}
