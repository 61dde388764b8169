namespace JengaFleet.Models.Checkpoints;

/// <summary>
/// Finds the official weight files as downloaded (<c>ckpts/</c> layout of the HunyuanVideo release) or a
/// single-file safetensors repack, and opens them as an <see cref="ITensorSource"/>.
/// </summary>
public static class CheckpointFiles
{
    public const string T2VTransformer = "hunyuan-video-t2v-720p/transformers/mp_rank_00_model_states.pt";
    public const string I2VTransformer = "hunyuan-video-i2v-720p/transformers/mp_rank_00_model_states.pt";

    /// <summary>
    /// The DiT weight file for <paramref name="path"/>: the file itself (<c>.pt</c>, <c>.pth</c>, <c>.safetensors</c>);
    /// or, for a folder, the official file below it (weights root or its <c>transformers</c> folder), else the
    /// folder's only <c>*_model_states.pt</c> (the fp8 variant excluded) or <c>.safetensors</c> repack.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing found; the message names the path that was expected.</exception>
    public static string FindTransformer(string path, bool imageToVideo = false)
    {
        var relative = imageToVideo ? I2VTransformer : T2VTransformer;
        if (File.Exists(path))
            return Path.GetFullPath(path);
        var expected = Path.GetFullPath(Path.Combine(path, relative));
        if (Directory.Exists(path))
        {
            if (File.Exists(expected))
                return expected;
            foreach (var folder in new[] { Path.GetDirectoryName(expected)!, Path.GetFullPath(path) })
            {
                if (!Directory.Exists(folder))
                    continue;
                var states = Directory.GetFiles(folder, "*_model_states.pt").Where(f => !f.Contains("_fp8", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
                if (states.Count > 0)
                    return states[0];
                var repacks = Directory.GetFiles(folder, "*.safetensors");
                if (repacks.Length == 1)
                    return repacks[0];
            }
        }

        throw new FileNotFoundException(
            $"HunyuanVideo {(imageToVideo ? "I2V" : "T2V")} transformer weights not found under '{path}': expected {expected} " +
            "(the official download layout), or a single *_model_states.pt or .safetensors file in that folder or in the given one.",
            expected);
    }

    /// <summary>Opens a weight file by its format: PyTorch zip (<c>.pt</c>/<c>.pth</c>/<c>.bin</c>) or safetensors.</summary>
    /// <param name="loadKey">For PyTorch files: the entry holding the state dict (DeepSpeed: <c>module</c>).</param>
    public static ITensorSource Open(string file, string? loadKey = PyTorchCheckpointSource.DefaultLoadKey)
    {
        if (file.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) || Directory.Exists(file))
            return SafeTensorsSource.Open(file);
        return PyTorchCheckpointSource.Open(file, loadKey);
    }

    /// <summary><see cref="FindTransformer"/> then <see cref="Open"/>.</summary>
    public static ITensorSource OpenTransformer(string path, bool imageToVideo = false) => Open(FindTransformer(path, imageToVideo));
}
