using System.Diagnostics;
using System.Globalization;
using JengaFleet.GpuBench.Vae;
using JengaFleet.Models.HunyuanVideo.Vae;
using TorchSharp;
using static TorchSharp.torch;

// Full-size HunyuanVideo VAE (884-16c-hy) with random weights: tiled decode of one latent video.
// Usage: jenga-bench-vae [--dtype fp16|bf16] [--latent T,H,W] [--device cuda|cpu] [--no-tiling]
// Default: fp16 (the reference's --vae-precision), latent 32,90,160 = a 720x1280x125 video.
var options = BenchOptions.Parse(args);
Console.WriteLine($"VAE decode bench: latent [1,16,{options.T},{options.H},{options.W}] -> video [1,3,{1 + 4 * (options.T - 1)},{8 * options.H},{8 * options.W}], {options.DType}, device {options.Device}, tiling {(options.Tiling ? "on" : "off")}");

Device device;
GpuMemoryMonitor? memory = null;
if (options.Device == "cuda")
{
    InitializeDeviceType(DeviceType.CUDA);
    if (!cuda.is_available())
    {
        Console.Error.WriteLine("CUDA is not available (is LD_LIBRARY_PATH pointing at a CUDA libtorch?)");
        return 2;
    }
    device = CUDA;
    memory = GpuMemoryMonitor.TryStart(0, TimeSpan.FromMilliseconds(5), out var nvmlError);
    if (memory is null)
        Console.WriteLine($"NVML unavailable ({nvmlError}); no memory figures");
}
else
{
    device = CPU;
}

var dtype = options.DType switch
{
    "fp16" => ScalarType.Float16,
    "bf16" => ScalarType.BFloat16,
    "fp32" => ScalarType.Float32,
    _ => throw new ArgumentException($"unknown dtype {options.DType}"),
};

static string GiB(long bytes) => bytes < 0 ? "n/a" : (bytes / (1024.0 * 1024 * 1024)).ToString("F2", CultureInfo.InvariantCulture) + " GiB";
void Sync()
{
    if (device.type == DeviceType.CUDA)
        cuda.synchronize();
}

var idle = memory?.UsedNow() ?? -1;
var clock = Stopwatch.StartNew();
using var vae = new CausalVideoAutoencoder(CausalVaeConfig.FullSize, device, dtype);
vae.eval();
vae.EnableTiling(options.Tiling);
Sync();
var parameters = vae.parameters().Sum(p => p.numel());
Console.WriteLine($"built {parameters:N0} parameters in {clock.Elapsed.TotalSeconds:F1} s; device memory before {GiB(idle)}, with weights {GiB(memory?.UsedNow() ?? -1)}");

// Warm-up: one small untiled decode loads the kernels and cuDNN handles.
using (var scope = NewDisposeScope())
{
    clock.Restart();
    _ = vae.DecodeLatents(randn([1, 16, 2, 8, 8], dtype, device));
    Sync();
    Console.WriteLine($"warm-up decode [1,16,2,8,8]: {clock.Elapsed.TotalSeconds:F2} s");
}

// One full temporal x spatial tile on its own (17 latent frames x 32 x 32 -> 65 x 256 x 256): the unit the tiled decode repeats.
var tileT = Math.Min(options.T, vae.Tiling.TileLatentMinTSize + 1);
var tileHW = vae.Tiling.TileLatentMinSize;
if (options.Tiling && (options.T > tileT || options.H > tileHW || options.W > tileHW))
{
    using var scope = NewDisposeScope();
    var tile = randn([1, 16, tileT, tileHW, tileHW], dtype, device);
    memory?.ResetPeak();
    clock.Restart();
    _ = vae.DecodeLatents(tile);
    Sync();
    Console.WriteLine($"one tile [1,16,{tileT},{tileHW},{tileHW}] -> {1 + 4 * (tileT - 1)}x{8 * tileHW}x{8 * tileHW}: {clock.Elapsed.TotalSeconds:F2} s, peak device memory {GiB(memory?.Peak ?? -1)}");
}

manual_seed(0);
using var latents = randn([1, 16, options.T, options.H, options.W], dtype, device);
Sync();
var before = memory?.UsedNow() ?? -1;
memory?.ResetPeak();
clock.Restart();
using var video = vae.DecodeLatents(latents);
Sync();
var decodeSeconds = clock.Elapsed.TotalSeconds;
var peak = memory?.Peak ?? -1;

using (var scope = NewDisposeScope())
{
    var finite = video.isfinite().all().item<bool>();
    var asFloat = video.to(float32);
    Console.WriteLine($"output [{string.Join(",", video.shape)}] {video.dtype}: finite {finite}, min {asFloat.min().item<float>():F3}, max {asFloat.max().item<float>():F3}, mean {asFloat.mean().item<float>():F4}, std {asFloat.std().item<float>():F4}");
}

clock.Restart();
using var frames = VideoFrames.ToUint8(video);
var framesSeconds = clock.Elapsed.TotalSeconds;

var card = device.type == DeviceType.CUDA ? Environment.GetEnvironmentVariable("JENGA_GPU_NAME") ?? "cuda:0" : "cpu";
Console.WriteLine();
Console.WriteLine("| card | dtype | latent | video | tiling | decode s | peak device memory (NVML) | memory before decode | uint8 frames s |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
Console.WriteLine($"| {card} | {options.DType} | 16x{options.T}x{options.H}x{options.W} | {video.shape[2]}x{video.shape[3]}x{video.shape[4]} | {(options.Tiling ? "on" : "off")} | {decodeSeconds:F1} | {GiB(peak)} | {GiB(before)} | {framesSeconds:F1} |");
memory?.Dispose();
return 0;

internal sealed record BenchOptions(string DType, int T, int H, int W, string Device, bool Tiling)
{
    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions("fp16", 32, 90, 160, "cuda", true);
        for (var i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--dtype" => options with { DType = args[++i] },
                "--device" => options with { Device = args[++i] },
                "--no-tiling" => options with { Tiling = false },
                "--latent" => WithLatent(options, args[++i]),
                _ => throw new ArgumentException($"unknown argument '{args[i]}'"),
            };
        }
        return options;
    }

    private static BenchOptions WithLatent(BenchOptions options, string value)
    {
        var parts = value.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        return parts.Length == 3 ? options with { T = parts[0], H = parts[1], W = parts[2] } : throw new ArgumentException($"--latent wants T,H,W; got '{value}'");
    }
}
