using JengaFleet.Jenga.SafeTensors;
using JengaFleet.Testing;
using TorchSharp;
using Xunit;

namespace JengaFleet.Jenga.Tests.SafeTensors;

/// <summary>float8 files load as bfloat16 (TorchSharp 0.107 has no float8 types) without losing any value.</summary>
public sealed class Float8Tests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(0x00, 0f)]
    [InlineData(0x38, 1f)]
    [InlineData(0xB8, -1f)]
    [InlineData(0x40, 2f)]
    [InlineData(0x7E, 448f)]
    [InlineData(0xFE, -448f)]
    [InlineData(0x77, 240f)]
    [InlineData(0x08, 0.015625f)]           // smallest normal 2^-6
    [InlineData(0x07, 0.013671875f)]        // largest subnormal 7/8 * 2^-6
    [InlineData(0x01, 0.001953125f)]        // smallest subnormal 2^-9
    public void E4M3_values(int bits, float expected)
    {
        Assert.Equal(expected, Float8.DecodeE4M3((byte)bits));
    }

    [Fact]
    public void E4M3_special_values()
    {
        Assert.True(float.IsNaN(Float8.DecodeE4M3(0x7F)));
        Assert.True(float.IsNaN(Float8.DecodeE4M3(0xFF)));
        Assert.True(float.IsNegative(Float8.DecodeE4M3(0x80)) && Float8.DecodeE4M3(0x80) == 0);
        for (var b = 1; b <= 0x7E; b++)
        {
            Assert.True(Float8.DecodeE4M3((byte)b) > Float8.DecodeE4M3((byte)(b - 1)), $"E4M3 not increasing at 0x{b:X2}");
            Assert.Equal(-Float8.DecodeE4M3((byte)b), Float8.DecodeE4M3((byte)(b | 0x80)));
        }
    }

    [Fact]
    public void E5M2_is_the_top_byte_of_a_half()
    {
        for (var b = 0; b < 256; b++)
        {
            var viaHalf = (float)BitConverter.UInt16BitsToHalf((ushort)(b << 8));
            var decoded = Float8.DecodeE5M2((byte)b);
            if (float.IsNaN(viaHalf))
            {
                Assert.True(float.IsNaN(decoded), $"0x{b:X2}");
            }
            else
            {
                Assert.Equal(BitConverter.SingleToUInt32Bits(viaHalf), BitConverter.SingleToUInt32Bits(decoded));
            }
        }
        Assert.Equal(57344f, Float8.DecodeE5M2(0x7B));
        Assert.Equal(float.PositiveInfinity, Float8.DecodeE5M2(0x7C));
        Assert.Equal(float.NegativeInfinity, Float8.DecodeE5M2(0xFC));
    }

    [Theory]
    [InlineData(SafeTensorsDType.Float8E4M3)]
    [InlineData(SafeTensorsDType.Float8E5M2)]
    public void Every_byte_loads_exactly(SafeTensorsDType dtype)
    {
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var path = _temp.File($"{dtype}.safetensors");
        new SafeTensorsWriter()
            .AddRaw("all", dtype, [16, 16], all)
            .AddRaw("scalar", dtype, [], [0x38])
            .AddMetadata("format", dtype.FileName())
            .Save(path);
        Func<byte, float> decode = dtype == SafeTensorsDType.Float8E4M3 ? Float8.DecodeE4M3 : Float8.DecodeE5M2;

        using var scope = torch.NewDisposeScope();
        using var file = new SafeTensorsFile(path);
        Assert.Equal(dtype, file.GetEntry("all").DType);
        var loaded = file.Load("all");
        Assert.Equal(torch.ScalarType.BFloat16, loaded.dtype);
        Assert.Equal(new long[] { 16, 16 }, loaded.shape);

        foreach (var asFloat in new[] { loaded.to(torch.ScalarType.Float32), file.Load("all", torch.ScalarType.Float32) })
        {
            var values = asFloat.reshape(-1).data<float>().ToArray();
            for (var i = 0; i < 256; i++)
            {
                var expected = decode((byte)i);
                if (float.IsNaN(expected))
                {
                    Assert.True(float.IsNaN(values[i]), $"0x{i:X2}");
                }
                else
                {
                    Assert.Equal(BitConverter.SingleToUInt32Bits(expected), BitConverter.SingleToUInt32Bits(values[i]));
                }
            }
        }

        var piecewise = file.Load("all", torch.ScalarType.Float32, null, chunkBytes: 6);
        Assert.True(piecewise.eq(file.Load("all", torch.ScalarType.Float32)).logical_or(piecewise.isnan()).all().item<bool>());
        Assert.Equal(decode(0x38), file.Load("scalar", torch.ScalarType.Float32).item<float>());
    }
}
