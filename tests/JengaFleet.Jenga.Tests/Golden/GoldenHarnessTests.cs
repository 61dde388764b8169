using JengaFleet.Jenga.SafeTensors;
using JengaFleet.Testing;
using TorchSharp;
using Xunit;
using Xunit.Sdk;

using JengaFleet.Testing.Golden;

namespace JengaFleet.Jenga.Tests.Golden;

/// <summary>Self-test of <see cref="GoldenCase.AssertOutputs"/> on a case file written here.</summary>
public sealed class GoldenHarnessTests : IDisposable
{
    private const string Tolerance =
        """{"atol": 1e-3, "rtol": 0, "per_tensor": {"out.exact_f": {"exact": true}, "out.loose": {"atol": 0.5}}}""";

    private readonly TempDirectory _temp = new();
    private readonly GoldenCase _case;
    private readonly torch.Tensor _floats = torch.tensor(new[] { 0f, 1f, -2f, 3.25f, 1e-4f, -7f }).reshape(2, 3);
    private readonly torch.Tensor _exactFloats = torch.tensor(new[] { 0.1f, 0.2f });
    private readonly torch.Tensor _ints = torch.tensor(new[] { 5L, 6L, 7L, 8L });
    private readonly torch.Tensor _mask = torch.tensor(new byte[] { 1, 0, 0, 1 }).reshape(2, 2);
    private readonly torch.Tensor _loose = torch.tensor(new[] { 10.0, 20.0 });
    private readonly torch.Tensor _input = torch.arange(3, dtype: torch.ScalarType.Int32);

    public GoldenHarnessTests()
    {
        var path = _temp.File("selfcheck.safetensors");
        SafeTensorsWriter.Write(path,
        [
            ("in.x", _input),
            ("out.floats", _floats),
            ("out.exact_f", _exactFloats),
            ("out.ints", _ints),
            ("out.mask", _mask),
            ("out.loose", _loose),
        ],
        new Dictionary<string, string> { ["config"] = """{"k": 3, "name": "self"}""", ["tolerance"] = Tolerance });
        _case = GoldenCase.Open("selftest", path);
    }

    public void Dispose()
    {
        _case.Dispose();
        foreach (var t in new[] { _floats, _exactFloats, _ints, _mask, _loose, _input })
        {
            t.Dispose();
        }
        _temp.Dispose();
    }

    private Dictionary<string, torch.Tensor> Exact() => new()
    {
        ["out.floats"] = _floats.clone(),
        ["out.exact_f"] = _exactFloats.clone(),
        ["out.ints"] = _ints.clone(),
        ["out.mask"] = _mask.clone(),
        ["out.loose"] = _loose.clone(),
    };

    private string Failure(IReadOnlyDictionary<string, torch.Tensor> actual, IEnumerable<string>? only = null) =>
        Assert.ThrowsAny<XunitException>(() => _case.AssertOutputs(actual, only)).Message;

    [Fact]
    public void Case_properties_come_from_the_file()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Equal("selftest", _case.Suite);
        Assert.Equal("selfcheck", _case.Name);
        Assert.Equal(3, _case.Config.GetProperty("k").GetInt32());
        Assert.Equal(["in.x"], _case.InputNames);
        Assert.Equal(["out.floats", "out.exact_f", "out.ints", "out.mask", "out.loose"], _case.OutputNames);
        Assert.Empty(_case.WeightNames);
        Assert.Equal(torch.ScalarType.Int32, _case.Input("x").dtype);
        Assert.Equal(new[] { 0, 1, 2 }, _case.Input("in.x").data<int>().ToArray());
        Assert.Equal(new[] { 5L, 6, 7, 8 }, _case.Expected("ints").data<long>().ToArray());
        Assert.Equal(1e-3, _case.Tolerance.Atol);
    }

    [Fact]
    public void Equal_outputs_pass()
    {
        using var scope = torch.NewDisposeScope();
        _case.AssertOutputs(Exact());
    }

    [Fact]
    public void Short_names_bool_masks_and_other_integer_widths_pass()
    {
        using var scope = torch.NewDisposeScope();
        var actual = Exact();
        actual.Remove("out.mask");
        actual["mask"] = _mask.to(torch.ScalarType.Bool);
        actual["out.ints"] = _ints.to(torch.ScalarType.Int32);
        actual["out.floats"] = _floats.to(torch.ScalarType.Float64);
        _case.AssertOutputs(actual);
    }

    [Fact]
    public void Differences_within_atol_pass()
    {
        using var scope = torch.NewDisposeScope();
        var actual = Exact();
        actual["out.floats"] = _floats + 0.0009f;
        actual["out.loose"] = _loose - 0.4;
        _case.AssertOutputs(actual);
    }

    [Fact]
    public void A_difference_beyond_atol_fails_with_the_details()
    {
        using var scope = torch.NewDisposeScope();
        var actual = Exact();
        var off = _floats.clone();
        off[1, 2] = torch.tensor(-6.5f);     // expected -7: off by 0.5
        off[0, 1] = torch.tensor(1.002f);    // off by 0.002, also beyond atol 1e-3
        actual["out.floats"] = off;

        var message = Failure(actual);
        Assert.Contains("golden case selftest/selfcheck", message);
        Assert.Contains("1 of 5 outputs", message);
        Assert.Contains("out.floats", message);
        Assert.Contains("2 of 6 elements differ", message);
        Assert.Contains("shape [2, 3]", message);
        Assert.Contains("max |actual - expected| = 0.5", message);
        Assert.Contains("worst at [1, 2]: expected -7, actual -6.5", message);
        Assert.Contains("atol=0.001, rtol=0 (case)", message);
        Assert.DoesNotContain("out.ints", message);
    }

    [Fact]
    public void Exact_outputs_reject_the_smallest_difference()
    {
        using var scope = torch.NewDisposeScope();
        var actual = Exact();
        actual["out.exact_f"] = torch.tensor(new[] { 0.1f, MathF.BitIncrement(0.2f) });
        var message = Failure(actual);
        Assert.Contains("out.exact_f", message);
        Assert.Contains("worst at [1]", message);
        Assert.Contains("exact (per_tensor)", message);
    }

    [Fact]
    public void Integer_outputs_are_exact_even_under_a_float_tolerance()
    {
        using var scope = torch.NewDisposeScope();
        var actual = Exact();
        actual["out.ints"] = torch.tensor(new[] { 5L, 6L, 70L, 8L });
        actual["out.mask"] = torch.tensor(new[] { true, true, false, true }).reshape(2, 2);
        var message = Failure(actual);
        Assert.Contains("2 of 5 outputs", message);
        Assert.Contains("out.ints: 1 of 4 elements differ", message);
        Assert.Contains("worst at [2]: expected 7, actual 70", message);
        Assert.Contains("exact (Int64 output)", message);
        Assert.Contains("out.mask: 1 of 4 elements differ", message);
        Assert.Contains("worst at [0, 1]: expected 0, actual 1", message);
    }

    [Fact]
    public void Per_tensor_atol_overrides_the_case_and_inherits_rtol()
    {
        using var scope = torch.NewDisposeScope();
        var actual = Exact();
        actual["out.loose"] = _loose + 0.6;
        var message = Failure(actual);
        Assert.Contains("out.loose", message);
        Assert.Contains("atol=0.5, rtol=0 (per_tensor)", message);
    }

    [Fact]
    public void A_missing_output_is_reported_by_name_with_all_other_failures()
    {
        using var scope = torch.NewDisposeScope();
        var actual = Exact();
        actual.Remove("out.loose");
        actual["out.floats"] = _floats * 2;
        var message = Failure(actual);
        Assert.Contains("2 of 5 outputs", message);
        Assert.Contains("out.loose: missing from the actual outputs (expected F64 [2])", message);
        Assert.Contains("out.floats:", message);
    }

    [Fact]
    public void A_shape_mismatch_is_reported()
    {
        using var scope = torch.NewDisposeScope();
        var actual = Exact();
        actual["out.floats"] = _floats.reshape(3, 2);
        var message = Failure(actual);
        Assert.Contains("out.floats: shape differs: expected [2, 3] Float32, actual [3, 2] Float32", message);
    }

    [Fact]
    public void NaN_matches_NaN_only()
    {
        var path = _temp.File("nan.safetensors");
        using var scope = torch.NewDisposeScope();
        SafeTensorsWriter.Write(path, [("out.v", torch.tensor(new[] { float.NaN, 1f, float.PositiveInfinity }))],
            new Dictionary<string, string> { ["tolerance"] = """{"atol": 1e-3, "rtol": 1e-3}""" });
        using var nanCase = GoldenCase.Open("selftest", path);

        nanCase.AssertOutputs(new Dictionary<string, torch.Tensor> { ["v"] = torch.tensor(new[] { float.NaN, 1f, float.PositiveInfinity }) });
        var message = Assert.ThrowsAny<XunitException>(() => nanCase.AssertOutputs(
            new Dictionary<string, torch.Tensor> { ["v"] = torch.tensor(new[] { 0f, float.NaN, float.PositiveInfinity }) })).Message;
        Assert.Contains("2 of 3 elements differ", message);
        Assert.Contains("2 elements are NaN on one side only", message);
    }

    [Fact]
    public void Only_checks_the_named_outputs()
    {
        using var scope = torch.NewDisposeScope();
        var partial = new Dictionary<string, torch.Tensor> { ["out.ints"] = _ints.clone(), ["mask"] = _mask.clone() };
        _case.AssertOutputs(partial, only: ["ints", "out.mask"]);

        partial["out.ints"] = _ints + 1;
        Assert.Contains("out.ints", Failure(partial, only: ["out.ints"]));
        Assert.Contains("out.nope: the case has no such output", Failure(partial, only: ["nope"]));
    }

    [Fact]
    public void Case_wide_exact_applies_to_float_outputs()
    {
        var path = _temp.File("exact.safetensors");
        using var scope = torch.NewDisposeScope();
        SafeTensorsWriter.Write(path, [("out.v", torch.tensor(new[] { 1.5, 2.5 }))],
            new Dictionary<string, string> { ["tolerance"] = """{"exact": true}""" });
        using var exactCase = GoldenCase.Open("selftest", path);
        exactCase.AssertOutputs(new Dictionary<string, torch.Tensor> { ["v"] = torch.tensor(new[] { 1.5f, 2.5f }) });
        var message = Assert.ThrowsAny<XunitException>(() => exactCase.AssertOutputs(
            new Dictionary<string, torch.Tensor> { ["v"] = torch.tensor(new[] { 1.5, 2.5 + 1e-12 }) })).Message;
        Assert.Contains("exact (case)", message);
        Assert.Contains("actual 2.500000000001", message);
    }

    [Fact]
    public void Malformed_tolerance_metadata_is_refused_naming_the_case()
    {
        var path = _temp.File("badtol.safetensors");
        using var scope = torch.NewDisposeScope();
        SafeTensorsWriter.Write(path, [("out.v", torch.ones(1))],
            new Dictionary<string, string> { ["tolerance"] = """{"atol": "big"}""" });
        var error = Assert.Throws<FormatException>(() => GoldenCase.Open("selftest", path).Dispose());
        Assert.Contains("selftest/badtol", error.Message);
        Assert.Contains("atol", error.Message);
    }
}
