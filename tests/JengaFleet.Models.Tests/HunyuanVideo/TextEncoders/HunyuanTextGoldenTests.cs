using JengaFleet.Models.Checkpoints;
using JengaFleet.Models.HunyuanVideo.TextEncoders;
using JengaFleet.Testing.Golden;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace JengaFleet.Models.Tests.HunyuanVideo.TextEncoders;

/// <summary>The <c>hunyuan_text</c> cases: each names its encoder by its weights (<c>w.text_model.*</c> is CLIP).</summary>
[Trait("Category", "Golden")]
public class HunyuanTextGoldenTests
{
    public const string Suite = "hunyuan_text";

    [Theory(SkipTestWithoutData = true)]
    [MemberData(nameof(GoldenSuite.CaseData), Suite, MemberType = typeof(GoldenSuite))]
    public void Encoder_matches_the_reference(string name)
    {
        using var scope = NewDisposeScope();
        using var golden = GoldenSuite.Load(Suite, name);
        var ids = golden.Input("input_ids");
        var mask = golden.Input("attention_mask");
        var modelConfig = golden.Config.GetProperty("model");
        using var file = SafeTensorsSource.Open(golden.Path);
        using var weights = new PrefixedTensorSource(file, "w.");

        if (golden.WeightNames.Any(n => n.StartsWith("w.text_model.", StringComparison.Ordinal)))
        {
            using var clip = new ClipTextEncoder(ClipTextConfig.FromJson(modelConfig));
            StateDictLoader.Load(clip, weights);
            golden.AssertOutputs(new Dictionary<string, Tensor>
            {
                ["pooler_output"] = clip.Pooled(ids, mask),
                ["last_hidden_state"] = clip.LastHiddenState(ids, mask),
            });
        }
        else
        {
            var encode = golden.Config.GetProperty("encode");
            using var llm = new LlamaTextEncoder(LlamaConfig.FromJson(modelConfig));
            StateDictLoader.Load(llm, weights);
            using var encoding = llm.Encode(ids, mask, encode.GetProperty("crop_start").GetInt32(), encode.GetProperty("hidden_state_skip_layer").GetInt32());
            golden.AssertOutputs(new Dictionary<string, Tensor>
            {
                ["hidden_state"] = encoding.States,
                ["attention_mask"] = encoding.Mask,
                ["final_norm_hidden_state"] = llm.HiddenState(ids, mask, -1),
            });
        }
    }
}
