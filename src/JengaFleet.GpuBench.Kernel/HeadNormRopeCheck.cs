using JengaFleet.Jenga.Curves;
using JengaFleet.Models.HunyuanVideo.Transformer.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.GpuBench.Kernel;

/// <summary>
/// The fused QK RMSNorm + RoPE kernel against the model's TorchSharp formulas (<see cref="QkNormRope.Reference"/>) on
/// the same 16-bit inputs: q/k as views of a fused QKV projection, RoPE on the leading tokens only, output into a
/// slice of a larger tensor (as the double-stream blocks do). Both round at the same points, so most elements are
/// bit-identical; the rest differ by the order of the sum of squares.
/// </summary>
internal static class HeadNormRopeCheck
{
    private sealed record Case(string Name, int Tokens, int RopeTokens, int Heads, int HeadDim, ScalarType Type, bool IntoSlice);

    private static IEnumerable<Case> Cases()
    {
        yield return new("single-stream bf16 d128", 4096 + 256, 4096, 24, 128, ScalarType.BFloat16, false);
        yield return new("double-stream image slice bf16 d128", 3000, 3000, 4, 128, ScalarType.BFloat16, true);
        yield return new("text only (no RoPE) bf16 d128", 256, 0, 4, 128, ScalarType.BFloat16, true);
        yield return new("fp16 d128", 1000 + 77, 1000, 3, 128, ScalarType.Float16, false);
        yield return new("bf16 d64", 2000 + 200, 2000, 12, 64, ScalarType.BFloat16, false);
    }

    public static bool Run(TextWriter log)
    {
        var passed = true;
        var rows = new List<string>();
        foreach (var c in Cases())
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            manual_seed(11);
            var (heads, norm, cos, sin) = Inputs(c);
            var reference = QkNormRope.Reference(heads, norm, cos, sin, c.RopeTokens);
            Tensor fused;
            if (c.IntoSlice)
            {
                var joint = full(new long[] { 1, c.Heads, c.Tokens + 64, c.HeadDim }, double.NaN, c.Type, Gpu.Cuda);
                QkNormRope.Into(heads, norm, cos, sin, c.RopeTokens, joint.narrow(2, 32, c.Tokens));
                // The rows around the slice must stay untouched (NaN).
                passed &= joint.narrow(2, 0, 32).isnan().all().item<bool>() && joint.narrow(2, 32 + c.Tokens, 32).isnan().all().item<bool>();
                fused = joint.narrow(2, 32, c.Tokens);
            }
            else
            {
                fused = QkNormRope.Apply(heads, norm, cos, sin, c.RopeTokens);
            }

            var (differing, maxAbs, relative, nan) = Gpu.Compare(fused, reference);
            var ok = !nan && relative < 1e-3 && differing < 0.01;
            passed &= ok;
            var row = $"| {c.Name} | [1, {c.Heads}, {c.Tokens}, {c.HeadDim}] | {differing:P3} | {maxAbs:E2} | {relative:E2} | {nan} | {(ok ? "PASS" : "FAIL")} |";
            rows.Add(row);
            log.WriteLine(row);
        }

        Console.WriteLine();
        Console.WriteLine("| fused QK norm + RoPE case | shape | elements differing from the TorchSharp formulas | max abs diff | rel err | NaN | result |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        rows.ForEach(Console.WriteLine);
        Console.WriteLine(passed ? "HEAD NORM ROPE CHECK PASSED" : "HEAD NORM ROPE CHECK FAILED");
        return passed;
    }

    /// <summary>Time of the fused kernel and of the TorchSharp formulas on one 720p q of a single-stream block.</summary>
    public static IEnumerable<string> Bench(int reps)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tokens = new TokenGrid(32, 45, 80).TokenCount;
        var c = new Case("720p", tokens + 256, tokens, 24, 128, ScalarType.BFloat16, false);
        var (heads, norm, cos, sin) = Inputs(c);
        var fusedMs = Gpu.MedianMs(() => QkNormRope.Apply(heads, norm, cos, sin, c.RopeTokens), 1, reps);
        var referenceMs = Gpu.MedianMs(() => QkNormRope.Reference(heads, norm, cos, sin, c.RopeTokens), 1, reps);
        var bytes = 2.0 * heads.numel() * 2;
        yield return $"| D=128 | QK norm + RoPE, fused kernel, one q of [1, 24, {c.Tokens}, 128] | | {fusedMs:F2} | {bytes / fusedMs / 1e6:F0} GB/s (read + write) | |";
        yield return $"| D=128 | QK norm + RoPE, TorchSharp formulas (previous version), same q | | {referenceMs:F2} | {referenceMs / fusedMs:F1}x the fused time | |";
    }

    /// <summary>q as the model sees it: a [B, H, L, D] view of a [B, L, 3·H·D + extra] projection; random norm weight; RoPE tables of the video tokens.</summary>
    private static (Tensor Heads, RmsNorm Norm, Tensor Cos, Tensor Sin) Inputs(Case c)
    {
        var width = 3 * c.Heads * c.HeadDim + 256;
        var projection = Gpu.Random([1, c.Tokens, width], c.Type).mul_(3.0);
        var heads = DitMath.SplitHeads(projection.narrow(2, 0, 3 * c.Heads * c.HeadDim), 3, c.Heads)[0];
        var norm = new RmsNorm(c.HeadDim, 1e-6, new ParameterPlacement(Gpu.Cuda, c.Type));
        norm.Weight.copy_(rand(c.HeadDim, ScalarType.Float32, Gpu.Cuda).add_(0.5));
        var angles = randn(Math.Max(1, c.RopeTokens), c.HeadDim, ScalarType.Float32, Gpu.Cuda).mul_(10.0);
        return (heads, norm, angles.cos(), angles.sin());
    }
}
