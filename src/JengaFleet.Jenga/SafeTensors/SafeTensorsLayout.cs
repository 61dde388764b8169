namespace JengaFleet.Jenga.SafeTensors;

/// <summary>
/// The arithmetic of the format: sizes and ranges are 64-bit throughout, so tensors and files
/// over 2 GB are described exactly; every product and sum is overflow-checked.
/// </summary>
internal static class SafeTensorsLayout
{
    /// <summary>Size of the little-endian header length that opens every file.</summary>
    public const int LengthFieldBytes = 8;

    /// <summary>Largest header accepted (the reference implementation uses the same bound).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Product of <paramref name="shape"/>; null when a dimension is negative or the product overflows.</summary>
    public static long? ElementCount(ReadOnlySpan<long> shape, out string? problem)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                problem = $"shape [{string.Join(", ", shape.ToArray())}] has a negative dimension";
                return null;
            }
            try
            {
                count = checked(count * dim);
            }
            catch (OverflowException)
            {
                problem = $"shape [{string.Join(", ", shape.ToArray())}] has more elements than a 64-bit count can hold";
                return null;
            }
        }
        problem = null;
        return count;
    }

    /// <summary>
    /// Bytes needed by <paramref name="elementCount"/> elements of <paramref name="dtype"/>;
    /// null when that overflows or packed sub-byte elements do not fill whole bytes.
    /// </summary>
    public static long? ByteLength(SafeTensorsDType dtype, long elementCount, out string? problem)
    {
        var bits = dtype.BitsPerElement();
        long totalBits;
        try
        {
            totalBits = checked(elementCount * bits);
        }
        catch (OverflowException)
        {
            problem = $"{elementCount} elements of {dtype.FileName()} need more bytes than a 64-bit size can hold";
            return null;
        }
        if (totalBits % 8 != 0)
        {
            problem = $"{elementCount} elements of {dtype.FileName()} ({bits} bits each) do not fill whole bytes";
            return null;
        }
        problem = null;
        return totalBits / 8;
    }

    /// <summary>
    /// Checks a tensor's <c>data_offsets</c> against the data section and the expected size;
    /// returns a description of the problem, or null when they are fine.
    /// </summary>
    public static string? CheckRange(long begin, long end, long dataSectionBytes, long expectedBytes)
    {
        if (begin < 0 || end < 0)
        {
            return $"data_offsets [{begin}, {end}] are negative";
        }
        if (begin > end)
        {
            return $"data_offsets [{begin}, {end}] end before they begin";
        }
        if (end > dataSectionBytes)
        {
            return $"data_offsets [{begin}, {end}] go beyond the data section, which holds {dataSectionBytes} bytes";
        }
        if (end - begin != expectedBytes)
        {
            return $"data_offsets [{begin}, {end}] hold {end - begin} bytes, but the shape and dtype need {expectedBytes}";
        }
        return null;
    }

    /// <summary>Header length after padding with spaces so that the data section starts 8-byte aligned.</summary>
    public static long PaddedHeaderLength(long jsonBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(jsonBytes);
        return checked((jsonBytes + 7) / 8 * 8);
    }

    /// <summary>
    /// Splits <paramref name="totalElements"/> elements of <paramref name="elementBytes"/> bytes each
    /// into consecutive pieces of at most <paramref name="maxChunkBytes"/> bytes (at least one element),
    /// so that each piece fits a <see cref="Span{T}"/>.
    /// </summary>
    public static IEnumerable<(long FirstElement, long Elements)> Chunks(long totalElements, long elementBytes, long maxChunkBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(totalElements);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(elementBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChunkBytes);
        var perChunk = Math.Max(1, Math.Min(maxChunkBytes, int.MaxValue) / elementBytes);
        for (long first = 0; first < totalElements; first += perChunk)
        {
            yield return (first, Math.Min(perChunk, totalElements - first));
        }
    }
}
