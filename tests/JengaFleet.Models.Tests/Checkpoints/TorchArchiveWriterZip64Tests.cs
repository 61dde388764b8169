using System.Buffers.Binary;
using JengaFleet.Models.Checkpoints;
using Xunit;

namespace JengaFleet.Models.Tests.Checkpoints;

/// <summary>
/// Records of 4 GiB and more, and records past the 4 GiB offset, get zip64 fields as torch's writer gives them,
/// and stay 64-byte aligned. The archive goes to a stream that keeps only the small writes (headers), so the
/// test needs no 4 GiB of memory or disk.
/// </summary>
public class TorchArchiveWriterZip64Tests
{
    [Fact]
    public void Large_records_and_offsets_get_zip64_fields_and_stay_aligned()
    {
        const long bigSize = (4L << 30) + 100;
        using var capture = new HeaderCapture();
        var archive = new TorchArchiveWriter(capture, "mp_rank_00_model_states");
        archive.WriteRecord("data.pkl", [0x80, 0x02, 0x2e]);
        archive.WriteRecord("data/0", bigSize, stream =>
        {
            var zeros = new byte[HeaderCapture.DropAtLeast];
            for (var left = bigSize; left > 0; left -= zeros.Length)
                stream.Write(zeros, 0, (int)Math.Min(zeros.Length, left));
        });
        archive.WriteRecord("data/1", "abc"u8);
        archive.Finish();

        var records = ZipRecords.Read(capture.Length, capture.ReadAt);
        Assert.Equal(
            ["data.pkl", "data/0", "data/1", "version", ".data/serialization_id"],
            records.Select(r => r.Name["mp_rank_00_model_states/".Length..]));
        Assert.All(records, r => Assert.Equal(0, r.DataOffset % 64));

        var small = records[0];
        Assert.Empty(ZipRecords.Zip64Values(small.LocalExtra));
        Assert.Empty(small.CentralExtra);

        var big = records[1];
        Assert.Equal(bigSize, big.Size);
        Assert.Equal(uint.MaxValue, big.CentralSize);
        Assert.Equal([bigSize, bigSize], ZipRecords.Zip64Values(big.CentralExtra));
        Assert.Equal([bigSize, bigSize], ZipRecords.Zip64Values(big.LocalExtra));
        var descriptor = capture.ReadAt(big.DataOffset + bigSize, 24);
        Assert.Equal(0x08074b50u, BinaryPrimitives.ReadUInt32LittleEndian(descriptor));
        Assert.Equal(big.Crc, BinaryPrimitives.ReadUInt32LittleEndian(descriptor.AsSpan(4)));
        Assert.Equal(bigSize, BinaryPrimitives.ReadInt64LittleEndian(descriptor.AsSpan(8)));
        Assert.Equal(bigSize, BinaryPrimitives.ReadInt64LittleEndian(descriptor.AsSpan(16)));
        Assert.Equal(big.DataOffset + bigSize + 24, records[2].HeaderOffset);

        var past = records[2];
        Assert.True(past.HeaderOffset > uint.MaxValue);
        Assert.Equal(3, past.Size);
        Assert.Equal(uint.MaxValue, past.CentralOffset);
        Assert.Equal([past.HeaderOffset], ZipRecords.Zip64Values(past.CentralExtra));
        Assert.Equal([past.HeaderOffset], ZipRecords.Zip64Values(past.LocalExtra));
        Assert.Equal("abc"u8.ToArray(), capture.ReadAt(past.DataOffset, 3));
        Assert.Equal(0x08074b50u, BinaryPrimitives.ReadUInt32LittleEndian(capture.ReadAt(past.DataOffset + 3, 24)));
        Assert.Equal(3L, BinaryPrimitives.ReadInt64LittleEndian(capture.ReadAt(past.DataOffset + 3 + 8, 8)));

        var end = capture.ReadAt(capture.Length - 22, 22);
        Assert.Equal(uint.MaxValue, BinaryPrimitives.ReadUInt32LittleEndian(end.AsSpan(16))); // directory offset moved to zip64
    }

    /// <summary>A write-only stream that keeps writes below 1 MiB with their offsets and only counts larger ones.</summary>
    private sealed class HeaderCapture : Stream
    {
        public const int DropAtLeast = 1 << 20;

        private readonly SortedList<long, byte[]> _kept = [];
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position
        {
            get => _length;
            set => throw new NotSupportedException();
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (buffer.Length is > 0 and < DropAtLeast)
                _kept.Add(_length, buffer.ToArray());
            _length += buffer.Length;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        /// <summary>Bytes at <paramref name="offset"/> from consecutive kept writes (fails on dropped ones).</summary>
        public byte[] ReadAt(long offset, int count)
        {
            var result = new byte[count];
            var done = 0;
            while (done < count)
            {
                var at = offset + done;
                var key = _kept.Keys.LastOrDefault(k => k <= at, -1);
                if (key < 0 || key + _kept[key].Length <= at)
                    throw new InvalidOperationException($"byte {at} was not kept");
                var chunk = _kept[key].AsSpan((int)(at - key));
                var n = Math.Min(chunk.Length, count - done);
                chunk[..n].CopyTo(result.AsSpan(done));
                done += n;
            }

            return result;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
