using System.Text.Json;
using JengaFleet.Jenga.SafeTensors;
using JengaFleet.Models.Checkpoints;
using JengaFleet.Models.HunyuanVideo.TextEncoders;
using JengaFleet.Testing;
using JengaFleet.Testing.Golden;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace JengaFleet.Models.Tests.HunyuanVideo.TextEncoders;

/// <summary>
/// <c>FromPretrained</c> on folders laid out like the official downloads, built from the golden cases' tiny weights:
/// the LLM as <c>LlamaForCausalLM</c> shards with an index (<c>model.</c> prefix, extra <c>lm_head.weight</c>) and as bare
/// keys; CLIP as one file holding the whole CLIPModel.
/// </summary>
public class TextEncoderLoadingTests
{
    private const string Suite = HunyuanTextGoldenTests.Suite;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Llm_loads_from_a_hugging_face_folder_in_half_precision(bool causalLmKeys)
    {
        Assert.SkipUnless(GoldenSuite.CaseNames(Suite).Contains("llm_video_template"), "hunyuan_text fixtures not found");
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        using var golden = GoldenSuite.Load(Suite, "llm_video_template");
        File.WriteAllText(Path.Combine(dir.Path, "config.json"), golden.Config.GetProperty("model").GetRawText());
        var weights = golden.WeightNames.Select(n => (Key: (causalLmKeys ? "model." : "") + n[2..], Tensor: golden.Weight(n, ScalarType.Float16))).ToList();
        if (causalLmKeys)
            weights.Add(("lm_head.weight", zeros(512, 64, ScalarType.Float16)));
        WriteShards(dir.Path, weights, shards: 2);

        using var model = LlamaTextEncoder.FromPretrained(dir.Path, CPU, ScalarType.Float32);
        foreach (var (key, value) in model.state_dict())
        {
            Assert.Equal(ScalarType.Float32, value.dtype);
            var expected = golden.Weight("w." + key, ScalarType.Float16).to(ScalarType.Float32);
            Assert.True(value.eq(expected).all().item<bool>(), key);
        }
    }

    [Fact]
    public void Llm_folder_with_a_misnamed_key_names_it()
    {
        Assert.SkipUnless(GoldenSuite.CaseNames(Suite).Contains("llm_video_template"), "hunyuan_text fixtures not found");
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        using var golden = GoldenSuite.Load(Suite, "llm_video_template");
        File.WriteAllText(Path.Combine(dir.Path, "config.json"), golden.Config.GetProperty("model").GetRawText());
        var weights = golden.WeightNames.Select(n => (Key: "model." + (n == "w.norm.weight" ? "final_norm.weight" : n[2..]), Tensor: golden.Weight(n))).ToList();
        WriteShards(dir.Path, weights, shards: 1);

        var error = Assert.Throws<CheckpointMismatchException>(() => LlamaTextEncoder.FromPretrained(dir.Path, CPU, ScalarType.Float32));
        Assert.Equal(["norm.weight"], error.Missing);
        Assert.Equal(["final_norm.weight"], error.Unexpected);
    }

    [Fact]
    public void Clip_loads_the_text_tower_from_a_whole_clip_model_file()
    {
        Assert.SkipUnless(GoldenSuite.CaseNames(Suite).Contains("clip_pooled"), "hunyuan_text fixtures not found");
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        using var golden = GoldenSuite.Load(Suite, "clip_pooled");
        // openai's config.json is a CLIPConfig with the text tower under text_config
        var config = $"{{\"model_type\": \"clip\", \"projection_dim\": 64, \"text_config\": {golden.Config.GetProperty("model").GetRawText()}, \"vision_config\": {{\"hidden_size\": 32}}}}";
        File.WriteAllText(Path.Combine(dir.Path, "config.json"), config);
        var weights = golden.WeightNames.Select(n => (Key: n[2..], Tensor: golden.Weight(n))).ToList();
        weights.Add(("text_model.embeddings.position_ids", arange(77, ScalarType.Int64).unsqueeze(0)));
        weights.Add(("vision_model.embeddings.class_embedding", zeros(32)));
        weights.Add(("text_projection.weight", zeros(64, 64)));
        weights.Add(("logit_scale", zeros(1)));
        SafeTensorsWriter.Write(Path.Combine(dir.Path, "model.safetensors"), weights);

        using var model = ClipTextEncoder.FromPretrained(dir.Path, CPU, ScalarType.Float32);
        golden.AssertOutputs(new Dictionary<string, Tensor> { ["pooler_output"] = model.Pooled(golden.Input("input_ids"), golden.Input("attention_mask")) }, ["pooler_output"]);
    }

    /// <summary>Hugging Face sharded layout: <c>model-0000i-of-0000n.safetensors</c> and <c>model.safetensors.index.json</c>.</summary>
    private static void WriteShards(string folder, List<(string Key, Tensor Tensor)> weights, int shards)
    {
        var map = new Dictionary<string, string>();
        for (var s = 0; s < shards; s++)
        {
            var file = $"model-{s + 1:00000}-of-{shards:00000}.safetensors";
            var part = weights.Where((_, i) => i % shards == s).ToList();
            SafeTensorsWriter.Write(Path.Combine(folder, file), part);
            foreach (var (key, _) in part)
                map[key] = file;
        }
        File.WriteAllText(Path.Combine(folder, "model.safetensors.index.json"), JsonSerializer.Serialize(new { metadata = new { total_size = 0 }, weight_map = map }));
    }
}
