using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using JengaFleet.Jenga.SafeTensors;
using JengaFleet.Testing;
using TorchSharp;
using Xunit;

namespace JengaFleet.Jenga.Tests.SafeTensors;

public sealed class SafeTensorsRoundTripTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<torch.ScalarType> WritableTypes() =>
    [
        torch.ScalarType.Bool, torch.ScalarType.Byte, torch.ScalarType.Int8, torch.ScalarType.Int16,
        torch.ScalarType.Int32, torch.ScalarType.Int64, torch.ScalarType.Float16, torch.ScalarType.BFloat16,
        torch.ScalarType.Float32, torch.ScalarType.Float64, torch.ScalarType.ComplexFloat32,
    ];

    /// <summary>Values that stress each type: extremes, signed zero, infinities, NaN, subnormals.</summary>
    private static torch.Tensor Interesting(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Bool => torch.tensor(new[] { true, false, false, true, true, false }).reshape(2, 3),
        torch.ScalarType.Byte => torch.tensor(new byte[] { 0, 1, 127, 128, 254, 255 }).reshape(3, 2),
        torch.ScalarType.Int8 => torch.tensor(new sbyte[] { sbyte.MinValue, -1, 0, 1, 100, sbyte.MaxValue }),
        torch.ScalarType.Int16 => torch.tensor(new short[] { short.MinValue, -1, 0, 1, 12345, short.MaxValue }).reshape(1, 2, 3),
        torch.ScalarType.Int32 => torch.tensor(new[] { int.MinValue, -1, 0, 1, 123456789, int.MaxValue }).reshape(2, 3),
        torch.ScalarType.Int64 => torch.tensor(new[] { long.MinValue, -1L, 0L, (1L << 53) + 1, 1L << 62, long.MaxValue }).reshape(2, 1, 3),
        torch.ScalarType.Float16 or torch.ScalarType.BFloat16 =>
            torch.tensor(new[] { 0f, -0f, 1f, -2.5f, 65504f, 6e-8f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 1f / 3 })
                .to(type).reshape(2, 5),
        torch.ScalarType.Float32 =>
            torch.tensor(new[] { 0f, -0f, float.Epsilon, float.MaxValue, float.MinValue, float.NaN, float.PositiveInfinity, 1f / 3 }).reshape(2, 2, 2),
        torch.ScalarType.Float64 =>
            torch.tensor(new[] { 0d, -0d, double.Epsilon, double.MaxValue, double.MinValue, double.NaN, double.NegativeInfinity, 1d / 3 }).reshape(4, 2),
        torch.ScalarType.ComplexFloat32 =>
            torch.complex(torch.tensor(new[] { 1f, -0f, float.NaN, 3.5f }), torch.tensor(new[] { 0f, 2f, -1f, float.MaxValue })),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private static byte[] Bytes(torch.Tensor t)
    {
        using var c = t.contiguous();
        return c.bytes.ToArray();
    }

    [Theory]
    [MemberData(nameof(WritableTypes))]
    public void Every_writable_dtype_round_trips_bit_exactly(torch.ScalarType type)
    {
        using var scope = torch.NewDisposeScope();
        var values = Interesting(type);
        var random = type == torch.ScalarType.Bool
            ? torch.rand(3, 5, 7).gt(0.5)
            : type == torch.ScalarType.ComplexFloat32
                ? torch.complex(torch.randn(3, 5, 7), torch.randn(3, 5, 7))
                : torch.randint(-100, 100, [3, 5, 7]).to(type == torch.ScalarType.Byte ? torch.ScalarType.Int16 : type).abs().to(type);
        var path = _temp.File($"{type}.safetensors");
        SafeTensorsWriter.Write(path, [("values", values), ("random", random)]);

        using var file = new SafeTensorsFile(path);
        var expectedDType = SafeTensorsDTypes.FromScalarType(type);
        Assert.Equal(expectedDType, file.GetEntry("values").DType);
        foreach (var (name, original) in new[] { ("values", values), ("random", random) })
        {
            var loaded = file.Load(name);
            Assert.Equal(type, loaded.dtype);
            Assert.Equal(original.shape, loaded.shape);
            Assert.Equal(Bytes(original), Bytes(loaded));
        }
    }

    [Fact]
    public void Entries_keep_the_order_they_were_written_in()
    {
        using var scope = torch.NewDisposeScope();
        var path = _temp.File("order.safetensors");
        var names = new[] { "zeta", "alpha", "out.m", "in.a", "beta" };
        SafeTensorsWriter.Write(path, names.Select((n, i) => (n, torch.full(i + 1, (float)i))));

        using var file = new SafeTensorsFile(path);
        Assert.Equal(names, file.Names);
        Assert.Equal(names, file.Entries.Select(e => e.Name));
        Assert.All(names, n => Assert.True(file.Contains(n)));
        Assert.False(file.Contains("gamma"));
        long previousEnd = 0;
        foreach (var entry in file.Entries)
        {
            Assert.Equal(previousEnd, entry.DataBegin);
            previousEnd = entry.DataEnd;
        }
        Assert.Equal(file.DataLength, previousEnd);
    }

    [Fact]
    public void Metadata_round_trips_including_json_unicode_and_control_characters()
    {
        using var scope = torch.NewDisposeScope();
        var metadata = new Dictionary<string, string>
        {
            ["config"] = """{"T": 2, "curve": "gilbert", "nested": {"a": [1, 2.5e-3]}, "quote": "x\"y"}""",
            ["tolerance"] = """{"exact": true}""",
            ["notes"] = "line one\nline two\ttab <html> & 'quotes' \\ backslash",
            ["ключ"] = "значение ✓",
            ["empty"] = "",
        };
        var path = _temp.File("meta.safetensors");
        SafeTensorsWriter.Write(path, [("x", torch.zeros(2))], metadata);

        using var file = new SafeTensorsFile(path);
        Assert.Equal(metadata.OrderBy(kv => kv.Key), file.Metadata.OrderBy(kv => kv.Key));
        using var config = JsonDocument.Parse(file.Metadata["config"]);
        Assert.Equal("x\"y", config.RootElement.GetProperty("quote").GetString());
    }

    [Fact]
    public void A_file_without_metadata_has_empty_metadata()
    {
        using var scope = torch.NewDisposeScope();
        var path = _temp.File("nometa.safetensors");
        new SafeTensorsWriter().Add("x", torch.ones(1)).Save(path);
        using var file = new SafeTensorsFile(path);
        Assert.Empty(file.Metadata);
        Assert.DoesNotContain("__metadata__", Encoding.UTF8.GetString(File.ReadAllBytes(path)));
    }

    [Fact]
    public void Header_is_padded_with_spaces_so_data_starts_8_byte_aligned()
    {
        using var scope = torch.NewDisposeScope();
        for (var nameLength = 1; nameLength <= 9; nameLength++)
        {
            var path = _temp.File($"pad{nameLength}.safetensors");
            SafeTensorsWriter.Write(path, [(new string('n', nameLength), torch.arange(3, dtype: torch.ScalarType.Int16))]);
            var bytes = File.ReadAllBytes(path);
            var headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            Assert.Equal(0, (8 + headerLength) % 8);
            var header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
            Assert.Equal('{', header[0]);
            Assert.Equal("}", header.TrimEnd(' ')[^1..]);
            using var document = JsonDocument.Parse(header);
            Assert.Equal(8 + headerLength + 6, bytes.Length);
        }
    }

    [Fact]
    public void Scalars_and_empty_tensors_round_trip()
    {
        using var scope = torch.NewDisposeScope();
        var path = _temp.File("shapes.safetensors");
        SafeTensorsWriter.Write(path,
        [
            ("scalar", torch.tensor(42.5)),
            ("empty", torch.zeros(new long[] { 0, 4 }, torch.ScalarType.Int32)),
            ("empty1d", torch.zeros(new long[] { 0 }, torch.ScalarType.Float16)),
        ]);

        using var file = new SafeTensorsFile(path);
        var scalar = file.Load("scalar");
        Assert.Empty(scalar.shape);
        Assert.Equal(42.5, scalar.item<double>());
        Assert.Equal(new long[] { 0, 4 }, file.Load("empty").shape);
        Assert.Equal(0, file.GetEntry("empty").ByteLength);
        Assert.Equal(torch.ScalarType.Float16, file.Load("empty1d").dtype);
    }

    [Fact]
    public void Non_contiguous_and_offset_views_are_written_as_their_logical_values()
    {
        using var scope = torch.NewDisposeScope();
        var baseTensor = torch.arange(24, dtype: torch.ScalarType.Float32).reshape(4, 6);
        var transposed = baseTensor.t();
        var slice = baseTensor[2];
        var strided = baseTensor[.., 1..5];
        var path = _temp.File("views.safetensors");
        SafeTensorsWriter.Write(path, [("t", transposed), ("row2", slice), ("cols", strided)]);

        using var file = new SafeTensorsFile(path);
        Assert.Equal(new long[] { 6, 4 }, file.GetEntry("t").Shape);
        Assert.Equal(new long[] { 6 }, file.GetEntry("row2").Shape);
        Assert.Equal(new long[] { 4, 4 }, file.GetEntry("cols").Shape);
        Assert.True(file.Load("t").eq(transposed).all().item<bool>());
        Assert.True(file.Load("row2").eq(slice).all().item<bool>());
        Assert.True(file.Load("cols").eq(strided).all().item<bool>());
    }

    [Fact]
    public void Lazily_conjugated_complex_views_are_written_resolved()
    {
        using var scope = torch.NewDisposeScope();
        var z = torch.complex(torch.tensor(new[] { 1f, 2f }), torch.tensor(new[] { 3f, -4f }));
        var conjugated = z.conj();
        Assert.True(conjugated.is_conj());
        var path = _temp.File("conj.safetensors");
        SafeTensorsWriter.Write(path, [("c", conjugated)]);

        using var file = new SafeTensorsFile(path);
        var loaded = file.Load("c");
        Assert.Equal(new[] { -3f, 4f }, torch.imag(loaded).data<float>().ToArray());
        Assert.Equal(new[] { 1f, 2f }, torch.real(loaded).data<float>().ToArray());
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(6L)]
    [InlineData(7L)]
    [InlineData(40L)]
    public void Piecewise_copies_give_the_same_bytes(long chunkBytes)
    {
        using var scope = torch.NewDisposeScope();
        var data = torch.randn(5, 13, dtype: torch.ScalarType.Float64);
        var half = torch.randn(7, 3).to(torch.ScalarType.BFloat16);
        var path = _temp.File($"chunks{chunkBytes}.safetensors");
        var writer = new SafeTensorsWriter { ChunkBytes = chunkBytes };
        writer.Add("d", data).Add("h", half).Save(path);

        using var file = new SafeTensorsFile(path);
        Assert.Equal(Bytes(data), Bytes(file.Load("d", null, null, chunkBytes)));
        Assert.Equal(Bytes(half), Bytes(file.Load("h", null, null, chunkBytes)));
    }

    [Fact]
    public void Load_converts_to_the_requested_dtype_and_device()
    {
        using var scope = torch.NewDisposeScope();
        var path = _temp.File("convert.safetensors");
        var ints = torch.tensor(new[] { -3, 0, 7, 1 << 20 });
        SafeTensorsWriter.Write(path, [("i", ints)]);

        using var file = new SafeTensorsFile(path);
        var asDouble = file.Load("i", torch.ScalarType.Float64, torch.CPU);
        Assert.Equal(torch.ScalarType.Float64, asDouble.dtype);
        Assert.Equal(new[] { -3d, 0, 7, 1 << 20 }, asDouble.data<double>().ToArray());
        var same = file.Load("i", torch.ScalarType.Int32, torch.CPU);
        Assert.Equal(torch.ScalarType.Int32, same.dtype);
        Assert.Equal(DeviceType.CPU, same.device_type);
    }

    [Fact]
    public void Loaded_tensors_outlive_the_file_and_a_disposed_file_refuses_loads()
    {
        using var scope = torch.NewDisposeScope();
        var path = _temp.File("lifetime.safetensors");
        SafeTensorsWriter.Write(path, [("x", torch.arange(10, dtype: torch.ScalarType.Int64))]);

        var file = new SafeTensorsFile(path);
        var x = file.Load("x");
        file.Dispose();
        file.Dispose();
        Assert.Equal(45L, x.sum().item<long>());
        Assert.Throws<ObjectDisposedException>(() => file.Load("x"));
    }

    [Fact]
    public void Saving_over_an_existing_file_replaces_it()
    {
        using var scope = torch.NewDisposeScope();
        var path = _temp.File("replace.safetensors");
        SafeTensorsWriter.Write(path, [("a", torch.ones(1000))]);
        SafeTensorsWriter.Write(path, [("b", torch.ones(2))]);
        using var file = new SafeTensorsFile(path);
        Assert.Equal(["b"], file.Names);
        Assert.Single(Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void Writer_rejects_bad_names_and_types()
    {
        using var scope = torch.NewDisposeScope();
        var writer = new SafeTensorsWriter().Add("a", torch.ones(1));
        Assert.Throws<ArgumentException>(() => writer.Add("a", torch.ones(1)));
        Assert.Throws<ArgumentException>(() => writer.Add("", torch.ones(1)));
        Assert.Throws<ArgumentException>(() => writer.Add("__metadata__", torch.ones(1)));
        Assert.Throws<NotSupportedException>(() => writer.Add("c", torch.ones(1, dtype: torch.ScalarType.ComplexFloat64)));
        Assert.Throws<ArgumentException>(() => writer.AddRaw("r", SafeTensorsDType.Float8E4M3, [2, 2], new byte[3]));
        Assert.Equal(1, writer.Count);
    }

    [Fact]
    public void Writer_refuses_a_tensor_disposed_before_saving()
    {
        var t = torch.ones(3);
        var writer = new SafeTensorsWriter().Add("t", t);
        t.Dispose();
        var path = _temp.File("disposed.safetensors");
        Assert.Throws<ObjectDisposedException>(() => writer.Save(path));
        Assert.Empty(Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void Every_format_dtype_name_parses_back()
    {
        foreach (var dtype in Enum.GetValues<SafeTensorsDType>())
        {
            Assert.True(SafeTensorsDTypes.TryParse(dtype.FileName(), out var parsed));
            Assert.Equal(dtype, parsed);
        }
        Assert.False(SafeTensorsDTypes.TryParse("f32", out _));
        Assert.Equal(20, SafeTensorsDTypes.FileNames.Count);
    }
}
