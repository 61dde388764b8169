using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Vae.Modules;

/// <summary>
/// The mid block's self-attention (diffusers <c>Attention</c> as the VAE builds it): one head of width C,
/// GroupNorm over channels before the projections, scaled dot product with an additive mask, output
/// projection <c>to_out.0</c>, residual added.
/// </summary>
public sealed class MidBlockAttention : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are the checkpoint's keys
    private readonly GroupNorm group_norm;
    private readonly Linear to_q;
    private readonly Linear to_k;
    private readonly Linear to_v;
    private readonly ModuleList<Linear> to_out;
#pragma warning restore IDE1006

    public MidBlockAttention(long channels, int groups, double eps, Device? device = null, ScalarType? dtype = null)
        : base(nameof(MidBlockAttention))
    {
        group_norm = InitializedGroupNorm.Create(groups, channels, eps, device, dtype);
        to_q = nn.Linear(channels, channels, hasBias: true, device: device, dtype: dtype);
        to_k = nn.Linear(channels, channels, hasBias: true, device: device, dtype: dtype);
        to_v = nn.Linear(channels, channels, hasBias: true, device: device, dtype: dtype);
        // The reference's to_out.1 is a dropout (no weights, inactive at inference).
        to_out = nn.ModuleList(nn.Linear(channels, channels, hasBias: true, device: device, dtype: dtype));
        RegisterComponents();
    }

    /// <summary><paramref name="tokens"/> [B, L, C]; <paramref name="mask"/> additive, broadcastable to [B, 1, L, L].</summary>
    // out = tokens + to_out(softmax(q kᵀ / √C + mask) v), q,k,v from GroupNorm(tokens)
    public override Tensor forward(Tensor tokens, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var normed = group_norm.call(tokens.transpose(1, 2)).transpose(1, 2);
        // [B, L, C] -> [B, 1, L, C]: a single head.
        var q = to_q.call(normed).unsqueeze(1);
        var k = to_k.call(normed).unsqueeze(1);
        var v = to_v.call(normed).unsqueeze(1);
        normed.Dispose();
        var attended = nn.functional.scaled_dot_product_attention(q, k, v, mask).squeeze(1);
        q.Dispose();
        k.Dispose();
        v.Dispose();
        var output = to_out[0].call(attended).add_(tokens);
        return output.MoveToOuterDisposeScope();
    }
}
