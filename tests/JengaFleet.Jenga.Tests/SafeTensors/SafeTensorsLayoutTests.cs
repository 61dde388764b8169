using JengaFleet.Jenga.SafeTensors;
using Xunit;

namespace JengaFleet.Jenga.Tests.SafeTensors;

/// <summary>
/// The size and offset arithmetic with values beyond 2^31, without creating large files.
/// </summary>
public sealed class SafeTensorsLayoutTests
{
    [Fact]
    public void Element_counts_and_byte_lengths_are_64_bit()
    {
        Assert.Equal(5_000_000_000L, SafeTensorsLayout.ElementCount([100_000, 50_000], out _));
        Assert.Equal(20_000_000_000L, SafeTensorsLayout.ByteLength(SafeTensorsDType.Float32, 5_000_000_000L, out _));
        Assert.Equal(3L << 31, SafeTensorsLayout.ByteLength(SafeTensorsDType.BFloat16, 3L << 30, out _));
        Assert.Equal(1L, SafeTensorsLayout.ElementCount([], out _));
        Assert.Equal(0L, SafeTensorsLayout.ElementCount([5, 0, long.MaxValue], out _));
    }

    [Fact]
    public void Overflowing_sizes_are_reported_not_wrapped()
    {
        Assert.Null(SafeTensorsLayout.ElementCount([long.MaxValue, 2], out var problem));
        Assert.Contains("64-bit", problem);
        Assert.Null(SafeTensorsLayout.ElementCount([1L << 32, 1L << 32], out _));
        Assert.Null(SafeTensorsLayout.ByteLength(SafeTensorsDType.Float64, long.MaxValue / 4, out problem));
        Assert.Contains("64-bit", problem);
        Assert.Null(SafeTensorsLayout.ElementCount([3, -1], out problem));
        Assert.Contains("negative", problem);
    }

    [Fact]
    public void Sub_byte_types_must_fill_whole_bytes()
    {
        Assert.Equal(2L, SafeTensorsLayout.ByteLength(SafeTensorsDType.Float4, 4, out _));
        Assert.Equal(3L, SafeTensorsLayout.ByteLength(SafeTensorsDType.Float6E2M3, 4, out _));
        Assert.Null(SafeTensorsLayout.ByteLength(SafeTensorsDType.Float4, 3, out var problem));
        Assert.Contains("whole bytes", problem);
    }

    [Fact]
    public void Ranges_are_checked_with_64_bit_offsets()
    {
        const long section = 30_000_000_000L;
        Assert.Null(SafeTensorsLayout.CheckRange(3_000_000_000L, 23_000_000_000L, section, 20_000_000_000L));
        Assert.Null(SafeTensorsLayout.CheckRange(section, section, section, 0));
        Assert.Contains("beyond", SafeTensorsLayout.CheckRange(10_000_000_000L, 30_000_000_001L, section, 20_000_000_001L));
        Assert.Contains("need 20000000000", SafeTensorsLayout.CheckRange(0, 20_000_000_004L, section, 20_000_000_000L));
        Assert.Contains("end before", SafeTensorsLayout.CheckRange(long.MaxValue, 0, section, 0));
        Assert.Contains("beyond", SafeTensorsLayout.CheckRange(long.MaxValue - 1, long.MaxValue, section, 1));
    }

    [Fact]
    public void Header_padding_rounds_up_to_8()
    {
        Assert.Equal(0, SafeTensorsLayout.PaddedHeaderLength(0));
        Assert.Equal(8, SafeTensorsLayout.PaddedHeaderLength(1));
        Assert.Equal(8, SafeTensorsLayout.PaddedHeaderLength(8));
        Assert.Equal(16, SafeTensorsLayout.PaddedHeaderLength(9));
        Assert.Equal(5_000_000_008L, SafeTensorsLayout.PaddedHeaderLength(5_000_000_001L));
    }

    [Theory]
    [InlineData(5_000_000_000L, 4L, 256L << 20)]
    [InlineData(3_000_000_001L, 2L, 1L << 30)]
    [InlineData(10L, 8L, 20L)]
    [InlineData(10L, 8L, 3L)]
    [InlineData(1L, 1L, 1L)]
    [InlineData(0L, 4L, 100L)]
    [InlineData(2_500_000_000L, 1L, long.MaxValue)]
    public void Chunks_cover_the_tensor_in_span_sized_pieces(long elements, long elementBytes, long maxChunkBytes)
    {
        long next = 0;
        var pieces = 0;
        foreach (var (first, count) in SafeTensorsLayout.Chunks(elements, elementBytes, maxChunkBytes))
        {
            Assert.Equal(next, first);
            Assert.True(count >= 1);
            Assert.True(count * elementBytes <= Math.Max(elementBytes, Math.Min(maxChunkBytes, int.MaxValue)));
            next = first + count;
            pieces++;
        }
        Assert.Equal(elements, next);
        var perChunk = Math.Max(1, Math.Min(maxChunkBytes, int.MaxValue) / elementBytes);
        Assert.Equal((elements + perChunk - 1) / perChunk, pieces);
    }
}
