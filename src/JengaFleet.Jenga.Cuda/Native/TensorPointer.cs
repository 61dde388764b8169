using System.Runtime.InteropServices;
using TorchSharp;

namespace JengaFleet.Jenga.Cuda.Native;

/// <summary>Device addresses of TorchSharp tensors, from LibTorchSharp's exported <c>THSTensor_data</c> (data_ptr, storage offset included).</summary>
internal static partial class TensorPointer
{
    [LibraryImport("LibTorchSharp")]
    private static partial nint THSTensor_data(nint handle);

    public static nint Of(torch.Tensor tensor)
    {
        var address = THSTensor_data(tensor.Handle);
        if (address == 0 && tensor.numel() > 0)
            throw new CudaException($"THSTensor_data returned null for a tensor of {tensor.numel()} elements");
        return address;
    }
}
