using System.Runtime.InteropServices;

namespace JengaFleet.Jenga.Cuda.Native;

/// <summary>CUtensorMap: the 128 opaque bytes of a TMA descriptor, filled by <c>cuTensorMapEncodeTiled</c> and passed by value to a kernel.</summary>
[StructLayout(LayoutKind.Sequential, Size = 128)]
internal unsafe struct TensorMap
{
    public fixed ulong Opaque[16];
}
