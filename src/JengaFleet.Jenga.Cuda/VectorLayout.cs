using JengaFleet.Jenga.Cuda.Native;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.Cuda;

/// <summary>The layout the fused 16-bit kernels need to move 8 values per 16-byte access.</summary>
internal static class VectorLayout
{
    /// <summary>
    /// Last dim contiguous and a multiple of 8, every other stride a multiple of 8 elements (dims of size 1
    /// excepted: their stride is never used), data 16-byte aligned.
    /// </summary>
    public static bool Fits(Tensor t)
    {
        if (t.ndim == 0 || t.shape[^1] % 8 != 0)
            return false;
        var strides = t.stride();
        if (strides[^1] != 1)
            return false;
        for (var d = 0; d < t.ndim - 1; d++)
        {
            if (t.shape[d] > 1 && strides[d] % 8 != 0)
                return false;
        }

        return TensorPointer.Of(t) % 16 == 0;
    }
}
