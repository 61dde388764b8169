using JengaFleet.Jenga.Cuda.Kernels;
using JengaFleet.Jenga.Cuda.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.Cuda;

/// <summary>
/// The DiT blocks' adaLN elementwise work in one pass each on the GPU (<c>Kernels/modulation.cu</c>), rounding
/// where the TorchSharp ops round: the modulated LayerNorm <c>LN(x)·(1 + scale) + shift</c> (three passes as
/// TorchSharp ops) and the gated residual <c>x + y·gate</c> (two passes). At 720p each pass moves a 709 MB
/// <c>[1, 115456, 3072]</c> bf16 tensor.
/// </summary>
public sealed class CudaModulation
{
    private static readonly PerDeviceOp<CudaModulation> PerDevice =
        new(ordinal => CudaKernelRuntime.TryLoadModulation(ordinal, out _) is { } kernels ? new CudaModulation(kernels) : null);

    private readonly ModulationKernels _kernels;

    private CudaModulation(ModulationKernels kernels) => _kernels = kernels;

    /// <summary>The kernels on a CUDA device, loaded once; null on other devices or where the driver or NVRTC is missing.</summary>
    public static CudaModulation? For(Device device) => PerDevice.For(device);

    /// <summary>
    /// Whether the kernels take <paramref name="x"/> <c>[B, L, C]</c> with per-sample vectors <c>[B, C]</c>: 16-bit, all
    /// of one type on this GPU, C a multiple of 8 and contiguous, other strides multiples of 8, 16-byte aligned.
    /// </summary>
    public bool Covers(Tensor x, params Tensor[] perSample) =>
        x.device.type == DeviceType.CUDA && DeviceIdentity.Ordinal(x.device) == _kernels.Device.Ordinal
        && x.dtype is ScalarType.BFloat16 or ScalarType.Float16
        && x.ndim == 3 && x.shape[2] > 0 && x.shape[0] * x.shape[1] <= int.MaxValue
        && VectorLayout.Fits(x)
        && perSample.All(v => v.dtype == x.dtype && DeviceIdentity.Same(v.device, x.device)
                              && v.ndim == 2 && v.shape[0] == x.shape[0] && v.shape[1] == x.shape[2] && VectorLayout.Fits(v));

    /// <summary><paramref name="output"/> = LayerNorm(x) (no affine) · (1 + scale) + shift.</summary>
    /// <param name="x"><c>[B, L, C]</c>, any strides with C contiguous.</param>
    /// <param name="shift"><c>[B, C]</c>, e.g. a chunk of the modulation projection.</param>
    /// <param name="output"><c>[B, L, C]</c> of x's type; must not overlap x.</param>
    public void ModulatedLayerNorm(Tensor x, Tensor shift, Tensor scale, double eps, Tensor output)
    {
        Require(x, [shift, scale], output);
        long[] xs = x.stride(), ys = output.stride();
        var parameters = new ModulatedNormParams
        {
            X = TensorPointer.Of(x),
            XSample = xs[0], XToken = xs[1],
            Y = TensorPointer.Of(output),
            YSample = ys[0], YToken = ys[1],
            Shift = TensorPointer.Of(shift), ShiftSample = shift.stride(0),
            Scale = TensorPointer.Of(scale), ScaleSample = scale.stride(0),
            Batch = (int)x.shape[0], Tokens = (int)x.shape[1], Channels = checked((int)x.shape[2]),
            Eps = (float)eps,
        };
        _kernels.LaunchModulatedNorm(parameters, x.dtype == ScalarType.Float16);
    }

    /// <summary><paramref name="output"/> = x + y · gate.</summary>
    /// <param name="x">Residual stream <c>[B, L, C]</c>.</param>
    /// <param name="y">Branch output, x's shape and type.</param>
    /// <param name="gate"><c>[B, C]</c>.</param>
    /// <param name="output"><c>[B, L, C]</c>; may be x itself (in place), must not otherwise overlap x or y.</param>
    public void GatedResidual(Tensor x, Tensor y, Tensor gate, Tensor output)
    {
        Require(x, [gate], output);
        if (!y.shape.SequenceEqual(x.shape) || y.dtype != x.dtype || !DeviceIdentity.Same(y.device, x.device) || !VectorLayout.Fits(y))
            throw new ArgumentException("y must have x's shape, type and device, with C contiguous and 16-byte aligned rows");
        long[] xs = x.stride(), ys = y.stride(), os = output.stride();
        var parameters = new GatedResidualParams
        {
            X = TensorPointer.Of(x),
            XSample = xs[0], XToken = xs[1],
            Y = TensorPointer.Of(y),
            YSample = ys[0], YToken = ys[1],
            Gate = TensorPointer.Of(gate), GateSample = gate.stride(0),
            Output = TensorPointer.Of(output),
            OutputSample = os[0], OutputToken = os[1],
            Batch = (int)x.shape[0], Tokens = (int)x.shape[1], Channels = checked((int)x.shape[2]),
        };
        _kernels.LaunchGatedResidual(parameters, x.dtype == ScalarType.Float16);
    }

    private void Require(Tensor x, Tensor[] perSample, Tensor output)
    {
        if (!Covers(x, perSample))
            throw new ArgumentException($"the fused kernels do not take {x.dtype} [{string.Join(", ", x.shape)}] on {x.device} with per-sample vectors "
                                        + string.Join(", ", perSample.Select(v => $"{v.dtype} [{string.Join(", ", v.shape)}]")));
        if (!output.shape.SequenceEqual(x.shape) || output.dtype != x.dtype || !DeviceIdentity.Same(output.device, x.device) || !VectorLayout.Fits(output))
            throw new ArgumentException("output must have x's shape, type and device, with C contiguous and 16-byte aligned rows");
    }
}
