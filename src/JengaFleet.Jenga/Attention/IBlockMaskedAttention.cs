using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.Attention;

/// <summary>
/// A backend that can run a carved call on a block mask the caller already has (a mask shared by
/// several calls, a benchmark at an exact kept fraction, a test with hand-made rows). The semantics are
/// those of <see cref="IAttentionBackend"/> with the selection replaced by <paramref name="blockMask"/>.
/// </summary>
public interface IBlockMaskedAttention : IAttentionBackend
{
    /// <param name="blockMask">bool <c>[B, H, Vq, Vk + C]</c> as produced by <c>BlockImportanceSelector</c>.</param>
    Tensor AttendMasked(Tensor query, Tensor key, Tensor value, AttentionCall call, Tensor blockMask);
}
