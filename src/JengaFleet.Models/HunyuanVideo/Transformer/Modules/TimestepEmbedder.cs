using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Transformer.Modules;

/// <summary>
/// Official <c>TimestepEmbedder</c> (<c>time_in</c>, <c>guidance_in</c>, <c>txt_in.t_embedder</c>):
/// the 256-wide sinusoid of a scalar per sample, then <c>mlp = Linear -> SiLU -> Linear</c>.
/// </summary>
public sealed class TimestepEmbedder : nn.Module<Tensor, Tensor>
{
    private const double MaxPeriod = 10000.0;

    private readonly Sequential mlp;

    public TimestepEmbedder(long hidden, ParameterPlacement placement, int frequencySize = HunyuanVideoTransformerConfig.FrequencyEmbeddingSize)
        : base(nameof(TimestepEmbedder))
    {
        FrequencySize = frequencySize;
        mlp = nn.Sequential(
            ("0", placement.Linear(frequencySize, hidden)),
            ("1", nn.SiLU()),
            ("2", placement.Linear(hidden, hidden)));
        RegisterComponents();
    }

    public int FrequencySize { get; }

    /// <param name="t">[B] values (timesteps 0..1000 or guidance x 1000).</param>
    public override Tensor forward(Tensor t)
    {
        using var scope = NewDisposeScope();
        var weight = mlp.parameters().First();
        var features = Sinusoid(t.to(weight.device), FrequencySize).to(weight.dtype);
        return mlp.forward(features).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// float32 <c>[B, dim]</c> = <c>[cos(t·f), sin(t·f)]</c>, <c>f_j = exp(-ln(10000)·j/(dim/2))</c>; always float32
    /// like the reference (at t≈1000 or guidance 6000 the angles are large, so the precision matters).
    /// </summary>
    public static Tensor Sinusoid(Tensor t, int dim)
    {
        using var scope = NewDisposeScope();
        var half = dim / 2;
        var freqs = arange(0, half, dtype: ScalarType.Float32, device: t.device).mul_(-Math.Log(MaxPeriod)).div_(half).exp_();
        var args = t.to(ScalarType.Float32).unsqueeze(1).mul(freqs.unsqueeze(0));
        var embedding = cat([args.cos(), args.sin()], -1);
        if (dim % 2 == 1)
            embedding = cat([embedding, zeros_like(embedding.narrow(1, 0, 1))], -1);
        return embedding.MoveToOuterDisposeScope();
    }
}
