using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Vae.Modules;

/// <summary>Runs modules one after another, freeing each intermediate activation as soon as the next exists.</summary>
internal static class VaeSequence
{
    /// <summary>The input stays owned by the caller; intermediates are disposed; the result is new.</summary>
    public static Tensor Run(Tensor input, IEnumerable<nn.Module<Tensor, Tensor>> modules)
    {
        var current = input;
        foreach (var module in modules)
        {
            var next = module.call(current);
            if (!ReferenceEquals(current, input))
                current.Dispose();
            current = next;
        }
        return ReferenceEquals(current, input) ? input.alias() : current;
    }

    /// <summary>Disposes <paramref name="old"/> and returns <paramref name="next"/>: <c>h = Replace(h, f(h))</c>.</summary>
    public static Tensor Replace(Tensor old, Tensor next)
    {
        old.Dispose();
        return next;
    }
}
