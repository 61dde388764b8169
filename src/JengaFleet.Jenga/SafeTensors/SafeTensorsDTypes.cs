using TorchSharp;

namespace JengaFleet.Jenga.SafeTensors;

/// <summary>Names, sizes and TorchSharp equivalents of <see cref="SafeTensorsDType"/>.</summary>
public static class SafeTensorsDTypes
{
    private static readonly (SafeTensorsDType DType, string Name, int Bits)[] Table =
    [
        (SafeTensorsDType.Bool, "BOOL", 8),
        (SafeTensorsDType.UInt8, "U8", 8),
        (SafeTensorsDType.Int8, "I8", 8),
        (SafeTensorsDType.Int16, "I16", 16),
        (SafeTensorsDType.UInt16, "U16", 16),
        (SafeTensorsDType.Int32, "I32", 32),
        (SafeTensorsDType.UInt32, "U32", 32),
        (SafeTensorsDType.Int64, "I64", 64),
        (SafeTensorsDType.UInt64, "U64", 64),
        (SafeTensorsDType.Float16, "F16", 16),
        (SafeTensorsDType.BFloat16, "BF16", 16),
        (SafeTensorsDType.Float32, "F32", 32),
        (SafeTensorsDType.Float64, "F64", 64),
        (SafeTensorsDType.Complex64, "C64", 64),
        (SafeTensorsDType.Float8E4M3, "F8_E4M3", 8),
        (SafeTensorsDType.Float8E5M2, "F8_E5M2", 8),
        (SafeTensorsDType.Float8E8M0, "F8_E8M0", 8),
        (SafeTensorsDType.Float4, "F4", 4),
        (SafeTensorsDType.Float6E2M3, "F6_E2M3", 6),
        (SafeTensorsDType.Float6E3M2, "F6_E3M2", 6),
    ];

    private static readonly Dictionary<string, SafeTensorsDType> ByName =
        Table.ToDictionary(e => e.Name, e => e.DType, StringComparer.Ordinal);

    /// <summary>All dtype spellings of the format, in a stable order (for error messages).</summary>
    public static IReadOnlyList<string> FileNames { get; } = Table.Select(e => e.Name).ToArray();

    /// <summary>The spelling used in a safetensors header, e.g. <c>BF16</c>.</summary>
    public static string FileName(this SafeTensorsDType dtype) => Entry(dtype).Name;

    /// <summary>Size of one element in bits (4 and 6 for the packed sub-byte types).</summary>
    public static int BitsPerElement(this SafeTensorsDType dtype) => Entry(dtype).Bits;

    /// <summary>Parses a header spelling (case-sensitive, as the format defines it).</summary>
    public static bool TryParse(string name, out SafeTensorsDType dtype) => ByName.TryGetValue(name, out dtype);

    /// <summary>
    /// The TorchSharp type <see cref="SafeTensorsFile.Load"/> returns when no dtype is requested,
    /// or null when the stored type cannot be loaded. TorchSharp 0.107 has no float8 types, so
    /// <c>F8_E4M3</c> and <c>F8_E5M2</c> are decoded to bfloat16, which holds every value of
    /// both formats exactly (NaN stays NaN, infinities of E5M2 stay infinite).
    /// </summary>
    public static torch.ScalarType? LoadedScalarType(this SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.Bool => torch.ScalarType.Bool,
        SafeTensorsDType.UInt8 => torch.ScalarType.Byte,
        SafeTensorsDType.Int8 => torch.ScalarType.Int8,
        SafeTensorsDType.Int16 => torch.ScalarType.Int16,
        SafeTensorsDType.Int32 => torch.ScalarType.Int32,
        SafeTensorsDType.Int64 => torch.ScalarType.Int64,
        SafeTensorsDType.Float16 => torch.ScalarType.Float16,
        SafeTensorsDType.BFloat16 => torch.ScalarType.BFloat16,
        SafeTensorsDType.Float32 => torch.ScalarType.Float32,
        SafeTensorsDType.Float64 => torch.ScalarType.Float64,
        SafeTensorsDType.Complex64 => torch.ScalarType.ComplexFloat32,
        SafeTensorsDType.Float8E4M3 => torch.ScalarType.BFloat16,
        SafeTensorsDType.Float8E5M2 => torch.ScalarType.BFloat16,
        _ => null,
    };

    /// <summary>
    /// The safetensors type a TorchSharp tensor of <paramref name="type"/> is written as,
    /// or null when the format has no such type (complex128, quantized types).
    /// </summary>
    public static SafeTensorsDType? FromScalarType(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Bool => SafeTensorsDType.Bool,
        torch.ScalarType.Byte => SafeTensorsDType.UInt8,
        torch.ScalarType.Int8 => SafeTensorsDType.Int8,
        torch.ScalarType.Int16 => SafeTensorsDType.Int16,
        torch.ScalarType.Int32 => SafeTensorsDType.Int32,
        torch.ScalarType.Int64 => SafeTensorsDType.Int64,
        torch.ScalarType.Float16 => SafeTensorsDType.Float16,
        torch.ScalarType.BFloat16 => SafeTensorsDType.BFloat16,
        torch.ScalarType.Float32 => SafeTensorsDType.Float32,
        torch.ScalarType.Float64 => SafeTensorsDType.Float64,
        torch.ScalarType.ComplexFloat32 => SafeTensorsDType.Complex64,
        _ => null,
    };

    private static (SafeTensorsDType DType, string Name, int Bits) Entry(SafeTensorsDType dtype)
    {
        var index = (int)dtype;
        if (index < 0 || index >= Table.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a safetensors dtype");
        }
        return Table[index];
    }
}
