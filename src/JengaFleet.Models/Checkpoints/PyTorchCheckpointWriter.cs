using JengaFleet.Models.Checkpoints.Pickle;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Models.Checkpoints;

/// <summary>
/// Writes named tensors as a PyTorch checkpoint in the zip format of <c>torch.save</c> (torch ≥ 1.6), laid out
/// record for record as torch 2.x writes it, so <c>torch.load</c> and <see cref="PyTorchCheckpointSource"/> read it:
/// <c>&lt;archive&gt;/data.pkl</c> (pickle protocol 2 of an <c>OrderedDict</c> of tensors, optionally wrapped in a
/// dict such as DeepSpeed's <c>{"module": ...}</c>), <c>.format_version</c>, <c>.storage_alignment</c>,
/// <c>byteorder</c>, one <c>data/&lt;i&gt;</c> storage per tensor (raw little-endian bytes, 64-byte aligned),
/// <c>version</c> and <c>.data/serialization_id</c>. The archive folder is the file name without its extension,
/// as torch names it. The same input always gives the same bytes.
/// </summary>
/// <remarks>
/// Each tensor becomes a contiguous storage of its own (offset 0, row-major strides, <c>requires_grad=False</c>),
/// which is what <c>torch.save(module.state_dict())</c> writes for ordinary modules. Tensors may live on any
/// device; they are copied to contiguous CPU memory one at a time and streamed into the file, so host memory
/// stays near one tensor. Supported dtypes: float32, float16, bfloat16, float64, int64, int32, int16, int8,
/// uint8, bool.
/// </remarks>
public static class PyTorchCheckpointWriter
{
    /// <summary>
    /// Writes <paramref name="tensors"/> (in order) to <paramref name="path"/>; with <paramref name="wrapKey"/>
    /// (e.g. <c>"module"</c> for DeepSpeed's <c>mp_rank_00_model_states.pt</c>) the state dict is the only entry
    /// of a top-level dict under that key, otherwise it is the top-level object. The file is written to a
    /// temporary name next to <paramref name="path"/> and renamed when complete.
    /// </summary>
    /// <exception cref="ArgumentException">A name is empty or repeated, or <paramref name="wrapKey"/> is empty.</exception>
    /// <exception cref="NotSupportedException">A tensor's dtype has no torch storage type here.</exception>
    public static void Write(string path, IEnumerable<(string Name, Tensor Tensor)> tensors, string? wrapKey = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var entries = Describe(tensors, wrapKey);
        var full = System.IO.Path.GetFullPath(path);
        var temp = full + $".{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 20))
                Write(stream, ArchiveName(full), entries, wrapKey);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
                // best effort: the original error matters more
            }

            throw;
        }
    }

    /// <summary>The folder name torch gives the records: the file name up to its last dot.</summary>
    internal static string ArchiveName(string path)
    {
        var name = System.IO.Path.GetFileNameWithoutExtension(path);
        return name.Length > 0 ? name : "archive";
    }

    /// <summary>One tensor to write: its name, the tensor, torch's storage class and its shape.</summary>
    internal sealed record Entry(string Name, Tensor Tensor, string StorageType, long[] Shape)
    {
        public long ElementCount => Shape.Aggregate(1L, (a, b) => checked(a * b));

        public long ByteCount => checked(ElementCount * Tensor.element_size());
    }

    internal static IReadOnlyList<Entry> Describe(IEnumerable<(string Name, Tensor Tensor)> tensors, string? wrapKey)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (wrapKey is { Length: 0 })
            throw new ArgumentException("the wrap key must not be empty (pass null for a bare state dict)", nameof(wrapKey));
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("torch checkpoints are written from little-endian memory only");

        var names = new HashSet<string>(StringComparer.Ordinal);
        var entries = new List<Entry>();
        foreach (var (name, tensor) in tensors)
        {
            ArgumentNullException.ThrowIfNull(tensor);
            if (string.IsNullOrEmpty(name))
                throw new ArgumentException("a tensor name must not be empty", nameof(tensors));
            if (!names.Add(name))
                throw new ArgumentException($"a tensor named '{name}' was given twice", nameof(tensors));
            if (tensor.IsInvalid)
                throw new ObjectDisposedException($"tensor '{name}' is disposed");
            entries.Add(new Entry(name, tensor, StorageTypes.StorageName(tensor.dtype), tensor.shape));
        }

        return entries;
    }

    /// <summary>Writes the archive to a stream (from its current position); the entries' tensors must stay alive until it returns.</summary>
    internal static void Write(Stream stream, string archiveName, IReadOnlyList<Entry> entries, string? wrapKey)
    {
        var archive = new TorchArchiveWriter(stream, archiveName);
        archive.WriteRecord("data.pkl", Pickle(entries, wrapKey));
        archive.WriteRecord(".format_version", "1"u8);
        archive.WriteRecord(".storage_alignment", "64"u8);
        archive.WriteRecord("byteorder", "little"u8);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            archive.WriteRecord(StorageKey(i, "data/"), entry.ByteCount, destination => WriteStorage(entry, destination));
        }

        archive.Finish();
    }

    /// <summary>The pickle torch writes for the same object (keys <c>"0"</c>, <c>"1"</c>, ... in order).</summary>
    internal static byte[] Pickle(IReadOnlyList<Entry> entries, string? wrapKey)
    {
        var pickle = new PickleWriter();
        if (wrapKey is null)
            StateDict(pickle, entries);
        else
        {
            pickle.EmptyDict();
            pickle.SetItems(1, _ =>
            {
                pickle.String(wrapKey);
                StateDict(pickle, entries);
            });
        }

        return pickle.Finish();
    }

    // OrderedDict() followed by its items, as OrderedDict.__reduce__ pickles it.
    private static void StateDict(PickleWriter pickle, IReadOnlyList<Entry> entries)
    {
        EmptyOrderedDict(pickle);
        pickle.SetItems(entries.Count, i =>
        {
            pickle.String(entries[i].Name);
            Tensor(pickle, entries[i], StorageKey(i));
        });
    }

    // torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks)
    private static void Tensor(PickleWriter pickle, Entry entry, string storageKey)
    {
        pickle.Global("torch._utils", "_rebuild_tensor_v2");
        pickle.BeginTuple(6);

        // persistent id ('storage', torch.<Type>Storage, key, location, numel), resolved by torch.load to the data/<key> record
        pickle.BeginTuple(5);
        pickle.SharedString("storage");
        pickle.Global("torch", entry.StorageType);
        pickle.String(storageKey);
        pickle.SharedString("cpu");
        pickle.Int(entry.ElementCount);
        pickle.EndTuple(5);
        pickle.PersistentId();

        pickle.Int(0);
        pickle.IntTuple(entry.Shape);
        pickle.IntTuple(ContiguousStrides(entry.Shape));
        pickle.False();
        EmptyOrderedDict(pickle);
        pickle.EndTuple(6);
        pickle.Reduce();
    }

    private static void EmptyOrderedDict(PickleWriter pickle)
    {
        pickle.Global("collections", "OrderedDict");
        pickle.EndTuple(0);
        pickle.Reduce();
    }

    /// <summary>Row-major strides as torch computes them: stride[d] = stride[d+1]·max(size[d+1], 1).</summary>
    internal static long[] ContiguousStrides(long[] shape)
    {
        var strides = new long[shape.Length];
        long stride = 1;
        for (var d = shape.Length - 1; d >= 0; d--)
        {
            strides[d] = stride;
            stride = checked(stride * Math.Max(shape[d], 1));
        }

        return strides;
    }

    private static string StorageKey(int index, string prefix = "") => prefix + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void WriteStorage(Entry entry, Stream destination)
    {
        var tensor = entry.Tensor;
        if (tensor.IsInvalid)
            throw new ObjectDisposedException($"tensor '{entry.Name}' was disposed while the checkpoint was written");
        if (!tensor.shape.SequenceEqual(entry.Shape) || StorageTypes.StorageName(tensor.dtype) != entry.StorageType)
            throw new InvalidOperationException($"tensor '{entry.Name}' changed shape or dtype while the checkpoint was written");

        using var scope = NewDisposeScope();
        var host = tensor.device_type == DeviceType.CPU ? tensor : tensor.cpu();
        if (!host.is_contiguous())
            host = host.contiguous();
        TensorMemory.WriteTo(host, destination);
    }
}
