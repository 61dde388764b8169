using System.Text.Json;

namespace JengaFleet.Models.HunyuanVideo.TextEncoders;

/// <summary>Reads optional fields of a Hugging Face <c>config.json</c>.</summary>
internal static class ConfigJson
{
    public static int Int(JsonElement json, string name, int fallback) =>
        json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : fallback;

    public static double Double(JsonElement json, string name, double fallback) =>
        json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : fallback;

    public static string String(JsonElement json, string name, string fallback) =>
        json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : fallback;

    public static bool Bool(JsonElement json, string name, bool fallback) =>
        json.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;

    public static bool IsNullOrAbsent(JsonElement json, string name) =>
        !json.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null;

    public static JsonElement Parse(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }
}
