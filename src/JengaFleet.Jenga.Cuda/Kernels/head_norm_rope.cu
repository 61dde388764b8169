// QK RMSNorm per attention head followed by the rotary position embedding, in one pass over q or k.
//
// The unfused TorchSharp path makes about twenty passes over a [B, H, L, D] tensor (casts to fp32, square,
// mean, scale, casts back, weight, rotate-half, stack, products, sum, cast); this kernel reads each row once
// and writes it once. It rounds where the reference rounds:
//   n = 16bit(x * rsqrt(mean(x^2) + eps)),  y = 16bit(n * weight),
//   out = 16bit(y * cos + rotate_half(y) * sin) on tokens below rope_tokens (fp32, no fused multiply-add),
//   out = y on the others (text tokens).
// One warp per (sample, token, head) row of D in {64, 128}; heads vary fastest so a warp group reads the
// contiguous heads of one token. Compiled at run time by NVRTC without any CUDA header.

struct HeadNormRopeParams {
    const u16* x;          // input rows, head dim contiguous
    i64 x_sb, x_sh, x_st;  // strides in elements (sample, head, token)
    u16* y;                // output rows, head dim contiguous
    i64 y_sb, y_sh, y_st;
    const u16* weight;     // [D]
    const float* cos;      // [rope_tokens, D] fp32, each angle repeated for both members of a pair; null: no RoPE
    const float* sin;
    int batch, heads, tokens, rope_tokens;
    float eps;
};

template <int D, bool FP16>
__device__ __forceinline__ void head_norm_rope(const HeadNormRopeParams& p)
{
    constexpr int E = D / 32;  // values per lane: 4 for D = 128, 2 for D = 64 (whole RoPE pairs)
    const int lane = threadIdx.x & 31;
    const i64 row = (i64)blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
    if (row >= (i64)p.batch * p.tokens * p.heads)
        return;
    const int h = (int)(row % p.heads);
    const i64 bt = row / p.heads;
    const int t = (int)(bt % p.tokens);
    const int b = (int)(bt / p.tokens);
    const int c0 = lane * E;

    u16 raw[E];
    const u16* x = p.x + b * p.x_sb + h * p.x_sh + (i64)t * p.x_st + c0;
    if constexpr (E == 4) {
        const uint2 w = *reinterpret_cast<const uint2*>(x);
        raw[0] = (u16)(w.x & 0xffffu);
        raw[1] = (u16)(w.x >> 16);
        raw[2] = (u16)(w.y & 0xffffu);
        raw[3] = (u16)(w.y >> 16);
    } else {
        const u32 w = *reinterpret_cast<const u32*>(x);
        raw[0] = (u16)(w & 0xffffu);
        raw[1] = (u16)(w >> 16);
    }

    float v[E];
    float squares = 0.f;
#pragma unroll
    for (int e = 0; e < E; ++e) {
        v[e] = to_f32<FP16>(raw[e]);
        squares = __fadd_rn(squares, __fmul_rn(v[e], v[e]));
    }
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1)
        squares = __fadd_rn(squares, __shfl_xor_sync(0xffffffffu, squares, offset));
    const float inv_rms = rsqrtf(__fadd_rn(__fdiv_rn(squares, (float)D), p.eps));

    float y[E];
#pragma unroll
    for (int e = 0; e < E; ++e)
        y[e] = round16<FP16>(__fmul_rn(round16<FP16>(__fmul_rn(v[e], inv_rms)), to_f32<FP16>(p.weight[c0 + e])));

    u16 out[E];
    if (p.cos != nullptr && t < p.rope_tokens) {
        const float* cs = p.cos + (i64)t * D + c0;
        const float* sn = p.sin + (i64)t * D + c0;
#pragma unroll
        for (int j = 0; j < E; j += 2) {
            // rotate_half pairs (a, b) -> (-b, a)
            out[j] = to_16<FP16>(__fadd_rn(__fmul_rn(y[j], cs[j]), -__fmul_rn(y[j + 1], sn[j])));
            out[j + 1] = to_16<FP16>(__fadd_rn(__fmul_rn(y[j + 1], cs[j + 1]), __fmul_rn(y[j], sn[j + 1])));
        }
    } else {
#pragma unroll
        for (int e = 0; e < E; ++e)
            out[e] = to_16<FP16>(y[e]);
    }

    u16* dst = p.y + b * p.y_sb + h * p.y_sh + (i64)t * p.y_st + c0;
    if constexpr (E == 4) {
        uint2 w;
        w.x = (u32)out[0] | ((u32)out[1] << 16);
        w.y = (u32)out[2] | ((u32)out[3] << 16);
        *reinterpret_cast<uint2*>(dst) = w;
    } else {
        *reinterpret_cast<u32*>(dst) = (u32)out[0] | ((u32)out[1] << 16);
    }
}

extern "C" __global__ void jenga_head_norm_rope_d128_bf16(const HeadNormRopeParams p) { head_norm_rope<128, false>(p); }
extern "C" __global__ void jenga_head_norm_rope_d128_f16(const HeadNormRopeParams p) { head_norm_rope<128, true>(p); }
extern "C" __global__ void jenga_head_norm_rope_d64_bf16(const HeadNormRopeParams p) { head_norm_rope<64, false>(p); }
extern "C" __global__ void jenga_head_norm_rope_d64_f16(const HeadNormRopeParams p) { head_norm_rope<64, true>(p); }
