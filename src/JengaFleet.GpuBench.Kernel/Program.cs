using JengaFleet.GpuBench.Kernel;
using JengaFleet.Jenga.Cuda;
using JengaFleet.Jenga.Cuda.Kernels;
using TorchSharp;
using static TorchSharp.torch;

// Usage: JengaFleet.GpuBench.Kernel <check|sanitize|bench|all> [--out DIR] [--variants 32x2w4m1,64x2w8m2] [--quick]
// A variant is "default" (the defaults for the GPU's architecture: wgmma on Hopper, mma.sync elsewhere), {keys per tile}x{stages}w{warps}m{min CTAs per SM}
// (mma.sync) or wgmma{stages} (Hopper). The first is the backend under test (head dims 64/128, bf16 and fp16);
// the others compile only d128 bf16 and run beside it for comparison (e.g. the previous kernel as the baseline).
var command = args.Length > 0 ? args[0] : "all";
var outDir = Option("--out") ?? Environment.GetEnvironmentVariable("OUT") ?? ".";
var variantSpec = Option("--variants") ?? "default";
var quick = args.Contains("--quick");
Directory.CreateDirectory(outDir);

InitializeDeviceType(DeviceType.CUDA);
var choice = AttentionBackendFactory.Create(Gpu.Cuda, Console.WriteLine);
if (!choice.UsesCudaKernel)
{
    Console.Error.WriteLine("the CUDA kernel is not available here: " + choice.Reason);
    return 2;
}

var backends = new List<(string Label, CudaBlockSparseAttention Backend)>();
foreach (var (spec, index) in variantSpec.Split(',').Select((s, i) => (s, i)))
{
    IReadOnlyList<KernelVariant>? variants = spec == "default" ? null
        : index == 0 ? KernelVariant.Defaults(KernelVariant.ParseShape(spec))
        : [KernelVariant.ParseShape(spec)];
    var backend = CudaBlockSparseAttention.TryCreate(Gpu.Cuda, out var reason, variants)
        ?? throw new InvalidOperationException($"variant {spec}: {reason}");
    Console.WriteLine($"variant {backend.ShapeLabel}: {reason}");
    backends.Add((index == 0 ? "default" : "alt", backend));
}

using (var compileLog = new StreamWriter(Path.Combine(outDir, "kernel-compile.log")))
{
    foreach (var (label, backend) in backends)
    {
        var k = backend.Kernels;
        compileLog.WriteLine($"== {label} {backend.ShapeLabel}: {k.Device.Name} sm {k.Device.Major}.{k.Device.Minor} ({k.Device.Architecture}), {k.Device.Multiprocessors} SMs, max shared/block {k.Device.MaxSharedBytesPerBlock}");
        compileLog.WriteLine(k.Origin);
        compileLog.WriteLine(k.CompileLog);
        foreach (var f in k.Functions)
        {
            var line = $"{f.Name}: {f.Registers} registers, {f.LocalBytes} bytes local (spill) memory, {f.SharedBytes} bytes dynamic shared";
            compileLog.WriteLine(line);
            Console.WriteLine(line);
        }
    }
}

var ok = true;
if (command is "check" or "all")
{
    using var log = new StreamWriter(Path.Combine(outDir, "kernel-check.md"));
    ok &= KernelCheck.Run(backends, log);
    ok &= HeadNormRopeCheck.Run(log);
    ok &= ModulationCheck.Run(log);
}

if (command == "sanitize")
    KernelCheck.SanitizerCase(backends[0].Backend);

if (command is "bench" or "all")
{
    using var log = new StreamWriter(Path.Combine(outDir, "kernel-bench.md"));
    KernelBench.Run(backends, quick, log);
}

return ok ? 0 : 1;

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
