using System.Diagnostics;
using JengaFleet.Jenga.SafeTensors;
using JengaFleet.Testing;
using TorchSharp;
using Xunit;

namespace JengaFleet.Jenga.Tests.SafeTensors;

public sealed class SafeTensorsLargeFileTests : IDisposable
{
    /// <summary>Set to 1 to run the test that maps a sparse file of more than 4 GB.</summary>
    public const string LargeTestsVariable = "JENGA_LARGE_TESTS";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_300_MB_file_round_trips_within_10_seconds()
    {
        using var scope = torch.NewDisposeScope();
        var clock = Stopwatch.StartNew();
        var big = torch.arange(75_000_000, dtype: torch.ScalarType.Float32);   // 300 MB
        var small = torch.tensor(new[] { 7L, -7L });
        var path = _temp.File("big.safetensors");
        SafeTensorsWriter.Write(path, [("small", small), ("big", big)]);
        Assert.True(new FileInfo(path).Length > 300_000_000);

        using (var file = new SafeTensorsFile(path))
        {
            var loaded = file.Load("big");
            Assert.True(loaded.eq(big).all().item<bool>());
            Assert.Equal(new[] { 7L, -7L }, file.Load("small").data<long>().ToArray());
        }
        File.Delete(path);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    /// <summary>
    /// A sparse file (no disk blocks for the zeros) with a 2.5 GB tensor followed by one placed
    /// beyond 4 GB: exercises 64-bit pointers and the piecewise copy for real. Needs about 3 GB of
    /// memory and a few seconds, so it only runs when <see cref="LargeTestsVariable"/> is 1.
    /// </summary>
    [Fact]
    public void Tensors_over_2_GB_and_beyond_4_GB_offsets_load()
    {
        Assert.SkipUnless(Environment.GetEnvironmentVariable(LargeTestsVariable) == "1",
            $"set {LargeTestsVariable}=1 to map a sparse 4.5 GB file");

        const long hugeBytes = 2_500_000_000L;
        const long gap = 2_000_000_000L;
        var header =
            $"{{\"huge\": {{\"dtype\": \"U8\", \"shape\": [{hugeBytes}], \"data_offsets\": [0, {hugeBytes}]}}, " +
            $"\"gap\": {{\"dtype\": \"I8\", \"shape\": [{gap}], \"data_offsets\": [{hugeBytes}, {hugeBytes + gap}]}}, " +
            $"\"tail\": {{\"dtype\": \"I64\", \"shape\": [3], \"data_offsets\": [{hugeBytes + gap}, {hugeBytes + gap + 24}]}}}}";
        var json = System.Text.Encoding.UTF8.GetBytes(header);
        var path = _temp.File("sparse.safetensors");
        using (var stream = File.Create(path))
        {
            stream.Write(BitConverter.GetBytes((ulong)json.Length));
            stream.Write(json);
            var dataStart = stream.Position;
            stream.SetLength(dataStart + hugeBytes + gap + 24);
            stream.Position = dataStart + hugeBytes - 2;
            stream.Write([0xAB, 0xCD]);
            stream.Position = dataStart + hugeBytes + gap;
            foreach (var value in new[] { 11L, -22L, long.MinValue })
            {
                stream.Write(BitConverter.GetBytes(value));
            }
        }

        using var scope = torch.NewDisposeScope();
        using var file = new SafeTensorsFile(path);
        Assert.Equal(new[] { 11L, -22L, long.MinValue }, file.Load("tail").data<long>().ToArray());
        var huge = file.Load("huge");
        Assert.Equal(hugeBytes, huge.NumberOfElements);
        Assert.Equal(0xAB, huge[hugeBytes - 2].item<byte>());
        Assert.Equal(0xCD, huge[hugeBytes - 1].item<byte>());
        Assert.Equal(0, huge[1L << 31].item<byte>());
        Assert.Equal(0xAB + 0xCD, huge.sum(type: torch.ScalarType.Int64).item<long>());
    }
}
