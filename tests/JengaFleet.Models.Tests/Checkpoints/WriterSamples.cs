using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Models.Tests.Checkpoints;

/// <summary>
/// The tensors the writer tests save, with values that Assets/pytorch/check_writer_output.py recomputes in torch
/// from the flattened index i: floats (i - 5)·0.25 (float64: (i - 5)/3), signed ints (i - 2)·scale, uint8 31·i,
/// bool i even. Keep both sides in step.
/// </summary>
internal static class WriterSamples
{
    /// <summary>Name, dtype and shape of every sample tensor, in file order.</summary>
    public static readonly (string Name, ScalarType Type, long[] Shape)[] Specs =
    [
        ("f32", ScalarType.Float32, [3, 4]),
        ("f16", ScalarType.Float16, [2, 3]),
        ("bf16", ScalarType.BFloat16, [2, 2, 2]),
        ("f64", ScalarType.Float64, [5]),
        ("i64", ScalarType.Int64, [4]),
        ("i32", ScalarType.Int32, [2, 3]),
        ("i16", ScalarType.Int16, [3]),
        ("i8", ScalarType.Int8, [4]),
        ("u8", ScalarType.Byte, [2, 4]),
        ("bool", ScalarType.Bool, [5]),
        ("scalar", ScalarType.Float32, []),
        ("empty", ScalarType.Float32, [2, 0, 3]),
        ("double_blocks.0.img_attn_qkv.weight", ScalarType.BFloat16, [4, 2, 1, 2, 2]),
    ];

    /// <summary>Signed integer types: value = (i - 2)·scale.</summary>
    private static long Scale(ScalarType type) => type switch
    {
        ScalarType.Int64 => (1L << 40) + 1,
        ScalarType.Int32 => 100003,
        ScalarType.Int16 => 1001,
        ScalarType.Int8 => 50,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static Tensor Values(ScalarType type, long[] shape)
    {
        var count = shape.Aggregate(1L, (a, b) => a * b);
        var index = arange(count, dtype: ScalarType.Int64);
        var values = type switch
        {
            ScalarType.Float64 => index.to(ScalarType.Float64).sub(5).div(3),
            ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16 => index.to(ScalarType.Float64).sub(5).mul(0.25).to(type),
            ScalarType.Byte => index.mul(31).to(type),
            ScalarType.Bool => index.remainder(2).eq(0),
            _ => index.sub(2).mul(Scale(type)).to(type),
        };
        return values.reshape(shape);
    }

    /// <summary>The sample tensors, created in the caller's dispose scope.</summary>
    public static List<(string Name, Tensor Tensor)> Tensors() =>
        Specs.Select(s => (s.Name, Values(s.Type, s.Shape))).ToList();

    /// <summary>
    /// Enough tensors to cross CPython's 1000-item SETITEMS batches and its 256-entry short memo:
    /// "layers.{i}.scale" is uint8 [i % 3 + 1] filled with i % 256.
    /// </summary>
    public static List<(string Name, Tensor Tensor)> Many(int count = 1001) =>
        Enumerable.Range(0, count).Select(i => ($"layers.{i}.scale", full(i % 3 + 1, i % 256, ScalarType.Byte))).ToList();
}
