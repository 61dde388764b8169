using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace JengaFleet.Models.Checkpoints.Pickle;

/// <summary>
/// A restricted reader of Python pickles (protocols 2-5) for torch checkpoints. It never executes anything:
/// globals become <see cref="PyGlobal"/> names, and the few callables torch files use are interpreted
/// (<c>collections.OrderedDict</c>, <c>torch._utils._rebuild_tensor_v2</c>/<c>_v3</c>,
/// <c>_rebuild_parameter</c>, <c>torch.Size</c>, <c>set</c>, <c>_codecs.encode</c>); any other call becomes a
/// <see cref="PyObject"/>. Values: None -> null, bool, long or <see cref="BigInteger"/>, double, string,
/// byte[], list -> <c>List&lt;object?&gt;</c>, tuple -> <c>object?[]</c>, dict -> <see cref="PyDict"/>.
/// Persistent ids <c>('storage', type, key, location, numel)</c> become <see cref="StorageRef"/>.
/// </summary>
public sealed class Unpickler
{
    private readonly byte[] _data;
    private readonly string _source;
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = new();
    private int _position;

    private Unpickler(byte[] data, string source)
    {
        _data = data;
        _source = source;
    }

    /// <param name="source">Names the pickle in error messages.</param>
    public static object? Load(byte[] data, string source) => new Unpickler(data, source).Run();

    private object? Run()
    {
        while (true)
        {
            var at = _position;
            var op = ReadByte();
            switch (op)
            {
                case 0x80: ReadByte(); break;                                   // PROTO
                case 0x95: Read(8); break;                                      // FRAME
                case 0x2e: return Pop();                                        // STOP
                case 0x28: _marks.Push(_stack.Count); break;                    // MARK
                case 0x30: Pop(); break;                                        // POP
                case 0x31: PopMark(); break;                                    // POP_MARK
                case 0x32: Push(Peek()); break;                                 // DUP
                case 0x7d: Push(new PyDict()); break;                           // EMPTY_DICT
                case 0x5d: Push(new List<object?>()); break;                    // EMPTY_LIST
                case 0x29: Push(Array.Empty<object?>()); break;                 // EMPTY_TUPLE
                case 0x8f: Push(new List<object?>()); break;                    // EMPTY_SET
                case 0x64: Push(DictOf(PopMark())); break;                      // DICT
                case 0x6c: Push(PopMark().ToList()); break;                     // LIST
                case 0x74: Push(PopMark()); break;                              // TUPLE
                case 0x85: Push(PopMany(1)); break;                             // TUPLE1
                case 0x86: Push(PopMany(2)); break;                             // TUPLE2
                case 0x87: Push(PopMany(3)); break;                             // TUPLE3
                case 0x91: Push(PopMark().ToList()); break;                     // FROZENSET
                case 0x73: { var v = Pop(); var k = Pop(); SetItem(Peek(), k, v, at); break; } // SETITEM
                case 0x75: { var items = PopMark(); for (var i = 0; i + 1 < items.Length; i += 2) SetItem(Peek(), items[i], items[i + 1], at); break; } // SETITEMS
                case 0x61: { var item = Pop(); Append(Peek(), [item], at); break; } // APPEND
                case 0x65:                                                      // APPENDS
                case 0x90: { var items = PopMark(); Append(Peek(), items, at); break; } // ADDITEMS
                case 0x58: Push(Utf8(ReadLength(4))); break;                    // BINUNICODE
                case 0x8c: Push(Utf8(ReadLength(1))); break;                    // SHORT_BINUNICODE
                case 0x8d: Push(Utf8(ReadLength(8))); break;                    // BINUNICODE8
                case 0x54: Push(Encoding.Latin1.GetString(Read(ReadLength(4)))); break; // BINSTRING
                case 0x55: Push(Encoding.Latin1.GetString(Read(ReadLength(1)))); break; // SHORT_BINSTRING
                case 0x42: Push(Read(ReadLength(4)).ToArray()); break;          // BINBYTES
                case 0x43: Push(Read(ReadLength(1)).ToArray()); break;          // SHORT_BINBYTES
                case 0x8e:                                                      // BINBYTES8
                case 0x96: Push(Read(ReadLength(8)).ToArray()); break;          // BYTEARRAY8
                case 0x4a: Push((long)BinaryPrimitives.ReadInt32LittleEndian(Read(4))); break; // BININT
                case 0x4b: Push((long)ReadByte()); break;                       // BININT1
                case 0x4d: Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Read(2))); break; // BININT2
                case 0x8a: Push(Long(Read(ReadLength(1)))); break;              // LONG1
                case 0x8b: Push(Long(Read(ReadLength(4)))); break;              // LONG4
                case 0x47: Push(BinaryPrimitives.ReadDoubleBigEndian(Read(8))); break; // BINFLOAT
                case 0x4e: Push(null); break;                                   // NONE
                case 0x88: Push(true); break;                                   // NEWTRUE
                case 0x89: Push(false); break;                                  // NEWFALSE
                case 0x71: _memo[ReadByte()] = Peek(); break;                   // BINPUT
                case 0x72: _memo[BinaryPrimitives.ReadUInt32LittleEndian(Read(4))] = Peek(); break; // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = Peek(); break;                  // MEMOIZE
                case 0x68: Push(Memo(ReadByte(), at)); break;                   // BINGET
                case 0x6a: Push(Memo(BinaryPrimitives.ReadUInt32LittleEndian(Read(4)), at)); break; // LONG_BINGET
                case 0x63: Push(new PyGlobal(ReadLine(), ReadLine())); break;   // GLOBAL
                case 0x93: { var name = (string)Pop()!; var module = (string)Pop()!; Push(new PyGlobal(module, name)); break; } // STACK_GLOBAL
                case 0x52: { var args = AsTuple(Pop(), at); var callable = Pop(); Push(Call(callable, args, at)); break; } // REDUCE
                case 0x81: { var args = AsTuple(Pop(), at); var cls = Pop(); Push(Call(cls, args, at)); break; } // NEWOBJ
                case 0x92: { Pop(); var args = AsTuple(Pop(), at); var cls = Pop(); Push(Call(cls, args, at)); break; } // NEWOBJ_EX
                case 0x62: { var state = Pop(); Build(Peek(), state); break; }  // BUILD
                case 0x51: Push(PersistentLoad(Pop(), at)); break;              // BINPERSID
                default:
                    throw Error(at, $"unsupported pickle opcode 0x{op:x2}");
            }
        }
    }

    private object? Call(object? callable, object?[] args, int at)
    {
        if (callable is not PyGlobal global)
            throw Error(at, $"call of a non-global {callable}");
        switch (global.FullName)
        {
            case "collections.OrderedDict":
            case "builtins.dict":
            case "__builtin__.dict":
                return args.Length > 0 && args[0] is IEnumerable<object?> pairs ? DictOf(pairs.SelectMany(p => (object?[])p!).ToArray()) : new PyDict();
            case "torch._utils._rebuild_tensor_v2":
            case "torch._utils._rebuild_tensor_v3":
                return RebuildTensor(args, at);
            case "torch._utils._rebuild_parameter":
            case "torch._utils._rebuild_parameter_with_state":
                return args[0];
            case "torch.Size":
                return args.Length == 0 ? Array.Empty<object?>() : AsTuple(args[0], at);
            case "builtins.set":
            case "builtins.frozenset":
            case "__builtin__.set":
                return args.Length == 0 ? new List<object?>() : ((IEnumerable<object?>)args[0]!).ToList();
            case "_codecs.encode":
                return Encoding.Latin1.GetBytes((string)args[0]!);
            case "builtins.bytearray":
            case "__builtin__.bytearray":
                return args.Length == 0 ? Array.Empty<byte>() : args[0] is string s ? Encoding.Latin1.GetBytes(s) : args[0];
            default:
                return new PyObject(global, args);
        }
    }

    private PickledTensor RebuildTensor(object?[] args, int at)
    {
        if (args.Length < 4 || args[0] is not StorageRef storage)
            throw Error(at, "_rebuild_tensor arguments are not (storage, offset, size, stride, ...)");
        var offset = ToLong(args[1], at);
        var shape = AsTuple(args[2], at).Select(v => ToLong(v, at)).ToArray();
        var stride = AsTuple(args[3], at).Select(v => ToLong(v, at)).ToArray();
        if (shape.Length != stride.Length)
            throw Error(at, $"tensor size [{string.Join(", ", shape)}] and stride [{string.Join(", ", stride)}] differ in rank");
        return new PickledTensor(storage, offset, shape, stride);
    }

    private StorageRef PersistentLoad(object? pid, int at)
    {
        var parts = pid as object?[] ?? throw Error(at, $"persistent id {pid} is not a tuple");
        if (parts.Length < 5 || parts[0] as string != "storage")
            throw Error(at, "persistent id is not ('storage', type, key, location, numel)");
        var type = parts[1] switch
        {
            PyGlobal g => g.Name,
            string s => s,
            var other => throw Error(at, $"storage type {other} is not a torch storage class"),
        };
        return new StorageRef(
            parts[2] as string ?? Convert.ToString(parts[2], System.Globalization.CultureInfo.InvariantCulture)!,
            type,
            parts[3] as string ?? "",
            ToLong(parts[4], at));
    }

    private static void Build(object? target, object? state)
    {
        switch (target)
        {
            case PyObject obj: obj.State = state; break;
            case PyDict dict: dict.State = state; break;
        }
    }

    private void SetItem(object? target, object? key, object? value, int at)
    {
        if (target is not PyDict dict)
            throw Error(at, $"SETITEM on {target?.GetType().Name ?? "None"}");
        dict.Set(Key(key), value);
    }

    private void Append(object? target, object?[] items, int at)
    {
        if (target is List<object?> list)
            list.AddRange(items);
        else if (target is PyObject obj)
            obj.State = items; // list subclasses: keep the items as state
        else
            throw Error(at, $"APPEND on {target?.GetType().Name ?? "None"}");
    }

    private static PyDict DictOf(object?[] items)
    {
        var dict = new PyDict();
        for (var i = 0; i + 1 < items.Length; i += 2)
            dict.Set(Key(items[i]), items[i + 1]);
        return dict;
    }

    /// <summary>Dictionary keys: tuples compare by value.</summary>
    private static object Key(object? key) => key switch
    {
        null => "None",
        object?[] tuple => string.Join("\u001f", tuple.Select(t => t?.ToString())),
        _ => key,
    };

    private static object Long(ReadOnlySpan<byte> littleEndianTwosComplement)
    {
        var value = new BigInteger(littleEndianTwosComplement, isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value; // (object): else the ternary makes every value a BigInteger
    }

    private long ToLong(object? value, int at) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw Error(at, $"expected an integer, got {value ?? "None"}"),
    };

    private object?[] AsTuple(object? value, int at) => value switch
    {
        object?[] tuple => tuple,
        List<object?> list => list.ToArray(),
        _ => throw Error(at, $"expected a tuple, got {value ?? "None"}"),
    };

    private object? Memo(long index, int at) =>
        _memo.TryGetValue(index, out var value) ? value : throw Error(at, $"memo entry {index} was never stored");

    private void Push(object? value) => _stack.Add(value);

    private object? Peek() => _stack.Count > 0 ? _stack[^1] : throw Error(_position, "stack underflow");

    private object? Pop()
    {
        var value = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object?[] PopMany(int count)
    {
        if (_stack.Count < count)
            throw Error(_position, "stack underflow");
        var items = _stack.GetRange(_stack.Count - count, count).ToArray();
        _stack.RemoveRange(_stack.Count - count, count);
        return items;
    }

    private object?[] PopMark()
    {
        if (_marks.Count == 0)
            throw Error(_position, "no MARK on the stack");
        var start = _marks.Pop();
        return PopMany(_stack.Count - start);
    }

    private byte ReadByte() => Read(1)[0];

    private ReadOnlySpan<byte> Read(long count)
    {
        if (count < 0 || _position + count > _data.Length)
            throw Error(_position, "truncated pickle");
        var span = _data.AsSpan(_position, (int)count);
        _position += (int)count;
        return span;
    }

    private long ReadLength(int bytes) => bytes switch
    {
        1 => ReadByte(),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(Read(4)),
        _ => checked((long)BinaryPrimitives.ReadUInt64LittleEndian(Read(8))),
    };

    private string Utf8(long length) => Encoding.UTF8.GetString(Read(length));

    private string ReadLine()
    {
        var end = Array.IndexOf(_data, (byte)'\n', _position);
        if (end < 0)
            throw Error(_position, "unterminated GLOBAL line");
        var line = Encoding.UTF8.GetString(_data, _position, end - _position);
        _position = end + 1;
        return line;
    }

    private InvalidDataException Error(int at, string message) => new($"{_source}: {message} (pickle byte {at})");
}
