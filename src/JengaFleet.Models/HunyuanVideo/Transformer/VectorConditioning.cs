using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Transformer;

/// <summary>The modulation vector <c>vec = time_in + vector_in + guidance_in</c> and its summands (all <c>[B, C]</c>).</summary>
public sealed record VectorConditioning(Tensor TimeIn, Tensor VectorIn, Tensor? GuidanceIn, Tensor Vec);
