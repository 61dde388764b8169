using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Transformer;

/// <summary>
/// The prompt as the transformer sees it: LLM states <c>[B, 256, 4096]</c>, their mask <c>[B, 256]</c>
/// (nonzero = real token; valid tokens first, padding after) and the CLIP pooled vector <c>[B, 768]</c>.
/// Does not own the tensors.
/// </summary>
public sealed record TextConditioning(Tensor States, Tensor Mask, Tensor Pooled)
{
    /// <summary>Valid tokens per sample (the mask's row sums); throws if a mask is not "valid tokens, then padding".</summary>
    public long[] ValidLengths()
    {
        using var scope = NewDisposeScope();
        var valid = Mask.ne(0).cpu();
        var lengths = valid.sum(1, type: ScalarType.Int64).data<long>().ToArray();
        var positions = arange(valid.shape[1], dtype: ScalarType.Int64).unsqueeze(0);
        var prefix = positions.lt(tensor(lengths).unsqueeze(1));
        if (!prefix.eq(valid).all().item<bool>())
            throw new ArgumentException("text mask must mark the valid tokens first and the padding after them (as the LLM encoder's right padding does)");
        return lengths;
    }
}
