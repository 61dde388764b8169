using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Transformer.Modules;

/// <summary>
/// Where and in which dtype a module creates its parameters: CPU/float32 for tests, CUDA/bf16 on a GPU,
/// or the <c>meta</c> device to build the full-size model without memory (shape checks).
/// </summary>
public sealed record ParameterPlacement(Device? Device = null, ScalarType? DType = null)
{
    public static ParameterPlacement Cpu { get; } = new();

    public static ParameterPlacement Meta { get; } = new(new Device("meta"));

    public Linear Linear(long inFeatures, long outFeatures, bool bias = true) =>
        nn.Linear(inFeatures, outFeatures, bias, Device, DType);

    /// <summary>A learnable vector initialised to ones (RMSNorm and LayerNorm scales).</summary>
    public Parameter Ones(long size) => new(ones(size, DType ?? ScalarType.Float32, Device));

    public Parameter Zeros(long size) => new(zeros(size, DType ?? ScalarType.Float32, Device));
}
