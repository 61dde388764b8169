using JengaFleet.Models.HunyuanVideo.Transformer.Modules;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace JengaFleet.Models.Tests.HunyuanVideo;

/// <summary>The adaLN helper off the GPU: exactly the <see cref="DitMath"/> formulas the golden tests pin, and the math they stand for.</summary>
public class AdaLnTests
{
    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void Modulated_norm_on_the_cpu_is_the_reference_formula(ScalarType type)
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var x = randn(2, 7, 24).mul_(3).add_(1).to(type);
        var mod = randn(2, 3 * 24).mul_(0.5).to(type).chunk(3, -1);

        var actual = AdaLn.ModulatedNorm(x, mod[0], mod[1], 1e-6);

        Assert.Equal(type, actual.dtype);
        Assert.True(actual.eq(DitMath.Modulate(DitMath.LayerNorm(x, 1e-6), mod[0], mod[1])).all().item<bool>());
        // LN(x)·(1 + scale) + shift written out in float64.
        var x64 = x.to(ScalarType.Float64);
        var normed = (x64 - x64.mean([-1], keepdim: true)) / (x64.var(-1, unbiased: false, keepdim: true) + 1e-6).sqrt();
        var expected = normed * (mod[1].to(ScalarType.Float64).unsqueeze(1) + 1) + mod[0].to(ScalarType.Float64).unsqueeze(1);
        var tolerance = type == ScalarType.Float32 ? 1e-5 : 5e-2;
        Assert.True(actual.to(ScalarType.Float64).allclose(expected, rtol: tolerance, atol: tolerance));
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void Gated_residual_on_the_cpu_is_the_reference_formula(ScalarType type)
    {
        using var scope = NewDisposeScope();
        manual_seed(6);
        var x = randn(2, 5, 16).to(type);
        var y = randn(2, 5, 16).to(type);
        var gate = randn(2, 16).to(type);

        var actual = AdaLn.GatedResidual(x, y, gate);

        Assert.True(actual.eq(x.add(DitMath.Gate(y, gate))).all().item<bool>());
        var expected = x.to(ScalarType.Float64) + y.to(ScalarType.Float64) * gate.to(ScalarType.Float64).unsqueeze(1);
        var tolerance = type == ScalarType.Float32 ? 1e-5 : 5e-2;
        Assert.True(actual.to(ScalarType.Float64).allclose(expected, rtol: tolerance, atol: tolerance));
    }
}
