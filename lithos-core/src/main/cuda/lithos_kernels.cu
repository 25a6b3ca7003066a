// LithOS-J kernel library: TPC-masked, atom-aware kernels for the CUDA backend.
//
// Every *_atom kernel is launched with enough physical blocks to cover all SMs. A block reads
// %smid, exits at once when its TPC (smid >> tpcShift) is not in the 128-bit mask, and otherwise
// pulls logical block ids from the atom's slot counter until [0, count) is used up: the logical
// block id seen by the body is lo + claimed id. The last physical block to exit publishes
// (start, end, claimed) to host-mapped memory and resets the slot, so a launch needs no extra
// API call for its bookkeeping. An abort word equal to the atom's token stops further claims.
//
// Priorities: wantAbove[level] holds the TPCs wanted by in-flight atoms more urgent than
// priority level `level` (0 = most urgent). Before each claim, a block yields (exits; the host
// relaunches the rest) when its TPC is in there, so a freed block slot goes to the most urgent
// atom, as the hardware does for stream priorities with ordinary (non-persistent) blocks.
//
// Rebuild: scripts/build-ptx.sh (commits the PTX under src/main/resources/ptx/).

typedef unsigned long long u64;
typedef unsigned int u32;

// Device-side per-atom bookkeeping; zero between uses (reset by the last exiting block).
struct Slot {
  u32 next;     // logical blocks claimed so far (also counts the final failed claims)
  u32 exited;   // physical blocks that exited
  u64 startNs;  // %globaltimer when logical block 0 was claimed
};

// Host-mapped completion record; token is written last, so token == expected means complete.
struct HostStatus {
  u64 startNs;
  u64 endNs;
  u32 claimed;  // logical blocks run by this launch (<= count)
  u32 token;
  u64 pad;
};

#define ATOM_PARAMS                                                                      \
  u64 maskLo, u64 maskHi, u32 tpcShift, u32 lo, u32 count, u32 slot, u32 token,          \
  Slot *slots, HostStatus *status, const u32 *abortWords, u32 level, const u64 *wantAbove

#define CLAIM_ARGS count, slot, token, slots, abortWords, level, wantAbove, tpc

__device__ __forceinline__ u32 smId() {
  u32 r;
  asm volatile("mov.u32 %0, %%smid;" : "=r"(r));
  return r;
}

__device__ __forceinline__ u64 globalTimerNs() {
  u64 t;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
  return t;
}

__device__ __forceinline__ bool tpcInMask(u64 maskLo, u64 maskHi, u32 tpc) {
  if (tpc < 64) return (maskLo >> tpc) & 1ull;
  if (tpc < 128) return (maskHi >> (tpc - 64)) & 1ull;
  return false;
}

// Claims a logical block for the whole thread block; returns >= count when done, aborted or outranked.
// The abort word and the outranking mask are loaded together, so a claim costs two L2 round trips.
__device__ __forceinline__ u32 claim(u32 count, u32 slot, u32 token, Slot *slots, const u32 *abortWords,
                                     u32 level, const u64 *wantAbove, u32 tpc) {
  __shared__ u32 sId;
  __syncthreads();  // everyone has read the previous sId
  if (threadIdx.x == 0) {
    u32 abortWord = *(const volatile u32 *)&abortWords[slot];
    u64 above = ((const volatile u64 *)wantAbove)[2 * level + (tpc >> 6)];
    u32 id = 0xffffffffu;
    if (abortWord != token && !((above >> (tpc & 63)) & 1ull)) {
      id = atomicAdd(&slots[slot].next, 1u);
      if (id == 0) slots[slot].startNs = globalTimerNs();
    }
    sId = id;
  }
  __syncthreads();
  return sId;
}

// Called by every physical block on exit; the last one publishes and resets the slot.
__device__ __forceinline__ void finish(u32 count, u32 slot, u32 token, Slot *slots, HostStatus *status) {
  if (threadIdx.x != 0) return;
  __threadfence();
  u32 exited = atomicAdd(&slots[slot].exited, 1u);
  if (exited != gridDim.x - 1) return;
  __threadfence();
  volatile Slot *s = &slots[slot];
  u32 claimed = min(s->next, count);
  u64 start = s->startNs;
  volatile HostStatus *h = &status[slot];
  h->startNs = start;
  h->endNs = globalTimerNs();
  h->claimed = claimed;
  s->next = 0;
  s->exited = 0;
  s->startNs = 0;
  __threadfence_system();
  h->token = token;
  __threadfence_system();
}

// ---- bodies -----------------------------------------------------------------------------

#define FMA_CHAINS 8

__device__ __forceinline__ void fmaLoop(float (&a)[FMA_CHAINS], u32 iters, float b, float c) {
#pragma unroll 4
  for (u32 i = 0; i < iters; i++) {
#pragma unroll
    for (int k = 0; k < FMA_CHAINS; k++) a[k] = fmaf(a[k], b, c);
  }
}

__device__ __forceinline__ void fmaInit(float (&a)[FMA_CHAINS], u32 id) {
#pragma unroll
  for (int k = 0; k < FMA_CHAINS; k++) a[k] = (float)(threadIdx.x + k + (id & 7));
}

__device__ __forceinline__ void fmaKeep(const float (&a)[FMA_CHAINS], float *sink) {
  float s = 0.f;
#pragma unroll
  for (int k = 0; k < FMA_CHAINS; k++) s += a[k];
  if (s == -1.2345e-30f) sink[threadIdx.x] = s;  // never true; keeps the chains alive
}

// FMA-bound: each thread runs `iters` iterations of FMA_CHAINS independent FMAs.
__device__ __forceinline__ void fmaBody(u32 id, u32 iters, float b, float c, float *sink) {
  float a[FMA_CHAINS];
  fmaInit(a, id);
  fmaLoop(a, iters, b, c);
  fmaKeep(a, sink);
}

// Memory-bound: the block copies `elems` float4 (32 bytes of DRAM traffic each) from src to
// dst at offset id*elems, wrapping inside the buffers (bufMask + 1 float4, a power of two).
__device__ __forceinline__ void streamBody(u32 id, u32 elems, const float4 *src, float4 *dst, u64 bufMask) {
  u64 base = (u64)id * elems;
  u32 e = threadIdx.x;
  for (; e + 3 * blockDim.x < elems; e += 4 * blockDim.x) {
    u64 i0 = (base + e) & bufMask, i1 = (base + e + blockDim.x) & bufMask;
    u64 i2 = (base + e + 2 * blockDim.x) & bufMask, i3 = (base + e + 3 * blockDim.x) & bufMask;
    float4 v0 = __ldcs(&src[i0]), v1 = __ldcs(&src[i1]), v2 = __ldcs(&src[i2]), v3 = __ldcs(&src[i3]);
    __stcs(&dst[i0], v0); __stcs(&dst[i1], v1); __stcs(&dst[i2], v2); __stcs(&dst[i3], v3);
  }
  for (; e < elems; e += blockDim.x) {
    u64 i = (base + e) & bufMask;
    __stcs(&dst[i], __ldcs(&src[i]));
  }
}

// Mixed: the copy of streamBody with the FMA work of fmaBody spread between each load and
// its store, so memory latency hides under arithmetic (and the reverse).
__device__ __forceinline__ void mixedBody(u32 id, u32 iters, u32 elems, const float4 *src, float4 *dst,
                                          u64 bufMask, float b, float c, float *sink) {
  float a[FMA_CHAINS];
  fmaInit(a, id);
  u32 passes = elems > threadIdx.x ? (elems - threadIdx.x + blockDim.x - 1) / blockDim.x : 0;
  u32 perPass = passes ? iters / passes : 0;
  u64 base = (u64)id * elems;
  for (u32 e = threadIdx.x; e < elems; e += blockDim.x) {
    u64 i = (base + e) & bufMask;
    float4 v = __ldcs(&src[i]);
    fmaLoop(a, perPass, b, c);
    __stcs(&dst[i], v);
  }
  fmaLoop(a, iters - perPass * passes, b, c);
  fmaKeep(a, sink);
}

// ---- atom kernels ------------------------------------------------------------------------

extern "C" __global__ void __launch_bounds__(1024, 2) fma_atom(ATOM_PARAMS, u32 iters, float b, float c, float *sink) {
  u32 tpc = smId() >> tpcShift;
  if (tpcInMask(maskLo, maskHi, tpc)) {
    for (u32 id; (id = claim(CLAIM_ARGS)) < count;) fmaBody(lo + id, iters, b, c, sink);
  }
  finish(count, slot, token, slots, status);
}

extern "C" __global__ void __launch_bounds__(1024, 2) stream_atom(ATOM_PARAMS, u32 elems, const float4 *src, float4 *dst, u64 bufMask) {
  u32 tpc = smId() >> tpcShift;
  if (tpcInMask(maskLo, maskHi, tpc)) {
    for (u32 id; (id = claim(CLAIM_ARGS)) < count;) streamBody(lo + id, elems, src, dst, bufMask);
  }
  finish(count, slot, token, slots, status);
}

extern "C" __global__ void __launch_bounds__(1024, 2) mixed_atom(ATOM_PARAMS, u32 iters, u32 elems, const float4 *src, float4 *dst,
                                                              u64 bufMask, float b, float c, float *sink) {
  u32 tpc = smId() >> tpcShift;
  if (tpcInMask(maskLo, maskHi, tpc)) {
    for (u32 id; (id = claim(CLAIM_ARGS)) < count;)
      mixedBody(lo + id, iters, elems, src, dst, bufMask, b, c, sink);
  }
  finish(count, slot, token, slots, status);
}

// Verification: every logical block adds 1 to hits[id], records its SM and the physical block
// that ran it, and spins spinNs so blocks of concurrent atoms overlap in time.
extern "C" __global__ void __launch_bounds__(1024, 2) smoke_atom(ATOM_PARAMS, u32 *hits, u32 *smids, u32 *phys, u32 spinNs) {
  u32 tpc = smId() >> tpcShift;
  if (tpcInMask(maskLo, maskHi, tpc)) {
    for (u32 id; (id = claim(CLAIM_ARGS)) < count;) {
      if (threadIdx.x == 0) {
        u32 g = lo + id;
        atomicAdd(&hits[g], 1u);
        smids[g] = smId();
        phys[g] = blockIdx.x;
        u64 until = globalTimerNs() + spinNs;
        while (globalTimerNs() < until) {}
      }
    }
  }
  finish(count, slot, token, slots, status);
}

// ---- plain kernels (no mask, no counter): the baseline for atom overhead --------------------

extern "C" __global__ void __launch_bounds__(1024, 2) fma_plain(u32 base, u32 iters, float b, float c, float *sink) {
  fmaBody(base + blockIdx.x, iters, b, c, sink);
}

extern "C" __global__ void __launch_bounds__(1024, 2) stream_plain(u32 base, u32 elems, const float4 *src, float4 *dst, u64 bufMask) {
  streamBody(base + blockIdx.x, elems, src, dst, bufMask);
}

// Writes %globaltimer to host-mapped memory: aligns GPU timestamps with the host clock.
extern "C" __global__ void clock_probe(volatile u64 *out) {
  if (threadIdx.x == 0 && blockIdx.x == 0) {
    out[0] = globalTimerNs();
    __threadfence_system();
  }
}
