using JengaFleet.Jenga.Attention;
using JengaFleet.Jenga.Caching;
using JengaFleet.Jenga.Curves;
using JengaFleet.Jenga.ProRes;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Transformer;

/// <summary>
/// Plugs the transformer into <see cref="ProgressiveDenoiser.Run"/> for one generation: for each planned
/// <see cref="DenoiseCall"/> it builds the Jenga context (the stage grid's Gilbert curve, the call's carving
/// settings, the step-skip decision against its own <see cref="ResidualCache"/>) and returns the velocity in
/// float32 (the scheduler's dtype). One instance per job; dispose it to drop the cached residual.
/// </summary>
public sealed class HunyuanVideoVelocityModel(
    HunyuanVideoTransformer transformer,
    TextConditioning text,
    IAttentionBackend attention,
    CarvingStatistics? statistics = null,
    CurveKind curve = CurveKind.Gilbert) : IDisposable
{
    public ResidualCache Cache { get; } = new();

    /// <summary>Matches <see cref="VelocityModel"/>: pass <c>model.Velocity</c> to the denoiser.</summary>
    public Tensor Velocity(Tensor latent, DenoiseCall call)
    {
        using var scope = NewDisposeScope();
        var batch = latent.shape[0];
        var timestep = full(batch, call.Timestep, ScalarType.Float32);
        var guidance = full(batch, call.Guidance, ScalarType.Float32);
        var context = new TransformerCallContext(
            attention,
            CurvePermutation.For(call.Stage.Grid, curve),
            call.Carving(curve),
            Cache,
            call.ComputeBlocks,
            statistics);
        var velocity = transformer.Forward(latent, timestep, text, guidance, context);
        return velocity.to(ScalarType.Float32).to(latent.device).MoveToOuterDisposeScope();
    }

    public void Dispose() => Cache.Dispose();
}
