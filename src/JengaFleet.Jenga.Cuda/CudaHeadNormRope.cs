using JengaFleet.Jenga.Cuda.Kernels;
using JengaFleet.Jenga.Cuda.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.Cuda;

/// <summary>
/// QK RMSNorm per attention head followed by the rotary embedding, in one pass on the GPU
/// (<c>Kernels/head_norm_rope.cu</c>), with the reference's rounding points. The TorchSharp formulas make about
/// twenty passes over q and k for the same result; at 720p that is most of a transformer step's time outside
/// the matrix products and attention.
/// </summary>
public sealed class CudaHeadNormRope
{
    private static readonly PerDeviceOp<CudaHeadNormRope> PerDevice =
        new(ordinal => CudaKernelRuntime.TryLoadHeadNormRope(ordinal, out _) is { } kernels ? new CudaHeadNormRope(kernels) : null);

    private readonly HeadNormRopeKernels _kernels;

    private CudaHeadNormRope(HeadNormRopeKernels kernels) => _kernels = kernels;

    /// <summary>The kernels on a CUDA device, loaded once; null on other devices or where the driver or NVRTC is missing.</summary>
    public static CudaHeadNormRope? For(Device device) => PerDevice.For(device);

    /// <summary>Whether <see cref="Apply"/> takes these tensors: 16-bit <c>[B, H, L, 64 or 128]</c> on this GPU, head dim contiguous, 16-byte aligned rows.</summary>
    public bool Covers(Tensor x, Tensor weight) =>
        x.device.type == DeviceType.CUDA && DeviceIdentity.Ordinal(x.device) == _kernels.Device.Ordinal
        && x.dtype is ScalarType.BFloat16 or ScalarType.Float16
        && x.ndim == 4 && KernelVariant.SupportedHeadDims.Contains((int)x.shape[3])
        && weight.dtype == x.dtype && weight.ndim == 1 && weight.shape[0] == x.shape[3] && weight.is_contiguous()
        && RowsAligned(x);

    /// <summary>
    /// <paramref name="output"/> = RoPE(RMSNorm(<paramref name="x"/>) · weight) on tokens below <paramref name="ropeTokens"/>,
    /// RMSNorm(x) · weight on the rest.
    /// </summary>
    /// <param name="x"><c>[B, H, L, D]</c>, any strides with the head dim contiguous (e.g. a view of a fused QKV projection).</param>
    /// <param name="cos">float32 <c>[≥ ropeTokens, D]</c> on x's device, rows in x's token order; null for no RoPE.</param>
    /// <param name="output"><c>[B, H, L, D]</c> of x's type, head dim contiguous (may be a slice of a larger tensor).</param>
    public void Apply(Tensor x, Tensor weight, double eps, Tensor? cos, Tensor? sin, long ropeTokens, Tensor output)
    {
        if (!Covers(x, weight))
            throw new ArgumentException($"the fused kernel does not take {x.dtype} [{string.Join(", ", x.shape)}] on {x.device} with a {weight.dtype} weight");
        if (!output.shape.SequenceEqual(x.shape) || output.dtype != x.dtype || !DeviceIdentity.Same(output.device, x.device) || !RowsAligned(output))
            throw new ArgumentException("output must have x's shape, type and device, with the head dim contiguous and 16-byte aligned rows");
        var rope = cos is not null && sin is not null && ropeTokens > 0;
        if (rope)
        {
            foreach (var table in new[] { cos!, sin! })
            {
                if (table.dtype != ScalarType.Float32 || !table.is_contiguous() || table.ndim != 2 || table.shape[1] != x.shape[3] || table.shape[0] < ropeTokens || !DeviceIdentity.Same(table.device, x.device))
                    throw new ArgumentException($"RoPE tables must be contiguous float32 [>= {ropeTokens}, {x.shape[3]}] on {x.device}");
            }
        }

        long[] xs = x.stride(), ys = output.stride();
        var parameters = new HeadNormRopeParams
        {
            X = TensorPointer.Of(x),
            XSample = xs[0], XHead = xs[1], XToken = xs[2],
            Y = TensorPointer.Of(output),
            YSample = ys[0], YHead = ys[1], YToken = ys[2],
            Weight = TensorPointer.Of(weight),
            Cos = rope ? TensorPointer.Of(cos!) : 0,
            Sin = rope ? TensorPointer.Of(sin!) : 0,
            Batch = checked((int)x.shape[0]),
            Heads = checked((int)x.shape[1]),
            Tokens = checked((int)x.shape[2]),
            RopeTokens = rope ? checked((int)ropeTokens) : 0,
            Eps = (float)eps,
        };
        _kernels.Launch(parameters, (int)x.shape[3], x.dtype == ScalarType.Float16);
    }

    private static bool RowsAligned(Tensor t) => t.ndim == 4 && VectorLayout.Fits(t);
}
