namespace JengaFleet.Jenga.Cuda.Kernels;

/// <summary>
/// Compiled cubins on disk, one file per kernel source, instantiation set, compile options and GPU
/// architecture, so that NVRTC runs once per machine and source version.
/// Folder: <c>$JENGA_KERNEL_CACHE</c>, else <c>$XDG_CACHE_HOME/jengafleet/kernels</c>, else <c>~/.cache/jengafleet/kernels</c>.
/// </summary>
public sealed class KernelCache(string folder)
{
    public const string FolderVariable = "JENGA_KERNEL_CACHE";

    public string Folder { get; } = folder;

    public static KernelCache Default()
    {
        var explicitFolder = Environment.GetEnvironmentVariable(FolderVariable);
        if (!string.IsNullOrWhiteSpace(explicitFolder))
            return new KernelCache(explicitFolder);
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = !string.IsNullOrWhiteSpace(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return new KernelCache(Path.Combine(root, "jengafleet", "kernels"));
    }

    /// <summary>The cache file for a compiled source: name, architecture and the first 16 hex digits of the hash of source and options.</summary>
    public string PathFor(string name, string architecture, string sourceAndOptionsHash) =>
        Path.Combine(Folder, $"{name}-{architecture}-{sourceAndOptionsHash[..16]}.cubin");

    public byte[]? TryRead(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Writes through a temporary file and a rename, so concurrent processes never read half a cubin. A read-only cache is not an error.</summary>
    public bool TryWrite(string path, byte[] cubin)
    {
        try
        {
            Directory.CreateDirectory(Folder);
            var temporary = $"{path}.{Environment.ProcessId}.tmp";
            File.WriteAllBytes(temporary, cubin);
            File.Move(temporary, path, overwrite: true);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
