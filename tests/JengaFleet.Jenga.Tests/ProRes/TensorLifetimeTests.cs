using JengaFleet.Jenga.Attention;
using JengaFleet.Jenga.Blocks;
using JengaFleet.Jenga.Caching;
using JengaFleet.Jenga.Carving;
using JengaFleet.Jenga.Presets;
using JengaFleet.Jenga.ProRes;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.Tests.ProRes;

/// <summary>Repeated jobs must not leak tensors: live tensors after many runs equal those after one.</summary>
public class TensorLifetimeTests
{
    private static long LiveTensors => DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    [Fact]
    public void Denoise_runs_leave_no_tensors_behind()
    {
        var plan = ProgressiveResolutionPlan.Create(new VideoRequestGeometry(128, 224, 5), JengaPresets.ThreeStage);
        using var cache = new ResidualCache();
        var backend = new BlockSparseAttention();

        void RunJob()
        {
            cache.Reset();
            using var noise = randn(plan.Stages[0].LatentShape);
            using var final = ProgressiveDenoiser.Run(plan, noise, shape => randn(shape), (latent, call) =>
            {
                // A tiny "model" that exercises the residual cache and carved attention on the stage's tokens.
                var tokens = latent.reshape(1, 1, 16, -1).transpose(2, 3).contiguous();
                var layout = new BlockLayout((int)tokens.shape[2], 0);
                var carving = new CarvingSettings(1, 0.5);
                var mixed = cache.Apply(tokens, call.ComputeBlocks, x => backend.Attend(x, x, x, new AttentionCall(layout, null, carving)));
                return mixed.transpose(2, 3).reshape(latent.shape).mul(0.1);
            });
            using var nan = final.isnan();
            using var anyNan = nan.any();
            Assert.False(anyNan.item<bool>());
        }

        RunJob();
        var afterOne = LiveTensors;
        for (var i = 0; i < 4; i++)
            RunJob();
        Assert.Equal(afterOne, LiveTensors);
    }
}
