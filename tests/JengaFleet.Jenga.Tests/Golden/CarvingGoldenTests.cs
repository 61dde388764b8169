using JengaFleet.Jenga.Attention;
using JengaFleet.Jenga.Blocks;
using JengaFleet.Jenga.Carving;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

using JengaFleet.Testing.Golden;

namespace JengaFleet.Jenga.Tests.Golden;

[Trait("Category", "Golden")]
public class CarvingGoldenTests
{
    public const string Suite = "carving";

    /// <summary>Selection and attention of one reference call, through both backends.</summary>
    [Theory(SkipTestWithoutData = true)]
    [MemberData(nameof(GoldenSuite.CaseData), Suite, MemberType = typeof(GoldenSuite))]
    public void Selection_and_attention_match(string name)
    {
        using var scope = NewDisposeScope();
        using var golden = GoldenSuite.Load(Suite, name);
        var config = golden.Config;
        var q = golden.Input("in.q");
        var k = golden.Input("in.k");
        var v = golden.Input("in.v");
        var videoTokens = config.GetProperty("N_video").GetInt32();
        var layout = new BlockLayout(videoTokens, (int)q.shape[2] - videoTokens);
        var neighbours = golden.Input("in.block_neighbors");
        var adjacency = BlockAdjacency.FromMatrix((int)neighbours.shape[0], neighbours.to(ScalarType.Bool).data<bool>().ToArray());
        var settings = new CarvingSettings(
            config.GetProperty("top_k").GetInt32(),
            config.GetProperty("prob_threshold").GetDouble(),
            adjacency,
            config.GetProperty("text_amp").GetDouble());
        var valid = golden.Input("in.text_valid_len").data<long>().ToArray();
        var call = new AttentionCall(layout, valid, settings);

        using var selection = BlockImportanceSelector.Select(q, k, layout, settings);
        foreach (var backend in new IAttentionBackend[] { new DenseMaskedAttention(), new BlockSparseAttention() })
        {
            golden.AssertOutputs(new Dictionary<string, Tensor>
            {
                ["out.block_probs"] = selection.Probabilities,
                ["out.selected_mask"] = selection.Selected.to(ScalarType.Byte),
                ["out.block_mask"] = selection.Mask.to(ScalarType.Byte),
                ["out.attn"] = backend.Attend(q, k, v, call),
            });
        }
    }
}
