using JengaFleet.Jenga.SafeTensors;
using JengaFleet.Models.Checkpoints;
using JengaFleet.Testing;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace JengaFleet.Models.Tests.Checkpoints;

public class StateDictLoaderTests
{
    private static nn.Module<Tensor, Tensor> Model() => nn.Sequential(("proj", nn.Linear(4, 3)), ("norm", nn.LayerNorm(3)));

    [Fact]
    public void Loads_a_real_safetensors_file_by_official_names_and_converts_dtype()
    {
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        var source = Model();
        var path = Path.Combine(dir.Path, "model.safetensors");
        SafeTensorsWriter.Write(path, source.state_dict().Select(kv => (kv.Key, kv.Value.to(ScalarType.BFloat16))));

        var target = Model();
        using (var file = SafeTensorsSource.Open(path))
            StateDictLoader.Load(target, file);
        foreach (var (key, value) in target.state_dict())
        {
            var expected = source.state_dict()[key].to(ScalarType.BFloat16).to(ScalarType.Float32);
            Assert.Equal(ScalarType.Float32, value.dtype);
            Assert.True(value.eq(expected).all().item<bool>(), key);
        }
    }

    [Fact]
    public void Mismatch_names_missing_unexpected_and_misshaped_keys_and_the_file()
    {
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        var path = Path.Combine(dir.Path, "bad.safetensors");
        SafeTensorsWriter.Write(path, [("proj.weight", zeros(3, 5)), ("proj.bias", zeros(3)), ("extra.weight", zeros(1))]);
        using var file = SafeTensorsSource.Open(path);
        var error = Assert.Throws<CheckpointMismatchException>(() => StateDictLoader.Load(Model(), file));
        Assert.Contains(path, error.Message);
        Assert.Equal(["norm.bias", "norm.weight"], error.Missing.Order(StringComparer.Ordinal));
        Assert.Equal(["extra.weight"], error.Unexpected);
        Assert.Contains("proj.weight: checkpoint [3, 5], module [3, 4]", error.MisShaped);
    }

    [Fact]
    public void Prefixed_source_strips_the_prefix()
    {
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        var path = Path.Combine(dir.Path, "fixture.safetensors");
        var source = Model();
        SafeTensorsWriter.Write(path, source.state_dict().Select(kv => ("w." + kv.Key, kv.Value)).Append(("in.x", zeros(1))));
        using var file = SafeTensorsSource.Open(path);
        using var weights = new PrefixedTensorSource(file, "w.");
        var target = Model();
        StateDictLoader.Load(target, weights);
        Assert.True(target.state_dict()["proj.weight"].eq(source.state_dict()["proj.weight"]).all().item<bool>());
    }
}
