// Hopper (sm_90a) block-sparse attention forward: the contract of bsa_forward in block_sparse_attention.cu
// (same parameters, lists, limits, text bias and output), on Hopper's own instructions. The host appends
// this file to that one only when it compiles for sm_90a.
//
// One CTA per (sample, head, 128-row video query block), 384 threads: two consumer warpgroups of 64 query
// rows each (warps 0-3 and 4-7) and a producer warpgroup (warps 8-11) that hands its registers to the
// consumers (setmaxnreg: 24 for it, 240 for them). One producer thread loads the Q tile once,
// then every kept key block of the row (128 keys, one tile) with the bulk tensor copy engine (TMA, 128-byte
// swizzle) into a ring of STAGES K/V buffers; "full" mbarriers tell the consumers a buffer has landed and
// "empty" mbarriers hand it back. Consumers compute S = Q K^T with wgmma (both operands in shared memory),
// the online softmax in registers (base 2, fp32), and O += P V with wgmma taking P from registers and V from
// shared memory as a transposed (MN-major) operand, so K and V share one layout.
// Each tile's softmax overlaps the previous tile's P V product (FlashAttention-3's intra-warpgroup
// pipelining): S_i = Q K_i^T and O += P_{i-1} V_{i-1} are issued together. Without that overlap the kernel
// measured 7-10 % slower; making the two consumer warpgroups take turns on the tensor cores (FlashAttention-3's
// ping-pong) measured no faster (docs/gpu-kernel.md).

typedef unsigned long long u64;

// CUtensorMap: 128 opaque bytes, 64-byte aligned, written on the host by cuTensorMapEncodeTiled.
struct __align__(64) TensorMap {
    u64 opaque[16];
};

struct BsaTmaParams {
    TensorMap q_map;  // dims {D, tokens, heads, batch}, box {64, 128, 1, 1}, 128-byte swizzle
    TensorMap k_map;
    TensorMap v_map;
    BsaParams p;
};

__device__ __forceinline__ void mbar_init(u32 bar, u32 count)
{
    asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;\n" ::"r"(bar), "r"(count));
}

__device__ __forceinline__ void mbar_expect_tx(u32 bar, u32 bytes)
{
    asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;\n" ::"r"(bar), "r"(bytes) : "memory");
}

__device__ __forceinline__ void mbar_arrive(u32 bar)
{
    asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];\n" ::"r"(bar) : "memory");
}

__device__ __forceinline__ void mbar_wait(u32 bar, u32 parity)
{
    u32 done = 0;
    while (!done)
        asm volatile("{\n.reg .pred p;\nmbarrier.try_wait.parity.shared::cta.b64 p, [%1], %2;\nselp.u32 %0, 1, 0, p;\n}\n"
                     : "=r"(done) : "r"(bar), "r"(parity) : "memory");
}

// One box of the tensor map (coordinates innermost first) into shared memory, completing on an mbarrier.
__device__ __forceinline__ void tma_load_4d(u32 dst, const TensorMap* map, int c0, int c1, int c2, int c3, u32 bar)
{
    asm volatile("cp.async.bulk.tensor.4d.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1, {%2, %3, %4, %5}], [%6];\n"
                 ::"r"(dst), "l"((u64)map), "r"(c0), "r"(c1), "r"(c2), "r"(c3), "r"(bar) : "memory");
}

// wgmma shared-memory matrix descriptor of a 128-byte-swizzled operand: start address, leading and stride
// byte offsets (in 16-byte units) and swizzle mode 1 (128 bytes) in bits 62-63.
__device__ __forceinline__ u64 sw128_desc(u32 addr, u32 leading_bytes, u32 stride_bytes)
{
    return (u64)((addr & 0x3FFFFu) >> 4) | ((u64)(leading_bytes >> 4) << 16) | ((u64)(stride_bytes >> 4) << 32) | (1ull << 62);
}

__device__ __forceinline__ void wgmma_fence() { asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory"); }
__device__ __forceinline__ void wgmma_commit() { asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory"); }
template <int N>
__device__ __forceinline__ void wgmma_wait() { asm volatile("wgmma.wait_group.sync.aligned %0;\n" ::"n"(N) : "memory"); }

// Pins accumulator registers at this point: reads of them cannot move above a wgmma wait, writes not below a fence.
template <int N>
__device__ __forceinline__ void pin(float* d)
{
#pragma unroll
    for (int i = 0; i < N; ++i)
        asm volatile("" : "+f"(d[i])::"memory");
}

#define JENGA_R32 "%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31"
#define JENGA_R64 "%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, %32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, %48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63"
#define JENGA_F32(d) "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31])
#define JENGA_F64(d) "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]), "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]), "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), "+f"(d[48]), "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]), "+f"(d[56]), "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63])

// S (64 x 128 fp32 per warpgroup) (+)= Q (64 x 16, shared) K^T (16 x 128, shared); both K-major.
#define JENGA_WGMMA_QK(TYPE)                                                                                       \
    asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %66, 0;\n"                                                     \
                 "wgmma.mma_async.sync.aligned.m64n128k16.f32." TYPE "." TYPE " {" JENGA_R64 "}, %64, %65, p, 1, 1, 0, 0;\n}\n" \
                 : JENGA_F64(d) : "l"(desc_q), "l"(desc_k), "r"(accumulate))

template <bool FP16>
__device__ __forceinline__ void wgmma_qk(float* d, u64 desc_q, u64 desc_k, int accumulate)
{
    if (FP16)
        JENGA_WGMMA_QK("f16");
    else
        JENGA_WGMMA_QK("bf16");
}

// O (64 x D fp32 per warpgroup) += P (64 x 16, registers) V (16 x D, shared, MN-major: imm-trans-b = 1).
#define JENGA_WGMMA_PV128(TYPE)                                                                                    \
    asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %69, 0;\n"                                                     \
                 "wgmma.mma_async.sync.aligned.m64n128k16.f32." TYPE "." TYPE " {" JENGA_R64 "}, {%64, %65, %66, %67}, %68, p, 1, 1, 1;\n}\n" \
                 : JENGA_F64(d) : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(desc_v), "r"(one))
#define JENGA_WGMMA_PV64(TYPE)                                                                                     \
    asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %37, 0;\n"                                                     \
                 "wgmma.mma_async.sync.aligned.m64n64k16.f32." TYPE "." TYPE " {" JENGA_R32 "}, {%32, %33, %34, %35}, %36, p, 1, 1, 1;\n}\n" \
                 : JENGA_F32(d) : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(desc_v), "r"(one))

template <int D, bool FP16>
__device__ __forceinline__ void wgmma_pv(float* d, const u32* a, u64 desc_v)
{
    const int one = 1;
    if (D == 128) {
        if (FP16)
            JENGA_WGMMA_PV128("f16");
        else
            JENGA_WGMMA_PV128("bf16");
    } else {
        if (FP16)
            JENGA_WGMMA_PV64("f16");
        else
            JENGA_WGMMA_PV64("bf16");
    }
}

// Shared-memory plan of one CTA: a 1024-byte-aligned base (the swizzle pattern repeats every 1024 bytes),
// the Q tile, STAGES K tiles, STAGES V tiles, then the mbarriers. A tile of R rows x D columns is stored as
// D/64 panels of R rows x 128 bytes (TMA's and wgmma's 128-byte-swizzled layout).
template <int D, int STAGES>
struct Sm90Layout {
    static constexpr u32 PANEL = 128 * 128;         // one 64-column panel of a 128-row tile, bytes
    static constexpr u32 TILE = 128 * D * 2;        // Q, K or V tile of 128 rows
    static constexpr u32 K_OFFSET = TILE;
    static constexpr u32 V_OFFSET = TILE + STAGES * TILE;
    static constexpr u32 BAR_OFFSET = TILE + 2 * STAGES * TILE;
    static constexpr u32 BYTES = 1024 + BAR_OFFSET + 8 * (1 + 2 * STAGES);
};

// Scales, masks and exponentiates one S tile in place (base 2), updating the running max and sum of the
// thread's two rows; returns per row the factor the O accumulator must be multiplied by.
__device__ __forceinline__ void softmax_tile(float* s, float* row_max, float* row_sum, float* alpha, float scale_log2, float bias, int first_col, int visible)
{
    const bool partial = visible < 128;
#pragma unroll
    for (int hh = 0; hh < 2; ++hh) {
        float mx = neg_inf();
#pragma unroll
        for (int j = 0; j < 16; ++j) {
#pragma unroll
            for (int e = 0; e < 2; ++e) {
                float x = fmaf(s[4 * j + 2 * hh + e], scale_log2, bias);
                if (partial && first_col + 8 * j + e >= visible)
                    x = neg_inf();
                s[4 * j + 2 * hh + e] = x;
                mx = fmaxf(mx, x);
            }
        }
        mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
        mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 2));
        const float new_max = fmaxf(row_max[hh], mx);
        const float base = new_max == neg_inf() ? 0.f : new_max;  // a row with nothing visible yet stays at 0
        alpha[hh] = exp2_approx(row_max[hh] - base);
        row_max[hh] = new_max;
        float sum = 0.f;
#pragma unroll
        for (int j = 0; j < 16; ++j) {
#pragma unroll
            for (int e = 0; e < 2; ++e) {
                const float pv = exp2_approx(s[4 * j + 2 * hh + e] - base);
                s[4 * j + 2 * hh + e] = pv;
                sum += pv;
            }
        }
        row_sum[hh] = row_sum[hh] * alpha[hh] + sum;  // per-thread partial; the quad is summed at the end
    }
}

template <int D>
__device__ __forceinline__ void rescale(float* o, const float* alpha)
{
#pragma unroll
    for (int hh = 0; hh < 2; ++hh) {
        if (alpha[hh] != 1.f) {  // the running max rarely moves after the first tiles
#pragma unroll
            for (int j = 0; j < D / 8; ++j) {
                o[4 * j + 2 * hh] *= alpha[hh];
                o[4 * j + 2 * hh + 1] *= alpha[hh];
            }
        }
    }
}

// P rounded to 16 bits in wgmma's A-register layout: keys 16 kc .. 16 kc + 15 are S column tiles 2 kc and 2 kc + 1.
template <bool FP16>
__device__ __forceinline__ void pack_p(const float* s, u32 (*a)[4])
{
#pragma unroll
    for (int kc = 0; kc < 8; ++kc) {
        a[kc][0] = pack2<FP16>(s[8 * kc + 0], s[8 * kc + 1]);
        a[kc][1] = pack2<FP16>(s[8 * kc + 2], s[8 * kc + 3]);
        a[kc][2] = pack2<FP16>(s[8 * kc + 4], s[8 * kc + 5]);
        a[kc][3] = pack2<FP16>(s[8 * kc + 6], s[8 * kc + 7]);
    }
}

template <int D, bool FP16>
__device__ __forceinline__ void issue_qk(float* s, u32 q_panels, u32 k_tile)
{
    constexpr u32 PANEL = 128 * 128;
#pragma unroll
    for (int kk = 0; kk < D / 16; ++kk) {
        const u32 offset = (kk / 4) * PANEL + (kk % 4) * 32;  // 16 columns = 32 bytes inside a 128-byte swizzled row
        wgmma_qk<FP16>(s, sw128_desc(q_panels + offset, 16, 1024), sw128_desc(k_tile + offset, 16, 1024), kk > 0);
    }
}

template <int D, bool FP16>
__device__ __forceinline__ void issue_pv(float* o, const u32 (*a)[4], u32 v_tile)
{
    constexpr u32 PANEL = 128 * 128;
#pragma unroll
    for (int kc = 0; kc < 8; ++kc)  // 16 keys = 16 rows of 128 bytes; the next 64 columns are one panel further
        wgmma_pv<D, FP16>(o, a[kc], sw128_desc(v_tile + kc * 16 * 128, PANEL, 1024));
}

// Consumer warpgroups: warpgroup wg owns query rows 64 wg .. 64 wg + 63, warp wl of it rows 16 wl .. 16 wl + 15.
template <int D, int STAGES, bool FP16>
__device__ __forceinline__ void consume_sm90(const BsaParams& p, const int* list, int total, int m, int b, int h, int video_limit, int key_valid, int cond_shift,
                                             u32 sQ, u32 sK, u32 sV, u32 q_bar, u32 full_bar, u32 empty_bar)
{
    typedef Sm90Layout<D, STAGES> L;
    constexpr int BN = 128;
    const int tid = threadIdx.x;
    const int warp = tid >> 5;
    const int lane = tid & 31;
    const int wg = warp >> 2;
    const int wl = warp & 3;
    const u32 q_panels = sQ + wg * 64 * 128;
    const int first_col = 2 * (lane & 3);

    float o[D / 2];
    float s[64];
#pragma unroll
    for (int i = 0; i < D / 2; ++i)
        o[i] = 0.f;
#pragma unroll
    for (int i = 0; i < 64; ++i)
        s[i] = 0.f;
    float row_max[2] = {neg_inf(), neg_inf()};
    float row_sum[2] = {0.f, 0.f};
    float alpha[2];
    u32 a[8][4];

    mbar_wait(q_bar, 0);

    int t = next_tile<BN>(list, 0, total, p.video_blocks, cond_shift, video_limit, key_valid);
    int i = 0;
    if (t < total) {
        // Prologue: the first tile's S and P; its P V product is issued with the next tile's S.
        const KeyTile kt = key_tile<BN>(list, t, p.video_blocks, cond_shift, video_limit, key_valid);
        mbar_wait(full_bar, 0);
        wgmma_fence();
        issue_qk<D, FP16>(s, q_panels, sK);
        wgmma_commit();
        wgmma_wait<0>();
        pin<64>(s);
        softmax_tile(s, row_max, row_sum, alpha, p.scale_log2, kt.cond ? p.cond_bias_log2 : 0.f, first_col, kt.limit - kt.start);
        pack_p<FP16>(s, a);
        t = next_tile<BN>(list, t + 1, total, p.video_blocks, cond_shift, video_limit, key_valid);
        i = 1;
    }

    for (; t < total; t = next_tile<BN>(list, t + 1, total, p.video_blocks, cond_shift, video_limit, key_valid), ++i) {
        const int stage = i % STAGES;
        const KeyTile kt = key_tile<BN>(list, t, p.video_blocks, cond_shift, video_limit, key_valid);
        const float bias = kt.cond ? p.cond_bias_log2 : 0.f;
        const int visible = kt.limit - kt.start;
        mbar_wait(full_bar + 8 * stage, (i / STAGES) & 1);

        // S_i = Q K_i^T and O += P_{i-1} V_{i-1} in flight together; the softmax of S_i runs while the second finishes.
        const int prev = (i - 1) % STAGES;
        wgmma_fence();
        issue_qk<D, FP16>(s, q_panels, sK + stage * L::TILE);
        wgmma_commit();
        issue_pv<D, FP16>(o, a, sV + prev * L::TILE);
        wgmma_commit();
        wgmma_wait<1>();
        pin<64>(s);
        softmax_tile(s, row_max, row_sum, alpha, p.scale_log2, bias, first_col, visible);
        wgmma_wait<0>();
        pin<D / 2>(o);
        mbar_arrive(empty_bar + 8 * prev);
        rescale<D>(o, alpha);
        pack_p<FP16>(s, a);
    }
    if (i > 0) {
        const int prev = (i - 1) % STAGES;
        wgmma_fence();
        issue_pv<D, FP16>(o, a, sV + prev * L::TILE);
        wgmma_commit();
        wgmma_wait<0>();
        pin<D / 2>(o);
        mbar_arrive(empty_bar + 8 * prev);
    }

    // Normalise and write the rows that exist; a row that saw no key at all is written as zeros.
    u16* og = p.o + b * p.o_sb + h * p.o_sh;
#pragma unroll
    for (int hh = 0; hh < 2; ++hh) {
        float l = row_sum[hh];
        l += __shfl_xor_sync(0xffffffffu, l, 1);
        l += __shfl_xor_sync(0xffffffffu, l, 2);
        const float inv = l > 0.f ? 1.f / l : 0.f;
        const int r = m * 128 + wg * 64 + wl * 16 + (lane >> 2) + hh * 8;
        if (r < p.video_tokens) {
            u16* dst = og + (i64)r * p.o_st + first_col;
#pragma unroll
            for (int j = 0; j < D / 8; ++j)
                *reinterpret_cast<u32*>(dst + j * 8) = pack2<FP16>(o[4 * j + 2 * hh] * inv, o[4 * j + 2 * hh + 1] * inv);
        }
    }
}

template <int D, int STAGES, bool FP16>
__device__ __forceinline__ void bsa_forward_sm90(const BsaTmaParams& P)
{
    typedef Sm90Layout<D, STAGES> L;
    constexpr int BN = 128;
    const BsaParams& p = P.p;

    extern __shared__ unsigned char smem_raw[];
    const u32 base = (smem_u32(smem_raw) + 1023u) & ~1023u;
    const u32 sQ = base;
    const u32 sK = base + L::K_OFFSET;
    const u32 sV = base + L::V_OFFSET;
    const u32 q_bar = base + L::BAR_OFFSET;
    const u32 full_bar = q_bar + 8;              // + 8 s
    const u32 empty_bar = q_bar + 8 + 8 * STAGES;  // + 8 s

    const int tid = threadIdx.x;
    const int warp = tid >> 5;
    const int lane = tid & 31;

    const auto [b, h, m, list, total, video_limit, key_valid, cond_shift] = query_row(p);  // one 128-key tile per list entry

    if (tid == 0) {
        mbar_init(q_bar, 1);
        for (int s = 0; s < STAGES; ++s) {
            mbar_init(full_bar + 8 * s, 1);
            mbar_init(empty_bar + 8 * s, 256);  // every consumer thread releases the buffer
        }
        asm volatile("fence.mbarrier_init.release.cluster;\n" ::: "memory");
    }
    __syncthreads();

    if (warp >= 8) {
        // Producer warpgroup: gives its registers to the consumers; one thread issues every copy.
        asm volatile("setmaxnreg.dec.sync.aligned.u32 24;\n" ::: "memory");
        if (warp == 8 && lane == 0) {
            mbar_expect_tx(q_bar, L::TILE);
#pragma unroll
            for (int panel = 0; panel < D / 64; ++panel)
                tma_load_4d(sQ + panel * L::PANEL, &P.q_map, panel * 64, m * 128, h, b, q_bar);
            int i = 0;
            for (int t = next_tile<BN>(list, 0, total, p.video_blocks, cond_shift, video_limit, key_valid); t < total;
                 t = next_tile<BN>(list, t + 1, total, p.video_blocks, cond_shift, video_limit, key_valid), ++i) {
                const int s = i % STAGES;
                if (i >= STAGES)
                    mbar_wait(empty_bar + 8 * s, ((i / STAGES) - 1) & 1);
                const KeyTile kt = key_tile<BN>(list, t, p.video_blocks, cond_shift, video_limit, key_valid);
                mbar_expect_tx(full_bar + 8 * s, 2 * L::TILE);
#pragma unroll
                for (int panel = 0; panel < D / 64; ++panel) {
                    tma_load_4d(sK + s * L::TILE + panel * L::PANEL, &P.k_map, panel * 64, kt.start, h, b, full_bar + 8 * s);
                    tma_load_4d(sV + s * L::TILE + panel * L::PANEL, &P.v_map, panel * 64, kt.start, h, b, full_bar + 8 * s);
                }
            }
        }
    } else {
        asm volatile("setmaxnreg.inc.sync.aligned.u32 240;\n" ::: "memory");
        consume_sm90<D, STAGES, FP16>(p, list, total, m, b, h, video_limit, key_valid, cond_shift, sQ, sK, sV, q_bar, full_bar, empty_bar);
    }
}

#define JENGA_BSA_SM90_KERNEL(NAME, D, STAGES, FP16) \
    extern "C" __global__ void __launch_bounds__(384, 1) NAME(const __grid_constant__ BsaTmaParams p) { bsa_forward_sm90<D, STAGES, FP16>(p); }
