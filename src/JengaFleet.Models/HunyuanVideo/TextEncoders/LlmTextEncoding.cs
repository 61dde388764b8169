using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.TextEncoders;

/// <summary>
/// What the LLM encoder hands the DiT: <c>text_states [B, text_len, hidden]</c> and <c>text_mask [B, text_len]</c>
/// (int64, 1 = real token). The caller owns both tensors.
/// </summary>
public sealed record LlmTextEncoding(Tensor States, Tensor Mask) : IDisposable
{
    public void Dispose()
    {
        States.Dispose();
        Mask.Dispose();
    }
}
