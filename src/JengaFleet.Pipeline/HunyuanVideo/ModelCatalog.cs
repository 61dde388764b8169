using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Pipeline.HunyuanVideo;

/// <summary>The models this build can serve, by the name requests carry.</summary>
public static class ModelCatalog
{
    /// <summary>HunyuanVideo text-to-video 720p (the official release, weights in its download layout).</summary>
    public const string HunyuanVideo = "hunyuan-video";

    public static IReadOnlyList<string> Names { get; } = [HunyuanVideo, HunyuanTinyModel.Name];

    /// <summary>Default request size per model: the release's 720p x 125 frames; a CPU-friendly clip for the tiny model.</summary>
    public static (int Width, int Height, int Frames) DefaultSize(string model) =>
        IsTiny(model) ? (128, 128, 9) : (1280, 720, 125);

    public static bool IsKnown(string model) => Names.Contains(model, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Engine settings for a model. The tiny model is written to <paramref name="weights"/> (default: the user cache)
    /// on first use; the real one needs <paramref name="weights"/> (or <c>MODEL_BASE</c>) with every file present.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown model or missing weights folder.</exception>
    /// <exception cref="FileNotFoundException">A weight file is missing; the message names it.</exception>
    public static HunyuanVideoEngineOptions Resolve(string model, string? weights, Device device)
    {
        if (IsTiny(model))
        {
            var (layout, crop) = HunyuanTinyModel.EnsureWritten(weights ?? HunyuanTinyModel.DefaultRoot);
            return new HunyuanVideoEngineOptions(HunyuanTinyModel.Name, layout, device, crop)
            {
                Description = "hunyuan-tiny: the HunyuanVideo architecture at tiny widths with random weights (its videos are noise)",
            };
        }

        if (!string.Equals(model, HunyuanVideo, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"unknown model '{model}'; known models: {string.Join(", ", Names)}");
        var root = weights ?? Environment.GetEnvironmentVariable("MODEL_BASE");
        if (string.IsNullOrEmpty(root))
            throw new ArgumentException($"model '{HunyuanVideo}' needs its weights: pass --weights DIR (the folder of the official download, e.g. ckpts) or set MODEL_BASE");
        var real = new HunyuanVideoWeightLayout(Path.GetFullPath(root));
        if (real.FirstMissing() is { } missing)
            throw new FileNotFoundException($"model '{HunyuanVideo}': missing {missing}");
        return new HunyuanVideoEngineOptions(HunyuanVideo, real, device);
    }

    /// <summary>"cpu" or "cuda" (or "cuda:N") as a TorchSharp device, initialising the CUDA backend when asked.</summary>
    public static Device ParseDevice(string name)
    {
        if (name.StartsWith("cuda", StringComparison.OrdinalIgnoreCase))
        {
            InitializeDeviceType(DeviceType.CUDA);
            if (!cuda.is_available())
                throw new ArgumentException($"device '{name}' requested but CUDA is not available (GPU build with -p:JengaGpu=true and a CUDA libtorch on LD_LIBRARY_PATH)");
            return new Device(name.ToLowerInvariant());
        }

        return string.Equals(name, "cpu", StringComparison.OrdinalIgnoreCase)
            ? CPU
            : throw new ArgumentException($"unknown device '{name}'; use cpu or cuda");
    }

    private static bool IsTiny(string model) => string.Equals(model, HunyuanTinyModel.Name, StringComparison.OrdinalIgnoreCase);
}
