using System.Text.Json;
using JengaFleet.Jenga.Caching;
using JengaFleet.Jenga.Presets;
using JengaFleet.Jenga.ProRes;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

using JengaFleet.Testing.Golden;

namespace JengaFleet.Jenga.Tests.Golden;

[Trait("Category", "Golden")]
public class ProResGoldenTests
{
    public const string Suite = "prores";

    /// <summary>The reference loop's call plan, and — where the case ships noise — the whole denoise run on the stand-in model.</summary>
    [Theory(SkipTestWithoutData = true)]
    [MemberData(nameof(GoldenSuite.CaseData), Suite, MemberType = typeof(GoldenSuite))]
    public void Call_plan_and_denoise_loop_match(string name)
    {
        using var scope = NewDisposeScope();
        using var golden = GoldenSuite.Load(Suite, name);
        var config = golden.Config;
        var plan = ProgressiveResolutionPlan.Create(
            new VideoRequestGeometry(config.GetProperty("height").GetInt32(), config.GetProperty("width").GetInt32(), config.GetProperty("video_length").GetInt32()),
            PresetFrom(config),
            config.GetProperty("num_inference_steps").GetInt32(),
            config.GetProperty("flow_shift").GetDouble(),
            config.GetProperty("embedded_guidance_scale").GetDouble());

        var actual = PlanOutputs(plan);
        if (golden.InputNames.Contains("in.noise0"))
            RunLoop(golden, plan, actual);
        golden.AssertOutputs(actual);
    }

    /// <summary>The preset as the case's lists give it, not by name: other lists must work too.</summary>
    private static JengaPreset PresetFrom(JsonElement config) => new(
        config.GetProperty("preset").GetString() ?? "custom",
        Doubles(config, "sa_drop_rates"),
        config.GetProperty("p_remain_rates").GetDouble(),
        Doubles(config, "res_rate_list"),
        Doubles(config, "step_rate_list"),
        config.GetProperty("scheduler_shift_list").EnumerateArray().Select(e => (int)e.GetDouble()).ToArray(),
        config.GetProperty("enable_skip").GetBoolean(),
        config.GetProperty("scale_txt_amp").GetDouble());

    private static double[] Doubles(JsonElement config, string key) => config.GetProperty(key).EnumerateArray().Select(e => e.GetDouble()).ToArray();

    private static Dictionary<string, Tensor> PlanOutputs(ProgressiveResolutionPlan plan)
    {
        var calls = plan.Calls;
        var outputs = new Dictionary<string, Tensor>
        {
            ["out.call_timestep"] = tensor(calls.Select(c => c.Timestep).ToArray()),
            ["out.call_computed"] = tensor(calls.Select(c => (byte)(c.ComputeBlocks ? 1 : 0)).ToArray()),
            ["out.call_latent_shape"] = tensor(calls.SelectMany(c => c.Stage.LatentShape).ToArray()).view(-1, 5),
            ["out.call_counter"] = tensor(calls.Select(c => (long)c.Counter).ToArray()),
            ["out.call_text_amp"] = tensor(calls.Select(c => (float)c.TextAmp).ToArray()),
            ["out.call_sa_drop_rate"] = tensor(calls.Select(c => (float)c.DropRate).ToArray()),
            ["out.call_guidance"] = tensor(calls.Select(c => c.Guidance).ToArray()),
            ["out.call_n_video_tokens"] = tensor(calls.Select(c => (long)c.Stage.VideoTokens).ToArray()),
            ["out.call_top_k"] = tensor(calls.Select(c => (long)c.TopK).ToArray()),
            ["out.stage_switch_steps"] = tensor(plan.StageSwitchSteps.Select(s => (long)s).ToArray()),
        };
        for (var k = 0; k < plan.Schedules.Count; k++)
            outputs[$"out.schedule{k}_sigmas"] = tensor(plan.Schedules[k].Sigmas.ToArray());
        return outputs;
    }

    private static void RunLoop(GoldenCase golden, ProgressiveResolutionPlan plan, Dictionary<string, Tensor> outputs)
    {
        var noiseIndex = 1;
        Tensor DrawNoise(long[] shape)
        {
            var noise = golden.Input($"in.noise{noiseIndex++}");
            Assert.Equal(shape, noise.shape);
            return noise;
        }

        using var model = new StandInTransformer(golden.Input("in.standin_M"));
        var recorder = new SwitchRecorder(outputs);
        var final = ProgressiveDenoiser.Run(plan, golden.Input("in.noise0"), DrawNoise, model.Velocity, recorder);
        outputs["out.final_latent"] = final;
        outputs["out.step_latent_l2"] = tensor(recorder.L2.ToArray());
    }

    private sealed class SwitchRecorder(Dictionary<string, Tensor> outputs) : IDenoiseObserver
    {
        private int _switches;

        public List<float> L2 { get; } = [];

        public void OnResolutionSwitch(int step, Tensor cleanEstimate, Tensor resized, Tensor renoised)
        {
            outputs[$"out.switch{_switches}_x0"] = cleanEstimate.clone().DetachFromDisposeScope();
            outputs[$"out.switch{_switches}_resized"] = resized.clone().DetachFromDisposeScope();
            outputs[$"out.switch{_switches}_renoised"] = renoised.clone().DetachFromDisposeScope();
            _switches++;
        }

        public void OnStepEnd(DenoiseCall call, Tensor latent) => L2.Add(latent.norm().item<float>());
    }

    /// <summary>
    /// The fixtures' stand-in transformer: identity patchify (16 channels x 1x2x2 = 64 features), one block
    /// h + h·M + 0.1·vec with vec = t/1000 + 0.5·guidance/1000, identity final layer, and the reference's
    /// residual reuse on skipped calls.
    /// </summary>
    private sealed class StandInTransformer(Tensor m) : IDisposable
    {
        private readonly ResidualCache _cache = new();

        public Tensor Velocity(Tensor latent, DenoiseCall call)
        {
            if (call.Step == 0)
                _cache.Reset();
            long t = latent.shape[2], h = latent.shape[3] / 2, w = latent.shape[4] / 2;
            var tokens = latent.to(ScalarType.Float32).view(1, 16, t, h, 2, w, 2).permute(0, 2, 3, 5, 1, 4, 6).reshape(1, t * h * w, 64);
            var vec = call.Timestep / 1000f + 0.5f * call.Guidance / 1000f;
            var output = _cache.Apply(tokens, call.ComputeBlocks, x => x.add(x.matmul(m)).add(0.1f * vec));
            return output.view(1, t, h, w, 16, 2, 2).permute(0, 4, 1, 2, 5, 3, 6).reshape(latent.shape);
        }

        public void Dispose() => _cache.Dispose();
    }
}
