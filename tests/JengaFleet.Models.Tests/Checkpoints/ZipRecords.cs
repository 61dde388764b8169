using System.Buffers.Binary;
using System.Text;

namespace JengaFleet.Models.Tests.Checkpoints;

/// <summary>
/// A zip archive's records as the tests need to see them, read from the raw bytes (the zip64 end record,
/// central directory and local headers), independently of System.IO.Compression.
/// </summary>
internal static class ZipRecords
{
    /// <param name="LocalExtra">The extra field of the local header.</param>
    /// <param name="CentralExtra">The extra field of the central directory entry.</param>
    /// <param name="CentralSize">The 32-bit size fields of the central entry (0xFFFFFFFF when moved to zip64).</param>
    public sealed record Record(
        string Name, long HeaderOffset, long DataOffset, long Size, uint Crc, ushort Method, ushort Flags,
        byte[] LocalExtra, byte[] CentralExtra, uint CentralSize, uint CentralOffset);

    /// <summary>Reads the records of a whole archive in memory.</summary>
    public static List<Record> Read(byte[] archive) => Read(archive.LongLength, (offset, count) => archive.AsSpan((int)offset, count).ToArray());

    /// <summary>Reads the records through <paramref name="readAt"/>(offset, count), for archives not held whole.</summary>
    public static List<Record> Read(long length, Func<long, int, byte[]> readAt)
    {
        var end = readAt(length - 22, 22);
        if (BinaryPrimitives.ReadUInt32LittleEndian(end) != 0x06054b50)
            throw new InvalidDataException("no end of central directory record at the end");
        var locator = readAt(length - 22 - 20, 20);
        if (BinaryPrimitives.ReadUInt32LittleEndian(locator) != 0x07064b50)
            throw new InvalidDataException("no zip64 end locator");
        var zip64End = readAt((long)BinaryPrimitives.ReadUInt64LittleEndian(locator.AsSpan(8)), 56);
        if (BinaryPrimitives.ReadUInt32LittleEndian(zip64End) != 0x06064b50)
            throw new InvalidDataException("no zip64 end record");
        var count = (long)BinaryPrimitives.ReadUInt64LittleEndian(zip64End.AsSpan(32));
        var position = (long)BinaryPrimitives.ReadUInt64LittleEndian(zip64End.AsSpan(48));

        var records = new List<Record>();
        for (var i = 0; i < count; i++)
        {
            var header = readAt(position, 46);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) != 0x02014b50)
                throw new InvalidDataException($"central header {i} has a bad signature");
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8));
            var method = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(10));
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(16));
            var size32 = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(24));
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(28));
            var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(30));
            var commentLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(32));
            var offset32 = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(42));
            var name = Encoding.UTF8.GetString(readAt(position + 46, nameLength));
            var extra = readAt(position + 46 + nameLength, extraLength);
            position += 46 + nameLength + extraLength + commentLength;

            long size = size32, offset = offset32;
            var zip64 = Zip64Values(extra);
            var next = 0;
            if (size32 == uint.MaxValue)
            {
                size = zip64[next];
                next += 2; // uncompressed, then compressed size
            }

            if (offset32 == uint.MaxValue)
                offset = zip64[next];

            var local = readAt(offset, 30);
            if (BinaryPrimitives.ReadUInt32LittleEndian(local) != 0x04034b50)
                throw new InvalidDataException($"{name}: no local header at {offset}");
            var localName = BinaryPrimitives.ReadUInt16LittleEndian(local.AsSpan(26));
            var localExtra = BinaryPrimitives.ReadUInt16LittleEndian(local.AsSpan(28));
            records.Add(new Record(
                name, offset, offset + 30 + localName + localExtra, size, crc, method, flags,
                readAt(offset + 30 + localName, localExtra), extra, size32, offset32));
        }

        return records;
    }

    /// <summary>The 64-bit values of a zip64 extended information field (id 1) in an extra field, if any.</summary>
    public static List<long> Zip64Values(byte[] extra)
    {
        var values = new List<long>();
        for (var at = 0; at + 4 <= extra.Length;)
        {
            var id = BinaryPrimitives.ReadUInt16LittleEndian(extra.AsSpan(at));
            var length = BinaryPrimitives.ReadUInt16LittleEndian(extra.AsSpan(at + 2));
            if (id == 1)
            {
                for (var v = 0; v + 8 <= length; v += 8)
                    values.Add((long)BinaryPrimitives.ReadUInt64LittleEndian(extra.AsSpan(at + 4 + v)));
            }

            at += 4 + length;
        }

        return values;
    }
}
