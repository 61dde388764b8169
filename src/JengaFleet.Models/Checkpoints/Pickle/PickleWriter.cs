using System.Buffers.Binary;
using System.Text;

namespace JengaFleet.Models.Checkpoints.Pickle;

/// <summary>
/// Emits pickle protocol 2 opcode by opcode, the way CPython's pickler does for the objects a torch
/// checkpoint holds, so the bytes match what <c>torch.save</c> writes for the same object. The caller
/// drives the object walk; this class owns the opcodes and the memo: everything CPython memoizes
/// (strings, globals, non-empty tuples, dicts, REDUCE results) gets the next memo index, globals and
/// <see cref="SharedString"/>s are written once and fetched from the memo afterwards.
/// </summary>
public sealed class PickleWriter
{
    /// <summary>CPython's pickler splits dict items into SETITEMS groups of this size.</summary>
    public const int SetItemsBatch = 1000;

    private readonly MemoryStream _buffer = new();
    private readonly Dictionary<string, int> _globals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _sharedStrings = new(StringComparer.Ordinal);
    private int _memoCount;

    public PickleWriter()
    {
        _buffer.Write([0x80, 2]); // PROTO 2
    }

    /// <summary>Pushes <c>module.name</c> (GLOBAL the first time, then from the memo).</summary>
    public void Global(string module, string name)
    {
        var key = module + "\n" + name;
        if (_globals.TryGetValue(key, out var index))
        {
            Get(index);
            return;
        }

        _buffer.WriteByte((byte)'c');
        WriteAscii(module);
        _buffer.WriteByte((byte)'\n');
        WriteAscii(name);
        _buffer.WriteByte((byte)'\n');
        _globals[key] = Memoize();
    }

    /// <summary>Pushes a new string object (BINUNICODE, memoized).</summary>
    public void String(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        _buffer.WriteByte((byte)'X');
        WriteUInt32((uint)bytes.Length);
        _buffer.Write(bytes);
        Memoize();
    }

    /// <summary>
    /// Pushes a string that Python code reuses as one object (a literal such as <c>'storage'</c> or
    /// <c>'cpu'</c>): written the first time, fetched from the memo afterwards.
    /// </summary>
    public void SharedString(string value)
    {
        if (_sharedStrings.TryGetValue(value, out var index))
            Get(index);
        else
        {
            String(value);
            _sharedStrings[value] = _memoCount - 1;
        }
    }

    /// <summary>Pushes an int with the shortest opcode CPython picks (BININT1/BININT2/BININT, else LONG1).</summary>
    public void Int(long value)
    {
        if (value is >= 0 and <= 0xff)
        {
            _buffer.WriteByte((byte)'K');
            _buffer.WriteByte((byte)value);
        }
        else if (value is >= 0 and <= 0xffff)
        {
            _buffer.WriteByte((byte)'M');
            Span<byte> bytes = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)value);
            _buffer.Write(bytes);
        }
        else if (value is >= int.MinValue and <= int.MaxValue)
        {
            _buffer.WriteByte((byte)'J');
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(bytes, (int)value);
            _buffer.Write(bytes);
        }
        else
        {
            var encoded = LongBytes(value);
            _buffer.WriteByte(0x8a); // LONG1
            _buffer.WriteByte((byte)encoded.Length);
            _buffer.Write(encoded);
        }
    }

    public void False() => _buffer.WriteByte(0x89); // NEWFALSE

    public void None() => _buffer.WriteByte((byte)'N');

    /// <summary>Starts a tuple of <paramref name="count"/> items (a MARK only for more than three).</summary>
    public void BeginTuple(int count)
    {
        if (count > 3)
            Mark();
    }

    /// <summary>Closes a tuple of <paramref name="count"/> items pushed since <see cref="BeginTuple"/>.</summary>
    public void EndTuple(int count)
    {
        switch (count)
        {
            case 0: _buffer.WriteByte((byte)')'); return; // EMPTY_TUPLE (the shared empty tuple: not memoized)
            case 1: _buffer.WriteByte(0x85); break;         // TUPLE1
            case 2: _buffer.WriteByte(0x86); break;         // TUPLE2
            case 3: _buffer.WriteByte(0x87); break;         // TUPLE3
            default: _buffer.WriteByte((byte)'t'); break;   // TUPLE
        }

        Memoize();
    }

    /// <summary>Pushes a tuple of ints (a torch size or stride).</summary>
    public void IntTuple(IReadOnlyList<long> values)
    {
        BeginTuple(values.Count);
        foreach (var value in values)
            Int(value);
        EndTuple(values.Count);
    }

    /// <summary>Pushes a new empty dict (EMPTY_DICT, memoized).</summary>
    public void EmptyDict()
    {
        _buffer.WriteByte((byte)'}');
        Memoize();
    }

    /// <summary>Calls the callable below the argument tuple on the stack (REDUCE, result memoized).</summary>
    public void Reduce()
    {
        _buffer.WriteByte((byte)'R');
        Memoize();
    }

    /// <summary>Turns the tuple on the stack into an object through the persistent-id hook (BINPERSID).</summary>
    public void PersistentId() => _buffer.WriteByte((byte)'Q');

    /// <summary>
    /// Adds <paramref name="count"/> key/value pairs to the dict on the stack, as CPython batches them:
    /// groups of up to 1000 between MARK and SETITEMS, a group of one as a plain SETITEM.
    /// <paramref name="writePair"/> pushes the key, then the value, of pair i.
    /// </summary>
    public void SetItems(int count, Action<int> writePair)
    {
        for (var start = 0; start < count; start += SetItemsBatch)
        {
            var size = Math.Min(SetItemsBatch, count - start);
            if (size > 1)
                Mark();
            for (var i = start; i < start + size; i++)
                writePair(i);
            _buffer.WriteByte(size > 1 ? (byte)'u' : (byte)'s');
        }
    }

    /// <summary>Ends the pickle (STOP) and returns its bytes.</summary>
    public byte[] Finish()
    {
        _buffer.WriteByte((byte)'.');
        return _buffer.ToArray();
    }

    /// <summary>Minimal little-endian two's complement bytes of <paramref name="value"/>, as pickle's LONG1 holds them.</summary>
    internal static byte[] LongBytes(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        var length = 8;
        // Drop a top byte that only repeats the sign of the byte below it.
        while (length > 1 && ((bytes[length - 1] == 0 && bytes[length - 2] < 0x80) || (bytes[length - 1] == 0xff && bytes[length - 2] >= 0x80)))
            length--;
        return bytes[..length];
    }

    private void Mark() => _buffer.WriteByte((byte)'(');

    private int Memoize()
    {
        var index = _memoCount++;
        if (index < 256)
        {
            _buffer.WriteByte((byte)'q'); // BINPUT
            _buffer.WriteByte((byte)index);
        }
        else
        {
            _buffer.WriteByte((byte)'r'); // LONG_BINPUT
            WriteUInt32((uint)index);
        }

        return index;
    }

    private void Get(int index)
    {
        if (index < 256)
        {
            _buffer.WriteByte((byte)'h'); // BINGET
            _buffer.WriteByte((byte)index);
        }
        else
        {
            _buffer.WriteByte((byte)'j'); // LONG_BINGET
            WriteUInt32((uint)index);
        }
    }

    private void WriteUInt32(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        _buffer.Write(bytes);
    }

    private void WriteAscii(string text)
    {
        if (text.Contains('\n'))
            throw new ArgumentException($"a pickle GLOBAL name cannot contain a newline: '{text}'", nameof(text));
        _buffer.Write(Encoding.UTF8.GetBytes(text));
    }
}
