// Block-sparse attention forward for Jenga's carved self-attention (video query rows only).
//
// One CTA of WARPS warps (4 or 8) per (sample, head, 128-row video query block). The CTA walks the query block's
// list of kept key blocks in increasing order, in tiles of BN keys, FlashAttention-2 style: S = Q K^T
// on the tensor cores (mma.sync m16n8k16, fp32 accumulate), online softmax in base 2 with fp32 running
// max and sum, P rounded to 16 bits, O += P V on the tensor cores. K/V tiles are staged in shared
// memory with cp.async, STAGES deep. Each warp owns 128/WARPS query rows (MT m16 tiles).
//
// Key blocks n < video_blocks are video blocks (tokens n*128 .. , valid below video_tokens); blocks
// n >= video_blocks are condition blocks (tokens video_tokens + (n - video_blocks)*128 .., valid below
// the sample's key_valid length) and get cond_bias_log2 added to their base-2 logits.
//
// Compiled at run time by NVRTC without any CUDA header: 16-bit values are raw bits, every special
// instruction is inline PTX. The host appends one JENGA_BSA_KERNEL(...) line per variant it needs.

typedef unsigned short u16;
typedef unsigned int u32;
typedef long long i64;

struct BsaParams {
    const u16* q;
    const u16* k;
    const u16* v;
    u16* o;
    const int* lists;      // [rows, list_stride] kept key blocks, ascending
    const int* counts;     // [rows]
    const int* row_order;  // [rows] CTA -> row (longest lists first), or null
    const int* key_valid;  // [batch] keys below this token index are visible
    i64 q_sb, q_sh, q_st;  // strides in elements (sample, head, token); the head dim is contiguous
    i64 k_sb, k_sh, k_st;
    i64 v_sb, v_sh, v_st;
    i64 o_sb, o_sh, o_st;
    int heads;
    int video_blocks;
    int key_blocks;
    int list_stride;
    int video_tokens;
    int rows;
    float scale_log2;      // log2(e) / sqrt(D)
    float cond_bias_log2;  // text_amp: added to base-2 logits of condition keys
};

__device__ __forceinline__ u32 smem_u32(const void* p)
{
    u32 r;
    asm volatile("{ .reg .u64 t; cvta.to.shared.u64 t, %1; cvt.u32.u64 %0, t; }\n" : "=r"(r) : "l"(p));
    return r;
}

__device__ __forceinline__ void cp_async16(u32 dst, const void* src, int src_bytes)
{
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(dst), "l"(src), "r"(src_bytes));
}

__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::); }

template <int N>
__device__ __forceinline__ void cp_async_wait() { asm volatile("cp.async.wait_group %0;\n" ::"n"(N)); }

__device__ __forceinline__ void ldsm_x4(u32 addr, u32& r0, u32& r1, u32& r2, u32& r3)
{
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];\n"
                 : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3) : "r"(addr));
}

__device__ __forceinline__ void ldsm_x4_trans(u32 addr, u32& r0, u32& r1, u32& r2, u32& r3)
{
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0, %1, %2, %3}, [%4];\n"
                 : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3) : "r"(addr));
}

// d += a * b for one 16x8x16 tile; a row-major 16x16, b column-major 16x8, d fp32.
template <bool FP16>
__device__ __forceinline__ void mma16816(float* d, const u32* a, u32 b0, u32 b1)
{
    if (FP16)
        asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};\n"
                     : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                     : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
    else
        asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};\n"
                     : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                     : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

// Two floats rounded to 16 bits in one register: lo in bits 0..15 (the lower column), hi above.
template <bool FP16>
__device__ __forceinline__ u32 pack2(float lo, float hi)
{
    u32 r;
    if (FP16)
        asm("cvt.rn.f16x2.f32 %0, %1, %2;\n" : "=r"(r) : "f"(hi), "f"(lo));
    else
        asm("cvt.rn.bf16x2.f32 %0, %1, %2;\n" : "=r"(r) : "f"(hi), "f"(lo));
    return r;
}

__device__ __forceinline__ float exp2_approx(float x)
{
    float y;
    asm("ex2.approx.ftz.f32 %0, %1;\n" : "=f"(y) : "f"(x));
    return y;
}

__device__ __forceinline__ float neg_inf() { return __int_as_float(0xff800000); }

// Byte offset of 16-byte chunk c of row r in a tile of CPR chunks per row. The chunk index is XOR-ed
// with the row (mod 8) so that 8 consecutive rows at one logical chunk hit 8 different bank groups
// (ldmatrix reads 8 rows of 16 bytes at once).
template <int CPR>
__device__ __forceinline__ u32 swizzle(int r, int c) { return (u32)((r * CPR + (c ^ (r & 7))) * 16); }

// The query block a CTA owns and the keys it may see.
struct QueryRow {
    int b, h, m;
    const int* list;  // kept key blocks, ascending
    int count;        // entries in the list
    int video_limit;  // visible video keys are below this token
    int key_valid;    // visible condition keys are below this token
    int cond_shift;   // condition block n starts at token n * 128 + cond_shift
};

__device__ __forceinline__ QueryRow query_row(const BsaParams& p)
{
    const int row = p.row_order ? p.row_order[blockIdx.x] : (int)blockIdx.x;
    const int bh = row / p.video_blocks;
    QueryRow r;
    r.m = row % p.video_blocks;
    r.h = bh % p.heads;
    r.b = bh / p.heads;
    r.list = p.lists + (i64)row * p.list_stride;
    r.count = p.counts[row];
    r.key_valid = p.key_valid[r.b];
    r.video_limit = min(p.video_tokens, r.key_valid);
    r.cond_shift = p.video_tokens - p.video_blocks * 128;  // condition tokens follow the last real video token
    return r;
}

// Where one tile of BN keys starts and ends: tile t is tile (t % TPB) of list entry t / TPB.
struct KeyTile {
    int start;   // first token
    int limit;   // tokens at or beyond this index are invisible
    bool cond;   // condition block: gets the text bias
};

template <int BN>
__device__ __forceinline__ KeyTile key_tile(const int* list, int t, int video_blocks, int cond_shift, int video_limit, int key_valid)
{
    constexpr int TPB = 128 / BN;
    const int n = list[t / TPB];
    KeyTile kt;
    kt.cond = n >= video_blocks;
    kt.start = n * 128 + (kt.cond ? cond_shift : 0) + (t % TPB) * BN;
    kt.limit = kt.cond ? key_valid : video_limit;
    return kt;
}

// First tile at or after t that holds at least one visible key (skips the empty halves of a partial
// last video block and of padded condition blocks).
template <int BN>
__device__ __forceinline__ int next_tile(const int* list, int t, int total, int video_blocks, int cond_shift, int video_limit, int key_valid)
{
    while (t < total) {
        const KeyTile kt = key_tile<BN>(list, t, video_blocks, cond_shift, video_limit, key_valid);
        if (kt.start < kt.limit)
            break;
        ++t;
    }
    return t;
}

// Stage one K/V tile of BN keys; keys beyond the tile's limit are zero-filled so that V never holds garbage.
template <int D, int BN, int THREADS>
__device__ __forceinline__ void load_kv_tile(u32 kdst, u32 vdst, const KeyTile& kt, const u16* kg, i64 k_st, const u16* vg, i64 v_st, int tid)
{
    constexpr int CPR = D / 8;
#pragma unroll
    for (int it = 0; it < BN * CPR / THREADS; ++it) {
        const int i = tid + it * THREADS;
        const int r = i / CPR, c = i % CPR;
        const int token = kt.start + r;
        const bool ok = token < kt.limit;
        const u16* ks = ok ? kg + (i64)token * k_st + c * 8 : kg;
        const u16* vs = ok ? vg + (i64)token * v_st + c * 8 : vg;
        cp_async16(kdst + swizzle<CPR>(r, c), ks, ok ? 16 : 0);
        cp_async16(vdst + swizzle<CPR>(r, c), vs, ok ? 16 : 0);
    }
}

template <int D, int BN, int STAGES, bool FP16, int WARPS>
__device__ __forceinline__ void bsa_forward(const BsaParams& p)
{
    constexpr int BM = 128;           // query rows per CTA (one block)
    constexpr int THREADS = WARPS * 32;
    constexpr int MT = BM / (WARPS * 16);  // m16 row tiles per warp: 2 with 4 warps, 1 with 8
    constexpr int CPR = D / 8;        // 16-byte chunks per row
    constexpr int NT = BN / 8;        // 8-key column tiles of S
    constexpr int DT = D / 8;         // 8-wide column tiles of O
    constexpr int TPB = 128 / BN;     // key tiles per key block
    constexpr u32 KV_STAGE_BYTES = BN * D * 2;

    extern __shared__ __attribute__((aligned(128))) unsigned char smem[];
    const u32 sQ = smem_u32(smem);
    const u32 sK = sQ + BM * D * 2;
    const u32 sV = sK + STAGES * KV_STAGE_BYTES;

    const int tid = threadIdx.x;
    const int lane = tid & 31;
    const int warp = tid >> 5;

    const auto [b, h, m, list, count, video_limit, key_valid, cond_shift] = query_row(p);
    const int total = count * TPB;

    const u16* qg = p.q + b * p.q_sb + h * p.q_sh;
    const u16* kg = p.k + b * p.k_sb + h * p.k_sh;
    const u16* vg = p.v + b * p.v_sb + h * p.v_sh;
    u16* og = p.o + b * p.o_sb + h * p.o_sh;
    const int q0 = m * BM;

    // Q tile: rows beyond the video tokens are zero-filled (their outputs are never written).
#pragma unroll
    for (int it = 0; it < BM * CPR / THREADS; ++it) {
        const int i = tid + it * THREADS;
        const int r = i / CPR, c = i % CPR;
        const bool ok = q0 + r < p.video_tokens;
        const u16* src = ok ? qg + (i64)(q0 + r) * p.q_st + c * 8 : qg;
        cp_async16(sQ + swizzle<CPR>(r, c), src, ok ? 16 : 0);
    }
    cp_async_commit();

    float o[MT][DT][4];
    float row_max[MT][2], row_sum[MT][2];
#pragma unroll
    for (int mt = 0; mt < MT; ++mt) {
#pragma unroll
        for (int dt = 0; dt < DT; ++dt)
#pragma unroll
            for (int e = 0; e < 4; ++e)
                o[mt][dt][e] = 0.f;
#pragma unroll
        for (int hh = 0; hh < 2; ++hh) {
            row_max[mt][hh] = neg_inf();
            row_sum[mt][hh] = 0.f;
        }
    }

    int load_t = next_tile<BN>(list, 0, total, p.video_blocks, cond_shift, video_limit, key_valid);
    int comp_t = load_t;
    int load_stage = 0;
#pragma unroll
    for (int s = 0; s < STAGES - 1; ++s) {
        if (load_t < total) {
            load_kv_tile<D, BN, THREADS>(sK + load_stage * KV_STAGE_BYTES, sV + load_stage * KV_STAGE_BYTES,
                key_tile<BN>(list, load_t, p.video_blocks, cond_shift, video_limit, key_valid), kg, p.k_st, vg, p.v_st, tid);
            load_t = next_tile<BN>(list, load_t + 1, total, p.video_blocks, cond_shift, video_limit, key_valid);
        }
        cp_async_commit();
        load_stage = load_stage + 1 == STAGES ? 0 : load_stage + 1;
    }

    int comp_stage = 0;
    while (comp_t < total) {
        // Prefetch STAGES-1 tiles ahead into the stage freed by the previous iteration.
        if (load_t < total) {
            load_kv_tile<D, BN, THREADS>(sK + load_stage * KV_STAGE_BYTES, sV + load_stage * KV_STAGE_BYTES,
                key_tile<BN>(list, load_t, p.video_blocks, cond_shift, video_limit, key_valid), kg, p.k_st, vg, p.v_st, tid);
            load_t = next_tile<BN>(list, load_t + 1, total, p.video_blocks, cond_shift, video_limit, key_valid);
        }
        cp_async_commit();
        load_stage = load_stage + 1 == STAGES ? 0 : load_stage + 1;
        cp_async_wait<STAGES - 1>();
        __syncthreads();

        const KeyTile kt = key_tile<BN>(list, comp_t, p.video_blocks, cond_shift, video_limit, key_valid);
        const u32 kbase = sK + comp_stage * KV_STAGE_BYTES;
        const u32 vbase = sV + comp_stage * KV_STAGE_BYTES;

        // S = Q K^T for this warp's rows and the tile's BN keys.
        float s[MT][NT][4];
#pragma unroll
        for (int mt = 0; mt < MT; ++mt)
#pragma unroll
            for (int nt = 0; nt < NT; ++nt)
#pragma unroll
                for (int e = 0; e < 4; ++e)
                    s[mt][nt][e] = 0.f;
#pragma unroll
        for (int kk = 0; kk < D / 16; ++kk) {
            u32 a[MT][4];
#pragma unroll
            for (int mt = 0; mt < MT; ++mt) {
                const int r = warp * (MT * 16) + mt * 16 + (lane & 15);
                ldsm_x4(sQ + swizzle<CPR>(r, kk * 2 + (lane >> 4)), a[mt][0], a[mt][1], a[mt][2], a[mt][3]);
            }
#pragma unroll
            for (int jn = 0; jn < NT / 2; ++jn) {
                const int r = jn * 16 + (lane & 7) + ((lane >> 4) << 3);
                u32 b0, b1, b2, b3;
                ldsm_x4(kbase + swizzle<CPR>(r, kk * 2 + ((lane >> 3) & 1)), b0, b1, b2, b3);
#pragma unroll
                for (int mt = 0; mt < MT; ++mt) {
                    mma16816<FP16>(s[mt][2 * jn], a[mt], b0, b1);
                    mma16816<FP16>(s[mt][2 * jn + 1], a[mt], b2, b3);
                }
            }
        }

        // Online softmax in base 2. Thread holds rows g and g+8 of each m-tile; a row's 4 owners form a quad.
        const float bias = kt.cond ? p.cond_bias_log2 : 0.f;
        const bool partial = kt.start + BN > kt.limit;
#pragma unroll
        for (int mt = 0; mt < MT; ++mt) {
#pragma unroll
            for (int hh = 0; hh < 2; ++hh) {
                float mx = neg_inf();
#pragma unroll
                for (int nt = 0; nt < NT; ++nt) {
#pragma unroll
                    for (int e = 0; e < 2; ++e) {
                        float x = fmaf(s[mt][nt][2 * hh + e], p.scale_log2, bias);
                        if (partial && kt.start + nt * 8 + 2 * (lane & 3) + e >= kt.limit)
                            x = neg_inf();
                        s[mt][nt][2 * hh + e] = x;
                        mx = fmaxf(mx, x);
                    }
                }
                mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
                mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 2));
                const float new_max = fmaxf(row_max[mt][hh], mx);
                const float base = new_max == neg_inf() ? 0.f : new_max;  // a row with nothing visible yet stays at 0
                const float alpha = exp2_approx(row_max[mt][hh] - base);
                row_max[mt][hh] = new_max;
                float sum = 0.f;
#pragma unroll
                for (int nt = 0; nt < NT; ++nt) {
#pragma unroll
                    for (int e = 0; e < 2; ++e) {
                        const float pv = exp2_approx(s[mt][nt][2 * hh + e] - base);
                        s[mt][nt][2 * hh + e] = pv;
                        sum += pv;
                    }
                }
                row_sum[mt][hh] = row_sum[mt][hh] * alpha + sum;  // per-thread partial; the quad is summed at the end
                if (alpha != 1.f) {  // the running max rarely moves after the first tiles: skip the rescale then
#pragma unroll
                    for (int dt = 0; dt < DT; ++dt) {
                        o[mt][dt][2 * hh] *= alpha;
                        o[mt][dt][2 * hh + 1] *= alpha;
                    }
                }
            }
        }

        // O += P V. The S accumulator layout of two adjacent 8-key tiles is the A layout of one 16-key step.
#pragma unroll
        for (int kc = 0; kc < BN / 16; ++kc) {
            u32 a[MT][4];
#pragma unroll
            for (int mt = 0; mt < MT; ++mt) {
                a[mt][0] = pack2<FP16>(s[mt][2 * kc][0], s[mt][2 * kc][1]);
                a[mt][1] = pack2<FP16>(s[mt][2 * kc][2], s[mt][2 * kc][3]);
                a[mt][2] = pack2<FP16>(s[mt][2 * kc + 1][0], s[mt][2 * kc + 1][1]);
                a[mt][3] = pack2<FP16>(s[mt][2 * kc + 1][2], s[mt][2 * kc + 1][3]);
            }
#pragma unroll
            for (int dp = 0; dp < DT / 2; ++dp) {
                const int r = kc * 16 + (lane & 15);
                u32 b0, b1, b2, b3;
                ldsm_x4_trans(vbase + swizzle<CPR>(r, dp * 2 + (lane >> 4)), b0, b1, b2, b3);
#pragma unroll
                for (int mt = 0; mt < MT; ++mt) {
                    mma16816<FP16>(o[mt][2 * dp], a[mt], b0, b1);
                    mma16816<FP16>(o[mt][2 * dp + 1], a[mt], b2, b3);
                }
            }
        }

        __syncthreads();  // every warp is done with this stage before it is refilled
        comp_t = next_tile<BN>(list, comp_t + 1, total, p.video_blocks, cond_shift, video_limit, key_valid);
        comp_stage = comp_stage + 1 == STAGES ? 0 : comp_stage + 1;
    }
    cp_async_wait<0>();

    // Normalise and write the rows that exist; a row that saw no key at all is written as zeros.
#pragma unroll
    for (int mt = 0; mt < MT; ++mt) {
#pragma unroll
        for (int hh = 0; hh < 2; ++hh) {
            float l = row_sum[mt][hh];
            l += __shfl_xor_sync(0xffffffffu, l, 1);
            l += __shfl_xor_sync(0xffffffffu, l, 2);
            const float inv = l > 0.f ? 1.f / l : 0.f;
            const int r = q0 + warp * (MT * 16) + mt * 16 + (lane >> 2) + hh * 8;
            if (r < p.video_tokens) {
                u16* dst = og + (i64)r * p.o_st + 2 * (lane & 3);
#pragma unroll
                for (int dt = 0; dt < DT; ++dt)
                    *reinterpret_cast<u32*>(dst + dt * 8) = pack2<FP16>(o[mt][dt][2 * hh] * inv, o[mt][dt][2 * hh + 1] * inv);
            }
        }
    }
}

#define JENGA_BSA_KERNEL(NAME, D, BN, STAGES, FP16, WARPS, MIN_BLOCKS) \
    extern "C" __global__ void __launch_bounds__(WARPS * 32, MIN_BLOCKS) NAME(const BsaParams p) { bsa_forward<D, BN, STAGES, FP16, WARPS>(p); }

// Compact lists from a bool block mask [rows, key_blocks]: one warp per row, kept block ids in
// increasing order at lists[row * stride ...], their number at counts[row].
extern "C" __global__ void jenga_build_block_lists(const unsigned char* mask, int rows, int key_blocks, int stride, int* lists, int* counts)
{
    const int row = (int)((blockIdx.x * (unsigned)blockDim.x + threadIdx.x) >> 5);
    const int lane = threadIdx.x & 31;
    if (row >= rows)
        return;
    const unsigned char* m = mask + (i64)row * key_blocks;
    int* out = lists + (i64)row * stride;
    int base = 0;
    for (int j0 = 0; j0 < key_blocks; j0 += 32) {
        const int j = j0 + lane;
        const bool kept = j < key_blocks && m[j] != 0;
        const u32 ballot = __ballot_sync(0xffffffffu, kept);
        if (kept)
            out[base + __popc(ballot & ((1u << lane) - 1u))] = j;
        base += __popc(ballot);
    }
    if (lane == 0)
        counts[row] = base;
}
