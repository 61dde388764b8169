using System.IO.Compression;
using System.Text;
using JengaFleet.Models.Checkpoints;
using JengaFleet.Models.Checkpoints.Pickle;
using JengaFleet.Testing;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace JengaFleet.Models.Tests.Checkpoints;

/// <summary>
/// The .pt writer: round trips through our reader, torch's zip layout (64-byte aligned records, a torch 2.11
/// archive reproduced byte for byte), CPython's pickle output, and byte-identity with writer-made assets that
/// real torch loaded (Assets/pytorch/check_writer_output.py).
/// </summary>
public class PyTorchCheckpointWriterTests
{
    private static readonly string Assets = Path.Combine(AppContext.BaseDirectory, "Assets", "pytorch");

    /// <summary>The writer-made assets torch 1.13 loaded, and the layout each was written with.</summary>
    public static TheoryData<string, string?> WriterAssets() => new()
    {
        { "writer_state_dict.pt", null },
        { "writer_deepspeed.pt", "module" },
    };

    public static TheoryData<string?> Layouts() => new(null, "module");

    private static void AssertSameTensor(Tensor expected, Tensor actual, string name)
    {
        Assert.Equal(expected.dtype, actual.dtype);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(expected.eq(actual).all().item<bool>(), $"{name}: values differ");
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Round_trips_every_dtype_with_names_order_and_shapes(string? wrapKey)
    {
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        var path = dir.File("model.pt");
        var tensors = WriterSamples.Tensors();
        PyTorchCheckpointWriter.Write(path, tensors, wrapKey);

        using var source = PyTorchCheckpointSource.Open(path, loadKey: wrapKey);
        Assert.Equal(wrapKey, source.SelectedKey);
        Assert.Equal(wrapKey is null ? tensors.Select(t => t.Name) : ["module"], source.TopLevelKeys);
        Assert.Equal(tensors.Select(t => t.Name), source.Selected.Items.Select(i => (string)i.Key));
        foreach (var (name, expected) in tensors)
        {
            Assert.Equal(expected.dtype, source.StoredType(name));
            Assert.Equal(expected.shape, source.Shape(name));
            AssertSameTensor(expected, source.Load(name, expected.dtype, CPU), name);
        }

        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void Writes_torch_records_in_torch_order_with_every_data_start_on_64_bytes()
    {
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        var path = dir.File("mp_rank_00_model_states.pt");
        var tensors = WriterSamples.Tensors();
        PyTorchCheckpointWriter.Write(path, tensors, "module");

        var bytes = File.ReadAllBytes(path);
        var records = ZipRecords.Read(bytes);
        var storages = Enumerable.Range(0, tensors.Count).Select(i => $"data/{i}");
        Assert.Equal(
            ["data.pkl", ".format_version", ".storage_alignment", "byteorder", .. storages, "version", ".data/serialization_id"],
            records.Select(r => r.Name["mp_rank_00_model_states/".Length..]));
        Assert.All(records, r => Assert.StartsWith("mp_rank_00_model_states/", r.Name, StringComparison.Ordinal));
        Assert.All(records, r => Assert.Equal(0, r.DataOffset % 64));
        Assert.All(records, r => Assert.Equal(0, r.Method));
        Assert.All(records, r => Assert.Equal(0x0808, r.Flags));

        string Text(string name)
        {
            var record = records.Single(r => r.Name.EndsWith("/" + name, StringComparison.Ordinal));
            return Encoding.ASCII.GetString(bytes, (int)record.DataOffset, (int)record.Size);
        }

        Assert.Equal("3\n", Text("version"));
        Assert.Equal("little", Text("byteorder"));
        Assert.Equal("64", Text(".storage_alignment"));
        Assert.Equal("1", Text(".format_version"));
        Assert.Matches("^[0-9]{40}$", Text(".data/serialization_id"));

        // Each storage holds exactly the tensor's raw bytes at its aligned offset (what a memory map would see).
        for (var i = 0; i < tensors.Count; i++)
        {
            var record = records.Single(r => r.Name.EndsWith($"/data/{i}", StringComparison.Ordinal));
            var tensor = tensors[i].Tensor;
            Assert.Equal(tensor.numel() * tensor.element_size(), record.Size);
            Assert.Equal(tensor.bytes.ToArray(), bytes.AsSpan((int)record.DataOffset, (int)record.Size).ToArray());
        }
    }

    [Fact]
    public void Reproduces_a_torch_2_archive_byte_for_byte_from_its_records()
    {
        var original = File.ReadAllBytes(Path.Combine(Assets, "state_dict_torch2.11.0.pt"));
        var records = ZipRecords.Read(original);
        byte[] Data(ZipRecords.Record r) => original.AsSpan((int)r.DataOffset, (int)r.Size).ToArray();
        const string prefix = "state_dict_torch2.11.0/";

        using var copy = new MemoryStream();
        var archive = new TorchArchiveWriter(copy, PyTorchCheckpointWriter.ArchiveName("/any/folder/state_dict_torch2.11.0.pt"));
        foreach (var record in records.Where(r => r.Name is not (prefix + "version" or prefix + ".data/serialization_id")))
            archive.WriteRecord(record.Name[prefix.Length..], Data(record));
        archive.Finish(Encoding.ASCII.GetString(Data(records.Single(r => r.Name == prefix + ".data/serialization_id"))));

        Assert.Equal(original, copy.ToArray());
    }

    [Theory]
    [MemberData(nameof(WriterAssets))]
    public void Output_is_byte_identical_to_the_asset_torch_loaded(string asset, string? wrapKey)
    {
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        var path = dir.File(asset);
        PyTorchCheckpointWriter.Write(path, WriterSamples.Tensors(), wrapKey);
        var expected = File.ReadAllBytes(Path.Combine(Assets, asset));
        var actual = File.ReadAllBytes(path);
        Assert.True(expected.AsSpan().SequenceEqual(actual),
            $"{asset}: the writer's output ({actual.Length} bytes) differs from the torch-checked asset ({expected.Length} bytes) " +
            $"from byte {expected.AsSpan().CommonPrefixLength(actual)}; if the format change is intended, regenerate the asset and rerun check_writer_output.py");
    }

    [Fact]
    public void A_module_saved_with_the_writer_loads_through_the_state_dict_loader()
    {
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        nn.Module<Tensor, Tensor> Model() => nn.Sequential(
            ("img_in", nn.Sequential(("proj", nn.Conv3d(2, 3, (1, 2, 2), stride: (1, 2, 2))))),
            ("norm", nn.BatchNorm1d(3)),
            ("final_layer", nn.Sequential(("linear", nn.Linear(3, 2)))));
        var saved = Model();
        using (no_grad())
        {
            foreach (var (_, buffer) in saved.named_buffers())
                buffer.add_(7); // running stats and the int64 counter differ from a fresh module's
        }

        var path = dir.File("mp_rank_00_model_states.pt");
        PyTorchCheckpointWriter.Write(path, saved.state_dict().Select(kv => (kv.Key, kv.Value)), "module");

        var loaded = Model();
        using (var source = PyTorchCheckpointSource.Open(path))
            StateDictLoader.Load(loaded, source);
        var expected = saved.state_dict();
        Assert.Equal(expected.Keys, loaded.state_dict().Keys);
        foreach (var (key, value) in loaded.state_dict())
            AssertSameTensor(expected[key], value, key);
    }

    [Fact]
    public void Many_tensors_cross_pickle_batches_and_the_short_memo()
    {
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        var path = dir.File("pytorch_model.pt");
        var tensors = WriterSamples.Many();
        PyTorchCheckpointWriter.Write(path, tensors);

        using var source = PyTorchCheckpointSource.Open(path);
        Assert.Equal(tensors.Select(t => t.Name), source.Selected.Items.Select(i => (string)i.Key));
        foreach (var i in new[] { 0, 255, 256, 999, 1000 })
            AssertSameTensor(tensors[i].Tensor, source.Load(tensors[i].Name, ScalarType.Byte, CPU), tensors[i].Name);

        // 1001 items: one SETITEMS batch of 1000 (MARK ... 'u') and a lone SETITEM ('s') before STOP; LONG_BINPUT ('r') past memo 255.
        using var zip = ZipFile.OpenRead(path);
        using var pickle = new MemoryStream();
        zip.GetEntry("pytorch_model/data.pkl")!.Open().CopyTo(pickle);
        var bytes = pickle.ToArray();
        Assert.Equal((byte)'.', bytes[^1]);
        Assert.Equal((byte)'s', bytes[^2]);
        Assert.Contains((byte)'u', bytes);
        Assert.Contains((byte)'r', bytes);
    }

    [Fact]
    public void Writes_the_files_check_writer_output_py_loads_in_torch()
    {
        // Set JENGAFLEET_PT_CHECK_OUT to a folder to keep the files for the python check.
        var keep = Environment.GetEnvironmentVariable("JENGAFLEET_PT_CHECK_OUT");
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        var folder = string.IsNullOrEmpty(keep) ? dir.Path : Directory.CreateDirectory(keep).FullName;
        var files = new (string File, List<(string Name, Tensor Tensor)> Tensors, string? WrapKey)[]
        {
            ("writer_state_dict.pt", WriterSamples.Tensors(), null),
            ("writer_deepspeed.pt", WriterSamples.Tensors(), "module"),
            ("writer_many.pt", WriterSamples.Many(), null),
        };
        foreach (var (file, tensors, wrapKey) in files)
        {
            var path = Path.Combine(folder, file);
            PyTorchCheckpointWriter.Write(path, tensors, wrapKey);
            using var source = PyTorchCheckpointSource.Open(path, wrapKey);
            Assert.Equal(tensors.Count, source.Names.Count);
        }
    }

    [Fact]
    public void Pickles_ints_tuples_and_strings_as_cpython_does()
    {
        // Expected bytes from CPython 3.11: pickle.dumps(obj, protocol=2) for the objects named in each case.
        static byte[] Pickled(Action<PickleWriter> write)
        {
            var writer = new PickleWriter();
            write(writer);
            return writer.Finish();
        }

        // (0, 255, 256, 65535, 65536, 2**31 - 1, 2**31, 2**40 + 1, -1, -2**31 - 1)
        long[] ints = [0, 255, 256, 65535, 65536, int.MaxValue, 1L << 31, (1L << 40) + 1, -1, -(1L << 31) - 1];
        Assert.Equal(
            Convert.FromHexString("8002" + "28" + "4b00" + "4bff" + "4d0001" + "4dffff" + "4a00000100" + "4affffff7f" +
                                  "8a050000008000" + "8a06010000000001" + "4affffffff" + "8a05ffffff7fff" + "747100" + "2e"),
            Pickled(p => p.IntTuple(ints)));
        // ('storage', 'storage', 'é')
        Assert.Equal(
            Convert.FromHexString("8002" + "5807000000" + "73746f72616765" + "7100" + "6800" + "5802000000c3a9" + "7101" + "87" + "7102" + "2e"),
            Pickled(p =>
            {
                p.BeginTuple(3);
                p.SharedString("storage");
                p.SharedString("storage");
                p.String("é");
                p.EndTuple(3);
            }));
        // ((), (7,)) and the empty dict {}
        Assert.Equal(Convert.FromHexString("8002294b07857100867101" + "2e"), Pickled(p =>
        {
            p.BeginTuple(2);
            p.IntTuple([]);
            p.IntTuple([7]);
            p.EndTuple(2);
        }));
        Assert.Equal(Convert.FromHexString("80027d71002e"), Pickled(p => p.EmptyDict()));
        Assert.Equal(ints, ((object?[])Unpickler.Load(Pickled(p => p.IntTuple(ints)), "test")!).Cast<long>());
    }

    [Fact]
    public void Streams_large_tensors_in_pieces_with_the_same_bytes()
    {
        using var scope = NewDisposeScope();
        var tensor = arange(1000, dtype: ScalarType.Float32).reshape(10, 100);
        using var whole = new MemoryStream();
        using var pieces = new MemoryStream();
        TensorMemory.WriteTo(tensor, whole);
        TensorMemory.WriteTo(tensor, pieces, pieceBytes: 12); // 3 floats a piece, the last one short
        Assert.Equal(4000, pieces.Length);
        Assert.Equal(whole.ToArray(), pieces.ToArray());
        Assert.Equal(tensor.bytes.ToArray(), whole.ToArray());
    }

    [Fact]
    public void Writes_views_and_non_contiguous_tensors_as_their_values()
    {
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        var base_ = arange(24, dtype: ScalarType.Float32).reshape(4, 6);
        var transposed = base_.t();
        var sliced = base_.narrow(1, 2, 3);
        var path = dir.File("views.pt");
        PyTorchCheckpointWriter.Write(path, [("t", transposed), ("s", sliced)]);
        using var source = PyTorchCheckpointSource.Open(path);
        AssertSameTensor(transposed.contiguous(), source.Load("t", ScalarType.Float32, CPU), "t");
        AssertSameTensor(sliced.contiguous(), source.Load("s", ScalarType.Float32, CPU), "s");
        Assert.True(source.Selected.Items.Select(i => (PickledTensor)i.Value!).All(t => t.IsContiguous && t.StorageOffset == 0));
    }

    [Fact]
    public void Rejects_bad_input_without_touching_an_existing_file()
    {
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        var path = dir.File("model.pt");
        File.WriteAllText(path, "keep me");

        Assert.Throws<ArgumentException>(() => PyTorchCheckpointWriter.Write(path, [("a", zeros(1)), ("a", zeros(2))]));
        Assert.Throws<ArgumentException>(() => PyTorchCheckpointWriter.Write(path, [("", zeros(1))]));
        Assert.Throws<ArgumentException>(() => PyTorchCheckpointWriter.Write(path, [("a", zeros(1))], wrapKey: ""));
        var complex = Assert.Throws<NotSupportedException>(() => PyTorchCheckpointWriter.Write(path, [("c", zeros(2, dtype: ScalarType.ComplexFloat32))]));
        Assert.Contains("ComplexFloat32", complex.Message);

        var disposed = zeros(3);
        disposed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => PyTorchCheckpointWriter.Write(path, [("d", disposed)]));

        Assert.Equal("keep me", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }
}
