using System.Buffers.Binary;
using System.Text;
using JengaFleet.Jenga.SafeTensors;
using JengaFleet.Testing;
using TorchSharp;
using Xunit;

namespace JengaFleet.Jenga.Tests.SafeTensors;

/// <summary>Malformed files are refused with messages naming the file (and the tensor where one is concerned).</summary>
public sealed class SafeTensorsValidationTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Writes length field + header (unpadded unless the JSON is) + data; the length field may lie.</summary>
    private string RawFile(string name, string header, byte[]? data = null, ulong? lengthField = null)
    {
        var path = _temp.File(name);
        var json = Encoding.UTF8.GetBytes(header);
        using var stream = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, lengthField ?? (ulong)json.Length);
        stream.Write(length);
        stream.Write(json);
        stream.Write(data ?? []);
        return path;
    }

    private static SafeTensorsException Refused(string path, params string[] fragments)
    {
        var error = Assert.Throws<SafeTensorsException>(() => new SafeTensorsFile(path).Dispose());
        Assert.Contains(path, error.Message);
        Assert.Equal(path, error.FilePath);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, error.Message);
        }
        return error;
    }

    [Fact]
    public void Empty_and_tiny_files_are_refused()
    {
        var empty = _temp.File("empty.safetensors");
        File.WriteAllBytes(empty, []);
        Refused(empty, "0 bytes", "8-byte header length");

        var tiny = _temp.File("tiny.safetensors");
        File.WriteAllBytes(tiny, [1, 2, 3, 4, 5]);
        Refused(tiny, "5 bytes");
    }

    [Fact]
    public void A_header_length_beyond_the_file_is_refused()
    {
        Refused(RawFile("long.safetensors", "{}", lengthField: 1000), "1000", "only 2 bytes follow");
        Refused(RawFile("huge.safetensors", "{}", lengthField: ulong.MaxValue), ulong.MaxValue.ToString());
    }

    [Fact]
    public void A_truncated_file_is_refused()
    {
        var path = _temp.File("truncated.safetensors");
        using (var ones = torch.ones(100))
        {
            SafeTensorsWriter.Write(path, [("x", ones)]);
        }
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^4]);
        var error = Refused(path, "x", "data_offsets [0, 400]", "beyond the data section");
        Assert.Equal("x", error.TensorName);

        File.WriteAllBytes(path, bytes[..40]);
        Refused(path, "header length field");
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("")]
    [InlineData("{\"a\": {\"dtype\": \"F32\"")]
    public void Bad_json_is_refused(string header)
    {
        Refused(RawFile("badjson.safetensors", header), "not valid JSON");
    }

    [Fact]
    public void A_non_object_header_is_refused()
    {
        Refused(RawFile("array.safetensors", "[1, 2]"), "must be a JSON object");
    }

    [Fact]
    public void An_unknown_dtype_is_refused_naming_the_tensor()
    {
        var error = Refused(
            RawFile("dtype.safetensors", """{"w.weird": {"dtype": "F128", "shape": [1], "data_offsets": [0, 16]}}""", new byte[16]),
            "w.weird", "unknown dtype 'F128'", "BF16");
        Assert.Equal("w.weird", error.TensorName);
    }

    [Theory]
    [InlineData("""{"t": {"dtype": "F32", "shape": [2], "data_offsets": [0, 100]}}""", "beyond the data section")]
    [InlineData("""{"t": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}""", "hold 4 bytes, but the shape and dtype need 8")]
    [InlineData("""{"t": {"dtype": "F32", "shape": [1], "data_offsets": [8, 4]}}""", "end before they begin")]
    [InlineData("""{"t": {"dtype": "F32", "shape": [1], "data_offsets": [-4, 0]}}""", "non-negative")]
    [InlineData("""{"t": {"dtype": "F32", "shape": [1], "data_offsets": [0]}}""", "data_offsets")]
    [InlineData("""{"t": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4.5]}}""", "non-negative 64-bit integers")]
    [InlineData("""{"t": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}""", "non-negative integers")]
    [InlineData("""{"t": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}}""", "non-negative integers")]
    [InlineData("""{"t": {"dtype": "F32", "data_offsets": [0, 4]}}""", "no \"shape\" array")]
    [InlineData("""{"t": {"shape": [1], "data_offsets": [0, 4]}}""", "no \"dtype\" string")]
    [InlineData("""{"t": [1, 2]}""", "must be an object")]
    [InlineData("""{"t": {"dtype": "F32", "shape": [4611686018427387904, 4], "data_offsets": [0, 4]}}""", "more elements than a 64-bit count")]
    [InlineData("""{"t": {"dtype": "F4", "shape": [3], "data_offsets": [0, 2]}}""", "do not fill whole bytes")]
    [InlineData("""{"t": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "t": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}""", "twice")]
    public void Bad_entries_are_refused_naming_the_tensor(string header, string fragment)
    {
        var error = Refused(RawFile("entry.safetensors", header, new byte[8]), fragment);
        Assert.Equal("t", error.TensorName);
        Assert.Contains("tensor 't'", error.Message);
    }

    [Fact]
    public void Offsets_beyond_2_GB_are_parsed_as_64_bit_values_not_truncated()
    {
        // 3 GB into a data section of 8 bytes: must be reported with the exact 64-bit numbers.
        var error = Refused(
            RawFile("far.safetensors", """{"t": {"dtype": "U8", "shape": [4], "data_offsets": [3221225472, 3221225476]}}""", new byte[8]),
            "data_offsets [3221225472, 3221225476]", "holds 8 bytes");
        Assert.Equal("t", error.TensorName);
    }

    [Theory]
    [InlineData("""{"__metadata__": {"n": 3}}""", "value of 'n' must be a string")]
    [InlineData("""{"__metadata__": ["a"]}""", "must be an object of strings")]
    public void Bad_metadata_is_refused(string header, string fragment)
    {
        Refused(RawFile("meta.safetensors", header), fragment);
    }

    [Fact]
    public void Overlapping_and_out_of_order_tensors_are_accepted_when_in_range()
    {
        var data = new byte[16];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (byte)i;
        }
        var path = RawFile("overlap.safetensors", """
            {"late": {"dtype": "U8", "shape": [4], "data_offsets": [12, 16]},
             "early": {"dtype": "U8", "shape": [2, 2], "data_offsets": [0, 4]},
             "same": {"dtype": "U8", "shape": [4], "data_offsets": [0, 4]},
             "wide": {"dtype": "I16", "shape": [4], "data_offsets": [2, 10]}}
            """, data);

        using var scope = torch.NewDisposeScope();
        using var file = new SafeTensorsFile(path);
        Assert.Equal(["late", "early", "same", "wide"], file.Names);
        Assert.Equal(new byte[] { 12, 13, 14, 15 }, file.Load("late").data<byte>().ToArray());
        Assert.Equal(new byte[] { 0, 1, 2, 3 }, file.Load("early").reshape(-1).data<byte>().ToArray());
        Assert.Equal(new byte[] { 0, 1, 2, 3 }, file.Load("same").data<byte>().ToArray());
        Assert.Equal(new short[] { 0x0302, 0x0504, 0x0706, 0x0908 }, file.Load("wide").data<short>().ToArray());
    }

    [Fact]
    public void Unaligned_data_is_read_correctly()
    {
        // Real fixtures place int64 tensors at odd offsets (after a 1-byte uint8 tensor).
        var data = new byte[1 + 16];
        data[0] = 1;
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(1), -2);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(9), long.MaxValue);
        var path = RawFile("unaligned.safetensors", """
            {"m": {"dtype": "BOOL", "shape": [1], "data_offsets": [0, 1]},
             "v": {"dtype": "I64", "shape": [2], "data_offsets": [1, 17]}}
            """, data);

        using var scope = torch.NewDisposeScope();
        using var file = new SafeTensorsFile(path);
        Assert.Equal(new[] { -2L, long.MaxValue }, file.Load("v").data<long>().ToArray());
        Assert.True(file.Load("m").item<bool>());
    }

    [Fact]
    public void A_missing_tensor_name_lists_names_the_file_has()
    {
        using var scope = torch.NewDisposeScope();
        var path = _temp.File("names.safetensors");
        var names = Enumerable.Range(0, 20).Select(i => $"w.layer{i}").Append("out.x").Append("out.y").ToArray();
        SafeTensorsWriter.Write(path, names.Select(n => (n, torch.zeros(1))));

        using var file = new SafeTensorsFile(path);
        var error = Assert.Throws<KeyNotFoundException>(() => file.Load("out.z"));
        Assert.Contains(path, error.Message);
        Assert.Contains("'out.z'", error.Message);
        Assert.Contains("'out.x'", error.Message);
        Assert.Contains("'out.y'", error.Message);
        Assert.Contains("22 tensors", error.Message);
        Assert.Contains("more)", error.Message);
        Assert.False(file.TryGetEntry("out.z", out _));
    }

    [Fact]
    public void Recognised_but_unloadable_dtypes_fail_on_load_only()
    {
        var path = RawFile("u16.safetensors", """
            {"u": {"dtype": "U16", "shape": [2], "data_offsets": [0, 4]},
             "f": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}
            """, [1, 0, 2, 0, 0, 0, 128, 63]);

        using var scope = torch.NewDisposeScope();
        using var file = new SafeTensorsFile(path);
        Assert.Equal(1f, file.Load("f").item<float>());
        var error = Assert.Throws<SafeTensorsException>(() => file.Load("u"));
        Assert.Contains(path, error.Message);
        Assert.Contains("tensor 'u'", error.Message);
        Assert.Contains("U16", error.Message);
    }
}
