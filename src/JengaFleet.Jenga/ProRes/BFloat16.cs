namespace JengaFleet.Jenga.ProRes;

/// <summary>bfloat16 rounding of a float32 value (round to nearest, ties to even), for the values the reference computes in bf16.</summary>
public static class BFloat16
{
    public static float Round(float value)
    {
        if (float.IsNaN(value))
            return value;
        var bits = BitConverter.SingleToUInt32Bits(value);
        var lsb = (bits >> 16) & 1;
        bits += 0x7FFF + lsb;
        return BitConverter.UInt32BitsToSingle(bits & 0xFFFF0000);
    }

    /// <summary>
    /// The embedded-guidance input: the reference casts the scale to bf16 and multiplies by 1000 in bf16,
    /// so 6.0 becomes 6016.0 rather than 6000.0. Reproduced on purpose (it changes the result measurably).
    /// </summary>
    public static float EmbeddedGuidance(double scale) => Round(Round((float)scale) * 1000f);
}
