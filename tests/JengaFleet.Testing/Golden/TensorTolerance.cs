using System.Globalization;

namespace JengaFleet.Testing.Golden;

/// <summary>
/// How one output tensor is compared: exactly, or element-wise
/// <c>|actual - expected| &lt;= Atol + Rtol * |expected|</c> in float64.
/// </summary>
/// <param name="Exact">Element-wise equality (integers compared as int64, uint8 and bool interchangeable).</param>
/// <param name="Atol">Absolute tolerance (ignored when exact).</param>
/// <param name="Rtol">Relative tolerance (ignored when exact).</param>
/// <param name="Origin">Which rule chose it, for failure messages.</param>
public readonly record struct TensorTolerance(bool Exact, double Atol, double Rtol, string Origin)
{
    /// <summary>Exact comparison.</summary>
    public static TensorTolerance ExactMatch(string origin) => new(true, 0, 0, origin);

    /// <inheritdoc />
    public override string ToString() =>
        Exact
            ? $"exact ({Origin})"
            : string.Create(CultureInfo.InvariantCulture, $"atol={Atol:G6}, rtol={Rtol:G6} ({Origin})");
}
