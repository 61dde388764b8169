using static TorchSharp.torch;

namespace JengaFleet.Models.Checkpoints;

/// <summary>The torch storage classes of a pickle (<c>torch.BFloat16Storage</c>, ...) as element types.</summary>
internal static class StorageTypes
{
    /// <param name="Raw">dtype the bytes are read as.</param>
    /// <param name="Stored">dtype the tensor has after decoding.</param>
    /// <param name="Decode">Turns a raw tensor into the stored dtype (identity for every type supported so far;
    /// float8 storages, used only by the optional fp8 DiT file with its separate scale map, are rejected).</param>
    public sealed record ElementType(ScalarType Raw, ScalarType Stored, int Bytes, Func<Tensor, Tensor> Decode);

    private static ElementType Plain(ScalarType type, int bytes) => new(type, type, bytes, t => t);

    private static readonly Dictionary<string, ElementType> ByName = new(StringComparer.Ordinal)
    {
        ["DoubleStorage"] = Plain(ScalarType.Float64, 8),
        ["FloatStorage"] = Plain(ScalarType.Float32, 4),
        ["HalfStorage"] = Plain(ScalarType.Float16, 2),
        ["BFloat16Storage"] = Plain(ScalarType.BFloat16, 2),
        ["LongStorage"] = Plain(ScalarType.Int64, 8),
        ["IntStorage"] = Plain(ScalarType.Int32, 4),
        ["ShortStorage"] = Plain(ScalarType.Int16, 2),
        ["CharStorage"] = Plain(ScalarType.Int8, 1),
        ["ByteStorage"] = Plain(ScalarType.Byte, 1),
        ["BoolStorage"] = Plain(ScalarType.Bool, 1),
    };

    /// <summary>The storage class a tensor of <paramref name="type"/> is saved with (<c>FloatStorage</c> for float32, ...).</summary>
    public static string StorageName(ScalarType type) =>
        ByName.FirstOrDefault(e => e.Value.Stored == type).Key
        ?? throw new NotSupportedException($"torch checkpoints of type {type} are not supported (supported: {string.Join(", ", ByName.Values.Select(v => v.Stored))})");

    public static ElementType Element(string storageType, string file) =>
        ByName.TryGetValue(storageType, out var element)
            ? element
            : throw new NotSupportedException($"{file}: storage type torch.{storageType} is not supported (supported: {string.Join(", ", ByName.Keys)})");
}
