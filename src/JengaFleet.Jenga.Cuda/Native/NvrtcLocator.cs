namespace JengaFleet.Jenga.Cuda.Native;

/// <summary>
/// Where NVRTC may live on a machine that has PyTorch but no CUDA toolkit: PyTorch's CUDA wheels ship it
/// as <c>site-packages/nvidia/cu13/lib/libnvrtc.so.13</c> (CUDA 13) or
/// <c>site-packages/nvidia/cuda_nvrtc/lib/libnvrtc.so.12</c> (CUDA 12), next to <c>site-packages/torch/lib</c>,
/// which the GPU build already has on <c>LD_LIBRARY_PATH</c>. A toolkit install has it in its lib64.
/// </summary>
internal static class NvrtcLocator
{
    /// <summary>Sonames tried, newest first.</summary>
    public static readonly string[] Sonames = ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so"];

    /// <summary>Environment variable naming the NVRTC library file (or its folder) to use.</summary>
    public const string OverrideVariable = "JENGA_NVRTC";

    /// <summary>
    /// Candidate library files in the order they are tried: the override, then every soname in every
    /// folder derived from <paramref name="libraryPath"/> (each entry itself, and the nvidia wheel folders
    /// beside a torch/lib entry), then the CUDA toolkit's usual folders.
    /// </summary>
    public static IReadOnlyList<string> Candidates(string? overridePath, string? libraryPath, string? cudaHome)
    {
        var files = new List<string>();
        if (!string.IsNullOrWhiteSpace(overridePath))
        {
            if (Directory.Exists(overridePath))
                files.AddRange(Sonames.Select(s => Path.Combine(overridePath, s)));
            else
                files.Add(overridePath);
        }

        foreach (var folder in Folders(libraryPath, cudaHome))
            files.AddRange(Sonames.Select(s => Path.Combine(folder, s)));
        return files.Distinct(StringComparer.Ordinal).ToList();
    }

    private static IEnumerable<string> Folders(string? libraryPath, string? cudaHome)
    {
        var entries = (libraryPath ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var entry in entries)
        {
            yield return entry;
            // .../site-packages/torch/lib -> .../site-packages/nvidia/*/lib
            var sitePackages = Path.GetFullPath(Path.Combine(entry, "..", ".."));
            var nvidia = Path.Combine(sitePackages, "nvidia");
            yield return Path.Combine(nvidia, "cu13", "lib");
            yield return Path.Combine(nvidia, "cuda_nvrtc", "lib");
            if (Directory.Exists(nvidia))
            {
                foreach (var lib in Directory.EnumerateDirectories(nvidia).Select(d => Path.Combine(d, "lib")).Order(StringComparer.Ordinal))
                    yield return lib;
            }
        }

        if (!string.IsNullOrWhiteSpace(cudaHome))
            yield return Path.Combine(cudaHome, "lib64");
        yield return "/usr/local/cuda/lib64";
    }
}
