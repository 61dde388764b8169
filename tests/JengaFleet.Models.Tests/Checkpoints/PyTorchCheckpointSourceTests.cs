using JengaFleet.Jenga.SafeTensors;
using JengaFleet.Models.Checkpoints;
using JengaFleet.Testing;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace JengaFleet.Models.Tests.Checkpoints;

/// <summary>
/// The .pt reader on files written by real torch.save (torch 1.13 and 2.11, see Assets/pytorch/make_pt_assets.py):
/// every value follows seq(shape) = (i - 5) * 0.25 over the flattened index i.
/// </summary>
public class PyTorchCheckpointSourceTests
{
    private static readonly string Assets = Path.Combine(AppContext.BaseDirectory, "Assets", "pytorch");

    public static TheoryData<string> StateDicts() => new(Directory.GetFiles(Assets, "state_dict_torch*.pt").Select(Path.GetFileName).Order()!);

    public static TheoryData<string> DeepSpeedFiles() => new(Directory.GetFiles(Assets, "deepspeed_torch*.pt").Select(Path.GetFileName).Order()!);

    private static Tensor Seq(params long[] shape) =>
        arange(shape.Aggregate(1L, (a, b) => a * b), dtype: ScalarType.Float64).sub(5).mul(0.25).reshape(shape);

    private static void AssertEqual(Tensor expected, Tensor actual, string name)
    {
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(expected.to(ScalarType.Float64).eq(actual.to(ScalarType.Float64)).all().item<bool>(), $"{name} values differ");
    }

    [Fact]
    public void Assets_from_two_torch_versions_are_present()
    {
        Assert.True(StateDicts().Count >= 2, $"expected state dicts from torch 1.x and 2.x in {Assets}");
        Assert.True(DeepSpeedFiles().Count >= 2);
    }

    [Theory]
    [MemberData(nameof(StateDicts))]
    public void Reads_every_dtype_view_and_stride_of_a_bare_state_dict(string file)
    {
        using var scope = NewDisposeScope();
        using var source = PyTorchCheckpointSource.Open(Path.Combine(Assets, file));
        Assert.Null(source.SelectedKey);
        Assert.Equal(["base", "bf16", "bool", "conv", "f16", "f32", "f64", "i64", "scalar", "strided", "transposed", "u8", "view_offset"], source.Names.Order(StringComparer.Ordinal));

        Tensor F32(string name) => source.Load(name, ScalarType.Float32, CPU);
        AssertEqual(Seq(3, 4), F32("f32"), "f32");
        AssertEqual(Seq(2, 3), F32("f16"), "f16");
        AssertEqual(Seq(4), F32("bf16"), "bf16");
        AssertEqual(Seq(2, 2), source.Load("f64", ScalarType.Float64, CPU), "f64");
        AssertEqual(Seq(4, 2, 1, 2, 2), F32("conv"), "conv");
        AssertEqual(arange(5, dtype: ScalarType.Int64).sub(2), source.Load("i64", ScalarType.Int64, CPU), "i64");
        AssertEqual(arange(4, dtype: ScalarType.Byte), source.Load("u8", ScalarType.Byte, CPU), "u8");
        AssertEqual(tensor(new[] { true, false, true }), source.Load("bool", ScalarType.Bool, CPU), "bool");
        AssertEqual(tensor(2.5), F32("scalar"), "scalar");

        var baseline = Seq(20);
        AssertEqual(baseline, F32("base"), "base");
        AssertEqual(baseline.narrow(0, 7, 6), F32("view_offset"), "view_offset");
        AssertEqual(baseline.narrow(0, 2, 12).view(3, 4).narrow(1, 1, 2), F32("strided"), "strided");
        AssertEqual(Seq(2, 3).t(), F32("transposed"), "transposed");

        Assert.Equal(ScalarType.BFloat16, source.StoredType("bf16"));
        Assert.Equal(ScalarType.Float16, source.StoredType("f16"));
        Assert.Equal([3L, 2], source.Shape("strided"));
        Assert.Equal(ScalarType.BFloat16, source.Load("f32", ScalarType.BFloat16, CPU).dtype);
        Assert.True(source.Load("strided", ScalarType.Float32, CPU).is_contiguous());
    }

    [Theory]
    [MemberData(nameof(DeepSpeedFiles))]
    public void DeepSpeed_model_states_use_module_by_default_and_other_keys_on_request(string file)
    {
        using var scope = NewDisposeScope();
        var path = Path.Combine(Assets, file);
        using (var module = PyTorchCheckpointSource.Open(path))
        {
            Assert.Equal("module", module.SelectedKey);
            Assert.Contains("ds_config", module.TopLevelKeys);
            Assert.Contains("args", module.TopLevelKeys);
            Assert.Equal(["final_layer.linear.weight", "img_in.proj.bias", "img_in.proj.weight"], module.Names.Order(StringComparer.Ordinal));
            Assert.Equal(ScalarType.BFloat16, module.StoredType("img_in.proj.weight"));
            AssertEqual(Seq(3, 2, 1, 2, 2), module.Load("img_in.proj.weight", ScalarType.Float32, CPU), "module weight");
            Assert.Contains("'module'", module.Description);
        }

        using (var ema = PyTorchCheckpointSource.Open(path, "ema"))
        {
            Assert.Equal(ScalarType.Float32, ema.StoredType("img_in.proj.bias"));
            AssertEqual(Seq(3).mul(2), ema.Load("img_in.proj.bias", ScalarType.Float32, CPU), "ema bias");
        }

        var error = Assert.Throws<InvalidDataException>(() => PyTorchCheckpointSource.Open(path, loadKey: null));
        Assert.Contains(path, error.Message);
        Assert.Contains("global_steps", error.Message);
    }

    [Theory]
    [MemberData(nameof(DeepSpeedFiles))]
    public void Loads_a_module_strictly_by_official_names(string file)
    {
        using var scope = NewDisposeScope();
        var model = nn.Sequential(
            ("img_in", nn.Sequential(("proj", nn.Conv3d(2, 3, (1, 2, 2), stride: (1, 2, 2))))),
            ("final_layer", nn.Sequential(("linear", nn.Linear(3, 2, hasBias: false)))));
        using var source = PyTorchCheckpointSource.Open(Path.Combine(Assets, file));
        StateDictLoader.Load(model, source);
        var state = model.state_dict();
        AssertEqual(Seq(3, 2, 1, 2, 2), state["img_in.proj.weight"], "loaded weight");
        AssertEqual(Seq(2, 3), state["final_layer.linear.weight"], "loaded linear");

        var wrong = nn.Sequential(("img_in", nn.Sequential(("proj", nn.Conv3d(2, 4, (1, 2, 2))))));
        var mismatch = Assert.Throws<CheckpointMismatchException>(() => StateDictLoader.Load(wrong, source));
        Assert.Contains(Path.Combine(Assets, file), mismatch.Message);
        Assert.Contains("final_layer.linear.weight", mismatch.Unexpected);
        Assert.Contains(mismatch.MisShaped, m => m.StartsWith("img_in.proj.weight", StringComparison.Ordinal));
    }

    [Fact]
    public void Rejects_files_that_are_not_torch_zip_archives()
    {
        using var dir = new TempDirectory();
        var legacy = Path.Combine(dir.Path, "legacy.pt");
        File.WriteAllBytes(legacy, [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]);
        var error = Assert.Throws<InvalidDataException>(() => PyTorchCheckpointSource.Open(legacy));
        Assert.Contains("zip", error.Message);
        Assert.Throws<FileNotFoundException>(() => PyTorchCheckpointSource.Open(Path.Combine(dir.Path, "missing.pt")));
    }

    [Fact]
    public void Finds_the_transformer_in_the_official_layout_or_a_repack_and_names_the_expected_path()
    {
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        var missing = Assert.Throws<FileNotFoundException>(() => CheckpointFiles.FindTransformer(dir.Path));
        Assert.Contains(Path.Combine(dir.Path, "hunyuan-video-t2v-720p", "transformers", "mp_rank_00_model_states.pt"), missing.Message);

        var official = Path.Combine(dir.Path, CheckpointFiles.T2VTransformer);
        Directory.CreateDirectory(Path.GetDirectoryName(official)!);
        File.Copy(Path.Combine(Assets, DeepSpeedFiles().First().Data), official);
        Assert.Equal(official, CheckpointFiles.FindTransformer(dir.Path));
        using (var source = CheckpointFiles.OpenTransformer(dir.Path))
            Assert.Equal("module", Assert.IsType<PyTorchCheckpointSource>(source).SelectedKey);

        var repackFolder = Path.Combine(dir.Path, "repack");
        Directory.CreateDirectory(repackFolder);
        var repack = Path.Combine(repackFolder, "hunyuan_video_720_bf16.safetensors");
        SafeTensorsWriter.Write(repack, [("final_layer.linear.weight", Seq(2, 3).to(ScalarType.BFloat16))]);
        Assert.Equal(repack, CheckpointFiles.FindTransformer(repackFolder));
        using var safetensors = CheckpointFiles.OpenTransformer(repack);
        AssertEqual(Seq(2, 3), safetensors.Load("final_layer.linear.weight", ScalarType.Float32, CPU), "repack");
    }
}
