using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace JengaFleet.Models.Checkpoints;

/// <summary>
/// Writes the zip container of a <c>torch.save</c> file the way PyTorch's own writer (miniz, with zip64 on)
/// lays it out, so tools that rely on that layout work on our files:
/// every record is stored uncompressed under <c>&lt;archive&gt;/</c>; its data starts on a 64-byte boundary,
/// reached by an "FB" extra field of 'Z' bytes in the local header (what lets torch memory-map storages);
/// local headers carry no CRC or sizes (flag bit 3) and a data descriptor follows the data; a zip64 extra field
/// appears only for records of 4 GiB or more or beyond the 4 GiB offset; the archive ends with the zip64
/// end records and the classic end record. Times are zero, as torch writes them, so output is deterministic.
/// Records are streamed: nothing but the central directory entries is kept in memory.
/// </summary>
internal sealed class TorchArchiveWriter
{
    /// <summary>Data of every record starts at a multiple of this (torch's <c>kFieldAlignment</c>).</summary>
    public const int Alignment = 64;

    private const uint LocalHeaderSignature = 0x04034b50;
    private const uint DataDescriptorSignature = 0x08074b50;
    private const uint CentralHeaderSignature = 0x02014b50;
    private const uint Zip64EndSignature = 0x06064b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const uint EndSignature = 0x06054b50;
    private const int LocalHeaderBytes = 30;
    private const ushort FlagsDescriptorAndUtf8 = 0x0808;
    private const ushort Zip64ExtraId = 0x0001;
    private const ushort PaddingExtraId = 0x4246; // "FB"

    private readonly Stream _stream;
    private readonly string _prefix;
    private readonly List<Record> _records = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private long _position;
    private bool _finished;

    /// <param name="archiveName">The folder all records live in; torch uses the file name without its extension.</param>
    public TorchArchiveWriter(Stream stream, string archiveName)
    {
        _stream = stream;
        _prefix = archiveName + "/";
    }

    /// <summary>Writes a record held in memory.</summary>
    public void WriteRecord(string name, ReadOnlySpan<byte> data)
    {
        var copy = data.ToArray();
        WriteRecord(name, copy.Length, stream => stream.Write(copy));
    }

    /// <summary>
    /// Writes a record of exactly <paramref name="size"/> bytes that <paramref name="writeData"/> streams into
    /// the stream it is given (the CRC is computed on the way).
    /// </summary>
    public void WriteRecord(string name, long size, Action<Stream> writeData)
    {
        if (_finished)
            throw new InvalidOperationException("the archive is already finished");
        if (!_names.Add(name))
            throw new ArgumentException($"record '{name}' was already written", nameof(name));

        var fullName = Encoding.UTF8.GetBytes(_prefix + name);
        var headerOffset = _position;
        var zip64 = size >= uint.MaxValue || headerOffset >= uint.MaxValue;
        var zip64Extra = zip64 ? Zip64Extra(size >= uint.MaxValue ? size : null, headerOffset >= uint.MaxValue ? headerOffset : null) : [];
        var padding = PaddingExtra(headerOffset + LocalHeaderBytes + fullName.Length + zip64Extra.Length);

        Span<byte> header = stackalloc byte[LocalHeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header, LocalHeaderSignature);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 0); // version needed: 0, as miniz writes for stored data
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], FlagsDescriptorAndUtf8);
        // method, time, date, CRC and both sizes stay zero: the descriptor after the data has them
        BinaryPrimitives.WriteUInt16LittleEndian(header[26..], checked((ushort)fullName.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(header[28..], checked((ushort)(zip64Extra.Length + padding.Length)));
        Emit(header);
        Emit(fullName);
        Emit(zip64Extra);
        Emit(padding);

        var record = new RecordStream(_stream);
        writeData(record);
        if (record.Written != size)
            throw new InvalidOperationException($"record '{name}' was announced as {size} bytes but {record.Written} were written");
        _position += size;
        var crc = record.Crc;

        Span<byte> descriptor = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(descriptor, DataDescriptorSignature);
        BinaryPrimitives.WriteUInt32LittleEndian(descriptor[4..], crc);
        if (zip64)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(descriptor[8..], (ulong)size);
            BinaryPrimitives.WriteUInt64LittleEndian(descriptor[16..], (ulong)size);
            Emit(descriptor);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(descriptor[8..], (uint)size);
            BinaryPrimitives.WriteUInt32LittleEndian(descriptor[12..], (uint)size);
            Emit(descriptor[..16]);
        }

        _records.Add(new Record(name, fullName, zip64Extra, headerOffset, size, crc));
    }

    /// <summary>
    /// Adds the records torch's writer adds on closing (<c>version</c> unless written, <c>.data/serialization_id</c>),
    /// then the central directory and end records. <paramref name="serializationId"/> replaces the computed id
    /// (tests reproduce a torch-written archive with it).
    /// </summary>
    public void Finish(string? serializationId = null)
    {
        if (!_names.Contains("version"))
            WriteRecord("version", "3\n"u8);
        WriteRecord(".data/serialization_id", Encoding.ASCII.GetBytes(serializationId ?? SerializationId()));
        _finished = true;

        var directoryOffset = _position;
        foreach (var record in _records)
            WriteCentralHeader(record);
        var directoryBytes = _position - directoryOffset;

        var zip64EndOffset = _position;
        Span<byte> end = stackalloc byte[56];
        BinaryPrimitives.WriteUInt32LittleEndian(end, Zip64EndSignature);
        BinaryPrimitives.WriteUInt64LittleEndian(end[4..], 56 - 12); // size of the rest of this record
        BinaryPrimitives.WriteUInt16LittleEndian(end[12..], 0x031e); // made by: Unix, spec 3.0 (as miniz)
        BinaryPrimitives.WriteUInt16LittleEndian(end[14..], 45);     // needed: zip64
        BinaryPrimitives.WriteUInt64LittleEndian(end[24..], (ulong)_records.Count);
        BinaryPrimitives.WriteUInt64LittleEndian(end[32..], (ulong)_records.Count);
        BinaryPrimitives.WriteUInt64LittleEndian(end[40..], (ulong)directoryBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(end[48..], (ulong)directoryOffset);
        Emit(end);

        Span<byte> locator = stackalloc byte[20];
        BinaryPrimitives.WriteUInt32LittleEndian(locator, Zip64LocatorSignature);
        BinaryPrimitives.WriteUInt64LittleEndian(locator[8..], (ulong)zip64EndOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(locator[16..], 1); // total disks
        Emit(locator);

        Span<byte> classic = stackalloc byte[22];
        BinaryPrimitives.WriteUInt32LittleEndian(classic, EndSignature);
        var count = (ushort)Math.Min(_records.Count, ushort.MaxValue);
        BinaryPrimitives.WriteUInt16LittleEndian(classic[8..], count);
        BinaryPrimitives.WriteUInt16LittleEndian(classic[10..], count);
        BinaryPrimitives.WriteUInt32LittleEndian(classic[12..], Clamp(directoryBytes));
        BinaryPrimitives.WriteUInt32LittleEndian(classic[16..], Clamp(directoryOffset));
        Emit(classic);
        _stream.Flush();
    }

    private void WriteCentralHeader(Record record)
    {
        Span<byte> header = stackalloc byte[46];
        BinaryPrimitives.WriteUInt32LittleEndian(header, CentralHeaderSignature);
        // made by 0, needed 0, like the local header
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], FlagsDescriptorAndUtf8);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], record.Crc);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], Clamp(record.Size));
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], Clamp(record.Size));
        BinaryPrimitives.WriteUInt16LittleEndian(header[28..], (ushort)record.FullName.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(header[30..], (ushort)record.Zip64Extra.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[42..], Clamp(record.HeaderOffset));
        Emit(header);
        Emit(record.FullName);
        Emit(record.Zip64Extra);
    }

    /// <summary>The zip64 extended information field with the values that do not fit 32 bits (size twice: uncompressed, compressed).</summary>
    private static byte[] Zip64Extra(long? size, long? headerOffset)
    {
        var values = new List<long>();
        if (size is { } s)
            values.AddRange([s, s]);
        if (headerOffset is { } o)
            values.Add(o);
        var extra = new byte[4 + 8 * values.Count];
        BinaryPrimitives.WriteUInt16LittleEndian(extra, Zip64ExtraId);
        BinaryPrimitives.WriteUInt16LittleEndian(extra.AsSpan(2), (ushort)(8 * values.Count));
        for (var i = 0; i < values.Count; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(extra.AsSpan(4 + 8 * i), (ulong)values[i]);
        return extra;
    }

    /// <summary>The "FB" extra field whose 'Z' filler moves data that would start at <paramref name="position"/> + 4 to the next 64-byte boundary.</summary>
    private static byte[] PaddingExtra(long position)
    {
        var start = position + 4;
        var fill = (int)((Alignment - start % Alignment) % Alignment);
        var extra = new byte[4 + fill];
        BinaryPrimitives.WriteUInt16LittleEndian(extra, PaddingExtraId);
        BinaryPrimitives.WriteUInt16LittleEndian(extra.AsSpan(2), (ushort)fill);
        extra.AsSpan(4).Fill((byte)'Z');
        return extra;
    }

    /// <summary>
    /// A deterministic 40-digit id in torch's shape (20 digits from the record names, 20 from their CRCs); torch
    /// fills it from its own hashes, which no reader checks against the content.
    /// </summary>
    private string SerializationId()
    {
        ulong names = 14695981039346656037; // FNV-1a 64 over the record names
        ulong crcs = 0;
        foreach (var record in _records)
        {
            foreach (var b in record.FullName)
                names = (names ^ b) * 1099511628211;
            crcs ^= record.Crc + 0x9e3779b97f4a7c15UL + (crcs << 6) + (crcs >> 2); // hash_combine
        }

        return names.ToString("D20", CultureInfo.InvariantCulture) + crcs.ToString("D20", CultureInfo.InvariantCulture);
    }

    private static uint Clamp(long value) => (uint)Math.Min(value, uint.MaxValue);

    private void Emit(ReadOnlySpan<byte> bytes)
    {
        _stream.Write(bytes);
        _position += bytes.Length;
    }

    private sealed record Record(string Name, byte[] FullName, byte[] Zip64Extra, long HeaderOffset, long Size, uint Crc);

    /// <summary>Passes a record's bytes through to the archive, counting them and updating their CRC-32.</summary>
    private sealed class RecordStream(Stream inner) : Stream
    {
        private readonly Crc32 _crc = new();

        public long Written { get; private set; }

        public uint Crc => _crc.GetCurrentHashAsUInt32();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written;

        public override long Position
        {
            get => Written;
            set => throw new NotSupportedException();
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _crc.Append(buffer);
            inner.Write(buffer);
            Written += buffer.Length;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
