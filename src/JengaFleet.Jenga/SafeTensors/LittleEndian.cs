namespace JengaFleet.Jenga.SafeTensors;

/// <summary>
/// The safetensors format is little-endian and this code copies bytes between the file and
/// tensor memory without swapping, so it runs on little-endian machines only.
/// </summary>
internal static class LittleEndian
{
    public static void EnsurePlatform()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException(
                "safetensors reading and writing needs a little-endian machine; this one is big-endian.");
        }
    }
}
