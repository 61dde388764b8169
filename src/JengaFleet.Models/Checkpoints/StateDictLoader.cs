using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Models.Checkpoints;

/// <summary>
/// Copies a checkpoint into a module by the official key names (strict, like PyTorch's
/// <c>load_state_dict(strict=True)</c>): every key must exist on both sides with the same shape. Tensors are
/// read, converted and copied one at a time, so host memory stays near one tensor.
/// </summary>
public static class StateDictLoader
{
    /// <summary>Checks names and shapes without reading any tensor data; throws <see cref="CheckpointMismatchException"/>.</summary>
    public static void Verify(nn.Module module, ITensorSource source)
    {
        var expected = module.state_dict();
        var names = source.Names.ToHashSet(StringComparer.Ordinal);
        var missing = expected.Keys.Where(k => !names.Contains(k)).ToList();
        var unexpected = names.Where(k => !expected.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var misShaped = new List<string>();
        foreach (var (key, tensor) in expected)
        {
            if (!names.Contains(key))
                continue;
            var shape = source.Shape(key);
            if (!shape.SequenceEqual(tensor.shape))
                misShaped.Add($"{key}: checkpoint [{string.Join(", ", shape)}], module [{string.Join(", ", tensor.shape)}]");
        }

        if (missing.Count + unexpected.Count + misShaped.Count > 0)
            throw new CheckpointMismatchException(source.Description, missing, unexpected, misShaped);
    }

    /// <summary>Verifies, then copies every tensor into the module's own parameters and buffers (keeping their dtype and device).</summary>
    public static void Load(nn.Module module, ITensorSource source)
    {
        Verify(module, source);
        using var noGrad = no_grad();
        foreach (var (key, target) in module.state_dict())
        {
            using var scope = NewDisposeScope();
            var value = source.Load(key, target.dtype, target.device);
            target.copy_(value);
        }
    }
}
