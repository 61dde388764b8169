using JengaFleet.Jenga.Attention;
using JengaFleet.Jenga.Cuda;
using JengaFleet.Pipeline.Engine;
using static TorchSharp.torch;

namespace JengaFleet.Pipeline.HunyuanVideo;

/// <summary>How a <see cref="HunyuanVideoEngine"/> is set up.</summary>
/// <param name="ModelName">The model name requests must carry (e.g. <c>hunyuan-video</c>, <c>hunyuan-tiny</c>).</param>
/// <param name="Weights">Where the files are.</param>
/// <param name="Device">cpu (float32) or cuda (bf16/fp16).</param>
/// <param name="CropStart">Prompt-template tokens before the prompt; null = the release's 95.</param>
public sealed record HunyuanVideoEngineOptions(
    string ModelName,
    HunyuanVideoWeightLayout Weights,
    Device Device,
    int? CropStart = null)
{
    public string Description { get; init; } = "HunyuanVideo T2V with Jenga";

    public EngineLimits Limits { get; init; } = new();

    /// <summary>Carved attention: the CUDA kernel on a GPU where it can load, else the plain TorchSharp backend (the choice and its reason are logged at load).</summary>
    public IAttentionBackend Attention { get; init; } = AttentionBackendFactory.Create(Device).Backend;
}
