namespace JengaFleet.Jenga.SafeTensors;

/// <summary>
/// Decoding of the two 8-bit float formats to bfloat16 bit patterns. TorchSharp 0.107 has no
/// float8 scalar types, so <see cref="SafeTensorsFile.Load"/> widens them on load. bfloat16
/// (8 exponent bits, 7 mantissa bits) represents every finite E4M3 and E5M2 value exactly,
/// including subnormals and signed zero; NaN becomes a quiet NaN of the same sign and E5M2's
/// infinities stay infinite, so the widening loses nothing.
/// </summary>
internal static class Float8
{
    /// <summary>bfloat16 bits of each E4M3 byte ("fn" variant: no infinities, S.1111.111 is NaN).</summary>
    public static readonly ushort[] E4M3ToBFloat16 = BuildTable(DecodeE4M3);

    /// <summary>bfloat16 bits of each E5M2 byte (IEEE-like: exponent 31 is infinity or NaN).</summary>
    public static readonly ushort[] E5M2ToBFloat16 = BuildTable(DecodeE5M2);

    /// <summary>The value of an E4M3 byte: bias 7, subnormals m/8·2^-6, max 448.</summary>
    public static float DecodeE4M3(byte b)
    {
        var negative = (b & 0x80) != 0;
        var exponent = (b >> 3) & 0xF;
        var mantissa = b & 0x7;
        double magnitude;
        if (exponent == 0xF && mantissa == 0x7)
        {
            return negative ? -float.NaN : float.NaN;
        }
        magnitude = exponent == 0
            ? Math.ScaleB(mantissa / 8.0, -6)
            : Math.ScaleB(1.0 + mantissa / 8.0, exponent - 7);
        return (float)(negative ? -magnitude : magnitude);
    }

    /// <summary>The value of an E5M2 byte: bias 15, subnormals m/4·2^-14, max 57344.</summary>
    public static float DecodeE5M2(byte b)
    {
        var negative = (b & 0x80) != 0;
        var exponent = (b >> 2) & 0x1F;
        var mantissa = b & 0x3;
        double magnitude;
        if (exponent == 0x1F)
        {
            if (mantissa != 0)
            {
                return negative ? -float.NaN : float.NaN;
            }
            magnitude = double.PositiveInfinity;
        }
        else
        {
            magnitude = exponent == 0
                ? Math.ScaleB(mantissa / 4.0, -14)
                : Math.ScaleB(1.0 + mantissa / 4.0, exponent - 15);
        }
        return (float)(negative ? -magnitude : magnitude);
    }

    private static ushort[] BuildTable(Func<byte, float> decode)
    {
        var table = new ushort[256];
        for (var i = 0; i < 256; i++)
        {
            var value = decode((byte)i);
            var signBit = (ushort)((i & 0x80) << 8);
            if (float.IsNaN(value))
            {
                table[i] = (ushort)(signBit | 0x7FC0);
                continue;
            }
            var bits = BitConverter.SingleToUInt32Bits(value);
            if ((bits & 0xFFFF) != 0)
            {
                throw new InvalidOperationException($"float8 byte 0x{i:X2} does not fit bfloat16 exactly");
            }
            table[i] = (ushort)(bits >> 16);
        }
        return table;
    }
}
