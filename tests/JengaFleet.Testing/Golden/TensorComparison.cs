using System.Globalization;
using TorchSharp;

namespace JengaFleet.Testing.Golden;

/// <summary>Compares one actual tensor with its expected value under a <see cref="TensorTolerance"/>.</summary>
public static class TensorComparison
{
    /// <summary>
    /// Returns null when <paramref name="actual"/> matches <paramref name="expected"/>, otherwise a
    /// description: shape, number of differing elements, max abs difference, the worst element's
    /// index with both values there, and the tolerance used. Creates its temporaries in a dispose
    /// scope; the arguments are not disposed.
    /// </summary>
    public static string? Describe(torch.Tensor expected, torch.Tensor actual, TensorTolerance tolerance)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var expectedShape = expected.shape;
        var actualShape = actual.shape;
        if (!expectedShape.SequenceEqual(actualShape))
        {
            return $"shape differs: expected {Format(expectedShape)} {expected.dtype}, actual {Format(actualShape)} {actual.dtype}";
        }
        if (expected.NumberOfElements == 0)
        {
            return null;
        }
        if (expected.is_complex() || actual.is_complex())
        {
            return $"complex tensors are not supported by the golden comparison (expected {expected.dtype}, actual {actual.dtype})";
        }

        using var scope = torch.NewDisposeScope();
        var e = expected.cpu().reshape(-1);
        var a = actual.cpu().reshape(-1);
        var e64 = e.to(torch.ScalarType.Float64);
        var a64 = a.to(torch.ScalarType.Float64);
        var diff = (a64 - e64).abs();
        var bothNaN = torch.isnan(a64).logical_and(torch.isnan(e64));
        var nanMismatch = torch.isnan(a64).logical_xor(torch.isnan(e64));

        torch.Tensor bad;
        torch.Tensor excess;
        var integral = GoldenTolerance.IsIntegral(expected.dtype) && GoldenTolerance.IsIntegral(actual.dtype);
        if (tolerance.Exact && integral)
        {
            bad = e.to(torch.ScalarType.Int64).ne(a.to(torch.ScalarType.Int64));
            excess = diff;
        }
        else if (tolerance.Exact)
        {
            bad = a64.eq(e64).logical_or(bothNaN).logical_not();
            excess = diff;
        }
        else
        {
            var allowed = e64.abs() * tolerance.Rtol + tolerance.Atol;
            bad = a64.eq(e64).logical_or(bothNaN).logical_or(diff.le(allowed)).logical_not();
            excess = diff - allowed;
        }

        var badCount = bad.sum().item<long>();
        if (badCount == 0)
        {
            return null;
        }

        // Worst element: a NaN mismatch if any, else the largest excess over the allowed difference.
        var ranking = excess.masked_fill(torch.isnan(excess), double.PositiveInfinity)
            .masked_fill(bad.logical_not(), double.NegativeInfinity);
        var worst = ranking.argmax().item<long>();
        var maxAbs = diff.masked_fill(torch.isnan(diff), 0.0).max().item<double>();
        var nanCount = nanMismatch.sum().item<long>();

        var wide = expected.dtype == torch.ScalarType.Float64 || actual.dtype == torch.ScalarType.Float64;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{badCount} of {expected.NumberOfElements} elements differ; shape {Format(expectedShape)} " +
            $"(expected {expected.dtype}, actual {actual.dtype}); max |actual - expected| = {maxAbs:G6}; " +
            $"worst at {Format(Unravel(worst, expectedShape))}: expected {Value(e, worst, integral, wide)}, actual {Value(a, worst, integral, wide)}");
        if (nanCount > 0)
        {
            text += $"; {nanCount} elements are NaN on one side only";
        }
        return text + $"; tolerance {tolerance}";
    }

    /// <summary>Multi-dimensional index of flat (row-major) index <paramref name="flat"/>.</summary>
    public static long[] Unravel(long flat, long[] shape)
    {
        var index = new long[shape.Length];
        for (var d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] == 0)
            {
                continue;
            }
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }

    private static string Value(torch.Tensor flat, long index, bool integral, bool wide)
    {
        using var element = flat[index];
        if (integral)
        {
            using var asLong = element.to(torch.ScalarType.Int64);
            return asLong.item<long>().ToString(CultureInfo.InvariantCulture);
        }
        using var asDouble = element.to(torch.ScalarType.Float64);
        var value = asDouble.item<double>();
        return value.ToString(wide ? "R" : "G9", CultureInfo.InvariantCulture);
    }

    private static string Format(long[] values) => "[" + string.Join(", ", values) + "]";
}
