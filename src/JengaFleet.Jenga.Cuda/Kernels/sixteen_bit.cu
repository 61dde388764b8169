// Shared by the elementwise kernels (head_norm_rope.cu, modulation.cu; the host prepends this file to each):
// raw 16-bit values (bf16 or fp16) to fp32 and back with round-to-nearest-even, as libtorch's casts round.
// Compiled at run time by NVRTC without any CUDA header.

typedef unsigned short u16;
typedef unsigned int u32;
typedef long long i64;

template <bool FP16>
__device__ __forceinline__ float to_f32(u16 v)
{
    if (FP16) {
        float f;
        asm("cvt.f32.f16 %0, %1;\n" : "=f"(f) : "h"(v));
        return f;
    }
    return __uint_as_float((u32)v << 16);
}

template <bool FP16>
__device__ __forceinline__ u16 to_16(float f)
{
    u16 v;
    if (FP16)
        asm("cvt.rn.f16.f32 %0, %1;\n" : "=h"(v) : "f"(f));
    else
        asm("cvt.rn.bf16.f32 %0, %1;\n" : "=h"(v) : "f"(f));
    return v;
}

// The value a 16-bit tensor op stores, back in fp32 for the next op.
template <bool FP16>
__device__ __forceinline__ float round16(float f) { return to_f32<FP16>(to_16<FP16>(f)); }
