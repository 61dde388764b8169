using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Models.Checkpoints;

/// <summary>
/// Named tensors in a checkpoint, read one at a time so that loading a model never holds more than one
/// tensor of the file in host memory. Implementations: safetensors files and shards, PyTorch .pt archives.
/// </summary>
public interface ITensorSource : IDisposable
{
    /// <summary>What the tensors come from (file paths), for error messages.</summary>
    string Description { get; }

    IReadOnlyCollection<string> Names { get; }

    long[] Shape(string name);

    /// <summary>Reads one tensor converted to <paramref name="dtype"/> on <paramref name="device"/>; the caller owns it.</summary>
    Tensor Load(string name, ScalarType dtype, Device device);
}
