using JengaFleet.Jenga.Blocks;
using JengaFleet.Jenga.Curves;

namespace JengaFleet.Jenga.ProRes;

/// <summary>One ProRes stage: its resolution, token grid and attention settings.</summary>
/// <param name="Index">0-based stage number.</param>
/// <param name="ResolutionRate">Spatial scale relative to the requested size.</param>
/// <param name="Grid">Token grid (T, h, w) of the stage.</param>
/// <param name="LastStep">The step after whose model call the next stage begins (for the last stage: steps - 1).</param>
/// <param name="DropRate">Attention drop rate (0 = dense).</param>
/// <param name="TopK">Guaranteed kept video blocks: trunc((1 - drop) * floor(N / 128)), the reference's rule.</param>
public sealed record DenoiseStage(int Index, double ResolutionRate, TokenGrid Grid, int LastStep, double DropRate, int TopK)
{
    public int VideoTokens => Grid.TokenCount;

    public int VideoBlocks => BlockLayout.BlocksFor(VideoTokens);

    /// <summary>Latent shape <c>[1, 16, T, 2h, 2w]</c> of one video.</summary>
    public long[] LatentShape => [1, VideoRequestGeometry.LatentChannels, Grid.T, Grid.H * VideoRequestGeometry.Patch, Grid.W * VideoRequestGeometry.Patch];

    public bool IsDense => DropRate == 0.0;
}
