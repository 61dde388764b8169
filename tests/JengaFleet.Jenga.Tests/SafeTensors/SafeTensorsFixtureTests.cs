using System.Text.Json;
using JengaFleet.Jenga.SafeTensors;
using JengaFleet.Jenga.Tests.Golden;
using TorchSharp;
using Xunit;

using JengaFleet.Testing;
using JengaFleet.Testing.Golden;

namespace JengaFleet.Jenga.Tests.SafeTensors;

/// <summary>Reads real fixture files written by the Python safetensors library.</summary>
[Trait("Category", "Golden")]
public sealed class SafeTensorsFixtureTests
{
    [Fact]
    public void Reads_the_sfc_gilbert_2x4x4_fixture()
    {
        var path = Path.Combine(FixtureRoot.Require(), "sfc", "gilbert_2x4x4.safetensors");
        using var scope = torch.NewDisposeScope();
        using var file = new SafeTensorsFile(path);

        Assert.Equal(["in.grid_thw", "out.block_neighbors", "out.curve_to_linear", "out.linear_to_curve"], file.Names);
        Assert.Equal(968, file.HeaderLength);
        Assert.Equal("sfc", file.Metadata["suite"]);
        Assert.Equal("gilbert_2x4x4", file.Metadata["case"]);
        Assert.Equal("""{"exact": true}""", file.Metadata["tolerance"]);
        using (var config = JsonDocument.Parse(file.Metadata["config"]))
        {
            Assert.Equal(32, config.RootElement.GetProperty("n_tokens").GetInt32());
            Assert.Equal("gilbert", config.RootElement.GetProperty("curve").GetString());
        }

        var grid = file.Load("in.grid_thw");
        Assert.Equal(torch.ScalarType.Int64, grid.dtype);
        Assert.Equal(new[] { 2L, 4, 4 }, grid.data<long>().ToArray());

        var neighbors = file.Load("out.block_neighbors");
        Assert.Equal(torch.ScalarType.Byte, neighbors.dtype);
        Assert.Equal(new long[] { 1, 1 }, neighbors.shape);
        Assert.Equal((byte)1, neighbors.reshape(-1).data<byte>()[0]);

        // Starts at data offset 25: an int64 tensor at an odd address.
        Assert.Equal(25, file.GetEntry("out.curve_to_linear").DataBegin);
        long[] curveToLinear =
        [
            0, 16, 17, 1, 5, 21, 20, 4, 8, 12, 28, 24, 25, 29, 13, 9,
            10, 14, 30, 26, 27, 31, 15, 11, 7, 23, 22, 6, 2, 18, 19, 3,
        ];
        Assert.Equal(curveToLinear, file.Load("out.curve_to_linear").data<long>().ToArray());

        var linearToCurve = file.Load("out.linear_to_curve").data<long>().ToArray();
        for (var p = 0; p < curveToLinear.Length; p++)
        {
            Assert.Equal(p, linearToCurve[curveToLinear[p]]);
        }
    }

    [Fact]
    public void A_fixture_rewritten_by_our_writer_has_identical_tensor_bytes()
    {
        var path = Path.Combine(FixtureRoot.Require(), "sfc", "gilbert_3x5x6.safetensors");
        var copy = Path.Combine(Path.GetTempPath(), $"jenga-copy-{Guid.NewGuid():N}.safetensors");
        try
        {
            using var scope = torch.NewDisposeScope();
            using var original = new SafeTensorsFile(path);
            SafeTensorsWriter.Write(copy, original.Names.Select(n => (n, original.Load(n))), original.Metadata);

            using var rewritten = new SafeTensorsFile(copy);
            Assert.Equal(original.Names, rewritten.Names);
            Assert.Equal(original.Metadata, rewritten.Metadata);
            Assert.Equal(original.DataLength, rewritten.DataLength);
            var a = File.ReadAllBytes(path).AsSpan((int)original.DataStart);
            var b = File.ReadAllBytes(copy).AsSpan((int)rewritten.DataStart);
            Assert.True(a.SequenceEqual(b));
        }
        finally
        {
            File.Delete(copy);
        }
    }
}
