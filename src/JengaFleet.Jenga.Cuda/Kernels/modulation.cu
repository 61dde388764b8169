// The DiT blocks' adaLN elementwise work, each pattern in one pass over a [B, L, C] tensor of 16-bit values.
//
// Modulated LayerNorm, out = LN(x) * (1 + scale) + shift, is three TorchSharp passes (layer_norm, mul, add_);
// the gated residual, out = x + y * gate, is two (mul, add). These kernels read each input once and write
// once, rounding to the 16-bit type exactly where those ops round:
//   n = 16bit((x - mean) * rstd),  s1 = 16bit(scale + 1),  m = 16bit(n * s1),  out = 16bit(m + shift)
//   g = 16bit(y * gate),  out = 16bit(x + g)
// shift, scale and gate are [B, C] and broadcast over tokens. C is a multiple of 8 so every access is one
// 16-byte vector. Compiled at run time by NVRTC without any CUDA header.

struct ModulatedNormParams {
    const u16* x;           // [B, L, C], C contiguous
    i64 x_sb, x_st;         // strides in elements (sample, token)
    u16* y;                 // output [B, L, C]
    i64 y_sb, y_st;
    const u16* shift;       // [B, C]
    i64 shift_sb;
    const u16* scale;       // [B, C]
    i64 scale_sb;
    int batch, tokens, channels;
    float eps;
};

struct GatedResidualParams {
    const u16* x;           // residual stream [B, L, C]
    i64 x_sb, x_st;
    const u16* y;           // branch output [B, L, C]
    i64 y_sb, y_st;
    const u16* gate;        // [B, C]
    i64 gate_sb;
    u16* out;               // may be x itself: each element is read before the same thread writes it
    i64 out_sb, out_st;
    int batch, tokens, channels;
};

__device__ __forceinline__ uint4 load8(const u16* p) { return *reinterpret_cast<const uint4*>(p); }

template <bool FP16>
__device__ __forceinline__ void unpack8(uint4 w, float* f)
{
    const u32 words[4] = {w.x, w.y, w.z, w.w};
#pragma unroll
    for (int i = 0; i < 4; ++i) {
        f[2 * i] = to_f32<FP16>((u16)(words[i] & 0xffffu));
        f[2 * i + 1] = to_f32<FP16>((u16)(words[i] >> 16));
    }
}

template <bool FP16>
__device__ __forceinline__ void store8(u16* p, const float* f)
{
    u32 words[4];
#pragma unroll
    for (int i = 0; i < 4; ++i)
        words[i] = (u32)to_16<FP16>(f[2 * i]) | ((u32)to_16<FP16>(f[2 * i + 1]) << 16);
    *reinterpret_cast<uint4*>(p) = make_uint4(words[0], words[1], words[2], words[3]);
}

__device__ __forceinline__ float warp_sum(float v)
{
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1)
        v += __shfl_xor_sync(0xffffffffu, v, offset);
    return v;
}

// Vectors of 8 per lane the resident kernel keeps in registers: rows of up to 32 * 16 * 8 = 4096 channels.
// Wider rows take the streaming kernel, which reads the row three times (the re-reads mostly hit L1/L2).
#define RESIDENT_VECTORS 16

// m = 16bit(16bit(n * 16bit(1 + scale)) + shift) on 8 normalised values n (already rounded).
template <bool FP16>
__device__ __forceinline__ void modulate8(float* n, const u16* shift, const u16* scale)
{
    float sh[8], sc[8];
    unpack8<FP16>(load8(shift), sh);
    unpack8<FP16>(load8(scale), sc);
#pragma unroll
    for (int e = 0; e < 8; ++e) {
        const float m = round16<FP16>(__fmul_rn(n[e], round16<FP16>(__fadd_rn(sc[e], 1.0f))));
        n[e] = __fadd_rn(m, sh[e]);  // rounded by store8
    }
}

// One warp per (sample, token) row; lane l takes vectors l, l + 32, ... so each step reads 512 contiguous bytes.
template <bool FP16, bool RESIDENT>
__device__ __forceinline__ void modulated_norm(const ModulatedNormParams& p)
{
    const int lane = threadIdx.x & 31;
    const int row = blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
    if (row >= p.batch * p.tokens)
        return;
    const int b = row / p.tokens;
    const int t = row - b * p.tokens;
    const int vectors = p.channels >> 3;
    const u16* x = p.x + b * p.x_sb + (i64)t * p.x_st;
    u16* y = p.y + b * p.y_sb + (i64)t * p.y_st;
    const u16* shift = p.shift + b * p.shift_sb;
    const u16* scale = p.scale + b * p.scale_sb;
    const float c = (float)p.channels;

    // Two-pass statistics in fp32 (mean, then mean squared deviation), as layer_norm's accumulation type.
    float sum = 0.f, squares = 0.f, mean, rstd;
    if constexpr (RESIDENT) {
        uint4 raw[RESIDENT_VECTORS];
#pragma unroll
        for (int i = 0; i < RESIDENT_VECTORS; ++i) {
            const int v = lane + 32 * i;
            if (v < vectors) {
                raw[i] = load8(x + 8 * v);
                float f[8];
                unpack8<FP16>(raw[i], f);
#pragma unroll
                for (int e = 0; e < 8; ++e)
                    sum += f[e];
            }
        }
        mean = __fdiv_rn(warp_sum(sum), c);
#pragma unroll
        for (int i = 0; i < RESIDENT_VECTORS; ++i) {
            if (lane + 32 * i < vectors) {
                float f[8];
                unpack8<FP16>(raw[i], f);
#pragma unroll
                for (int e = 0; e < 8; ++e)
                    squares = fmaf(f[e] - mean, f[e] - mean, squares);
            }
        }
        rstd = rsqrtf(__fdiv_rn(warp_sum(squares), c) + p.eps);
#pragma unroll
        for (int i = 0; i < RESIDENT_VECTORS; ++i) {
            const int v = lane + 32 * i;
            if (v < vectors) {
                float f[8];
                unpack8<FP16>(raw[i], f);
#pragma unroll
                for (int e = 0; e < 8; ++e)
                    f[e] = round16<FP16>(__fmul_rn(__fsub_rn(f[e], mean), rstd));
                modulate8<FP16>(f, shift + 8 * v, scale + 8 * v);
                store8<FP16>(y + 8 * v, f);
            }
        }
    } else {
        for (int v = lane; v < vectors; v += 32) {
            float f[8];
            unpack8<FP16>(load8(x + 8 * v), f);
#pragma unroll
            for (int e = 0; e < 8; ++e)
                sum += f[e];
        }
        mean = __fdiv_rn(warp_sum(sum), c);
        for (int v = lane; v < vectors; v += 32) {
            float f[8];
            unpack8<FP16>(load8(x + 8 * v), f);
#pragma unroll
            for (int e = 0; e < 8; ++e)
                squares = fmaf(f[e] - mean, f[e] - mean, squares);
        }
        rstd = rsqrtf(__fdiv_rn(warp_sum(squares), c) + p.eps);
        for (int v = lane; v < vectors; v += 32) {
            float f[8];
            unpack8<FP16>(load8(x + 8 * v), f);
#pragma unroll
            for (int e = 0; e < 8; ++e)
                f[e] = round16<FP16>(__fmul_rn(__fsub_rn(f[e], mean), rstd));
            modulate8<FP16>(f, shift + 8 * v, scale + 8 * v);
            store8<FP16>(y + 8 * v, f);
        }
    }
}

// One block per (sample, token) row, one 16-byte vector per thread and step.
template <bool FP16>
__device__ __forceinline__ void gated_residual(const GatedResidualParams& p)
{
    const int row = blockIdx.x;
    const int b = row / p.tokens;
    const int t = row - b * p.tokens;
    const int vectors = p.channels >> 3;
    const u16* x = p.x + b * p.x_sb + (i64)t * p.x_st;
    const u16* y = p.y + b * p.y_sb + (i64)t * p.y_st;
    const u16* gate = p.gate + b * p.gate_sb;
    u16* out = p.out + b * p.out_sb + (i64)t * p.out_st;
    for (int v = threadIdx.x; v < vectors; v += blockDim.x) {
        float xf[8], yf[8], gf[8];
        unpack8<FP16>(load8(x + 8 * v), xf);
        unpack8<FP16>(load8(y + 8 * v), yf);
        unpack8<FP16>(load8(gate + 8 * v), gf);
#pragma unroll
        for (int e = 0; e < 8; ++e)
            xf[e] = __fadd_rn(xf[e], round16<FP16>(__fmul_rn(yf[e], gf[e])));
        store8<FP16>(out + 8 * v, xf);
    }
}

extern "C" __global__ void jenga_modulated_norm_bf16(const ModulatedNormParams p) { modulated_norm<false, true>(p); }
extern "C" __global__ void jenga_modulated_norm_f16(const ModulatedNormParams p) { modulated_norm<true, true>(p); }
extern "C" __global__ void jenga_modulated_norm_streaming_bf16(const ModulatedNormParams p) { modulated_norm<false, false>(p); }
extern "C" __global__ void jenga_modulated_norm_streaming_f16(const ModulatedNormParams p) { modulated_norm<true, false>(p); }
extern "C" __global__ void jenga_gated_residual_bf16(const GatedResidualParams p) { gated_residual<false>(p); }
extern "C" __global__ void jenga_gated_residual_f16(const GatedResidualParams p) { gated_residual<true>(p); }
