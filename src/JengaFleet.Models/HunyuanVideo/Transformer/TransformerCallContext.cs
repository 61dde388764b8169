using JengaFleet.Jenga.Attention;
using JengaFleet.Jenga.Caching;
using JengaFleet.Jenga.Carving;
using JengaFleet.Jenga.Curves;

namespace JengaFleet.Models.HunyuanVideo.Transformer;

/// <summary>
/// The Jenga state of one transformer call.
/// </summary>
/// <param name="Attention">The attention backend every double and single block calls.</param>
/// <param name="Curve">
/// Token order: video tokens (and RoPE rows) are gathered with <c>CurveToLinear</c> after <c>img_in</c> and put
/// back with <c>LinearToCurve</c> before the final layer. Null = raster order (the original forward).
/// </param>
/// <param name="Carving">Carving settings of this call; null = dense attention.</param>
/// <param name="Cache">Step-skip residual cache (in curve order); null = always run the blocks, cache nothing.</param>
/// <param name="ComputeBlocks">False on a skipped step: add the cached residual instead of running the blocks.</param>
/// <param name="Statistics">Optional sink for the kept-block counts of carved calls.</param>
public sealed record TransformerCallContext(
    IAttentionBackend Attention,
    CurvePermutation? Curve = null,
    CarvingSettings? Carving = null,
    ResidualCache? Cache = null,
    bool ComputeBlocks = true,
    CarvingStatistics? Statistics = null);
