using System.Text.Json;
using JengaFleet.Models.Checkpoints;
using JengaFleet.Models.HunyuanVideo.Vae;
using JengaFleet.Testing.Golden;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace JengaFleet.Models.Tests.HunyuanVideo.Vae;

[Trait("Category", "Golden")]
public class HunyuanVaeGoldenTests
{
    public const string Suite = "hunyuan_vae";

    /// <summary>
    /// Builds the case's model from its <c>config.model</c>, loads its <c>w.*</c> weights by the released key names,
    /// switches tiling as <c>config.call.enable_tiling</c> says, and runs the call the case names.
    /// </summary>
    [Theory(SkipTestWithoutData = true)]
    [MemberData(nameof(GoldenSuite.CaseData), Suite, MemberType = typeof(GoldenSuite))]
    public void Matches_reference(string name)
    {
        using var scope = NewDisposeScope();
        using var golden = GoldenSuite.Load(Suite, name);
        var call = golden.Config.GetProperty("call");
        var config = CausalVaeConfig.Parse(golden.Config.GetProperty("model").GetRawText());
        using var vae = new CausalVideoAutoencoder(config);
        using (var file = new SafeTensorsSource([golden.Path]))
        using (var weights = new PrefixedTensorSource(file, "w."))
            vae.LoadWeights(weights);
        vae.eval();
        AssertTilingSizes(vae.Tiling, golden.Config.GetProperty("tiling"));
        vae.EnableTiling(call.GetProperty("enable_tiling").GetBoolean());

        var op = call.GetProperty("op").GetString();
        var actual = op switch
        {
            "decode" => new Dictionary<string, Tensor> { ["sample"] = vae.DecodeLatents(golden.Input("latents")) },
            "encode" => Encode(vae, golden),
            _ => throw new InvalidDataException($"{golden}: unknown op '{op}'"),
        };
        golden.AssertOutputs(actual);
    }

    private static Dictionary<string, Tensor> Encode(CausalVideoAutoencoder vae, GoldenCase golden)
    {
        var posterior = vae.Encode(golden.Input("video"));
        return new Dictionary<string, Tensor>
        {
            ["mean"] = posterior.Mean,
            ["logvar"] = posterior.LogVar,
            ["std"] = posterior.Std,
            ["sample"] = posterior.Sample(golden.Input("noise")),
            ["latents_scaled"] = vae.EncodeToLatents(golden.Input("video")),
        };
    }

    /// <summary>The tile sizes derived from the config equal the ones the reference reports it used.</summary>
    private static void AssertTilingSizes(CausalVaeTiling tiling, JsonElement expected)
    {
        Assert.Equal(expected.GetProperty("tile_sample_min_size").GetInt32(), tiling.TileSampleMinSize);
        Assert.Equal(expected.GetProperty("tile_latent_min_size").GetInt32(), tiling.TileLatentMinSize);
        Assert.Equal(expected.GetProperty("tile_sample_min_tsize").GetInt32(), tiling.TileSampleMinTSize);
        Assert.Equal(expected.GetProperty("tile_latent_min_tsize").GetInt32(), tiling.TileLatentMinTSize);
        Assert.Equal(expected.GetProperty("tile_overlap_factor").GetDouble(), tiling.TileOverlapFactor);
        var fullSize = CausalVaeTiling.From(CausalVaeConfig.FullSize);
        var full = expected.GetProperty("full_size");
        Assert.Equal(full.GetProperty("tile_sample_min_size").GetInt32(), fullSize.TileSampleMinSize);
        Assert.Equal(full.GetProperty("tile_latent_min_size").GetInt32(), fullSize.TileLatentMinSize);
        Assert.Equal(full.GetProperty("tile_sample_min_tsize").GetInt32(), fullSize.TileSampleMinTSize);
        Assert.Equal(full.GetProperty("tile_latent_min_tsize").GetInt32(), fullSize.TileLatentMinTSize);
    }
}
