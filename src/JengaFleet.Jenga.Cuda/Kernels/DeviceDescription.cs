namespace JengaFleet.Jenga.Cuda.Kernels;

/// <summary>The GPU a module was built for.</summary>
public sealed record DeviceDescription(int Ordinal, int Handle, string Name, int Major, int Minor, int Multiprocessors, int MaxSharedBytesPerBlock)
{
    public string Architecture => BlockSparseKernels.ArchitectureFor(Major, Minor);
}
