namespace JengaFleet.Jenga.SafeTensors;

/// <summary>
/// The element types a safetensors header can name. The file spelling of each member
/// (for example <c>F8_E4M3</c>) is given by <see cref="SafeTensorsDTypes.FileName"/>.
/// </summary>
/// <remarks>
/// Every type of the format is recognised when a file is opened, so that the other tensors
/// of a file stay readable; <see cref="SafeTensorsFile.Load"/> supports those for which
/// <see cref="SafeTensorsDTypes.LoadedScalarType"/> is not null.
/// </remarks>
public enum SafeTensorsDType
{
    /// <summary><c>BOOL</c>: one byte, 0 or 1.</summary>
    Bool,
    /// <summary><c>U8</c>.</summary>
    UInt8,
    /// <summary><c>I8</c>.</summary>
    Int8,
    /// <summary><c>I16</c>.</summary>
    Int16,
    /// <summary><c>U16</c> (recognised, not loadable: TorchSharp has no uint16).</summary>
    UInt16,
    /// <summary><c>I32</c>.</summary>
    Int32,
    /// <summary><c>U32</c> (recognised, not loadable).</summary>
    UInt32,
    /// <summary><c>I64</c>.</summary>
    Int64,
    /// <summary><c>U64</c> (recognised, not loadable).</summary>
    UInt64,
    /// <summary><c>F16</c>: IEEE half.</summary>
    Float16,
    /// <summary><c>BF16</c>: bfloat16.</summary>
    BFloat16,
    /// <summary><c>F32</c>.</summary>
    Float32,
    /// <summary><c>F64</c>.</summary>
    Float64,
    /// <summary><c>C64</c>: complex of two float32.</summary>
    Complex64,
    /// <summary><c>F8_E4M3</c>: 8-bit float, 4 exponent bits, 3 mantissa bits, no infinities (the "fn" variant).</summary>
    Float8E4M3,
    /// <summary><c>F8_E5M2</c>: 8-bit float, 5 exponent bits, 2 mantissa bits, IEEE-like.</summary>
    Float8E5M2,
    /// <summary><c>F8_E8M0</c>: 8-bit power-of-two scale (recognised, not loadable).</summary>
    Float8E8M0,
    /// <summary><c>F4</c>: 4-bit float, two per byte (recognised, not loadable).</summary>
    Float4,
    /// <summary><c>F6_E2M3</c>: 6-bit float, packed (recognised, not loadable).</summary>
    Float6E2M3,
    /// <summary><c>F6_E3M2</c>: 6-bit float, packed (recognised, not loadable).</summary>
    Float6E3M2,
}
