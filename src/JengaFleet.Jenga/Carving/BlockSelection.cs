using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.Carving;

/// <summary>
/// The outcome of block selection for one attention call (all tensors on the device of q).
/// </summary>
/// <param name="Probabilities">float32 <c>[B, H, Vq, Vk]</c>: softmax of pooled scores over the video key blocks.</param>
/// <param name="Selected">bool <c>[B, H, Vq, Vk]</c>: the importance choice alone (top-p with the top-k floor).</param>
/// <param name="Mask">bool <c>[B, H, Vq, Vk + C]</c>: importance ∪ adjacency ∪ first-frame, plus all C condition blocks.</param>
public sealed record BlockSelection(Tensor Probabilities, Tensor Selected, Tensor Mask) : IDisposable
{
    public void Dispose()
    {
        Probabilities.Dispose();
        Selected.Dispose();
        Mask.Dispose();
    }
}
