// Kernels that take SMs away from other work, for collect_traces.py --method occupy.
//
// Build (datasets/build-occupy-ptx.sh; the PTX is committed, the driver JIT-compiles it at load time):
//   nvcc -ptx -arch=compute_90 -O3 -o occupy_sms.ptx occupy_sms.cu
//   ptxas -arch=sm_90 -v occupy_sms.ptx -o /dev/null
// ptxas 13.0 (sm_90) reports for lithosj_occupy: 64 registers, 0 bytes stack frame, 0 bytes spill
// stores/loads (1024 threads x 64 = 65536 = the whole register file of an H100 SM), no static smem.
//
// Names start with lithosj_ so that collect_traces.py can drop these kernels from the profiles.

// Values kept live across the wait: with __launch_bounds__(1024, 1) ptxas may use at most 64
// registers per thread; these 58 plus the pointers, the release value and the fold's temporaries
// make it use all 64 without spilling (ptxas 13.0 -v: 54 live -> 62 registers, 56 and 58 -> 64,
// 60 -> 64 with 48 bytes of spill stores, so the values really occupy registers).
#define LITHOSJ_LIVE 58

static __device__ __forceinline__ unsigned lithosj_smid() {
  unsigned s;
  asm volatile("mov.u32 %0, %%smid;" : "=r"(s));
  return s;
}

// One block per SM, resident until the host writes a nonzero *release. It makes its SM unusable
// for any other block twice over: the launch asks for the device's opt-in maximum of dynamic shared
// memory (with the 1 KiB the driver reserves per block that is all of the SM's shared memory), and
// its 1024 threads hold all 65536 registers.
//
// checkin[blockIdx.x] = %smid + 1 once the block is resident (0 = not yet): one slot per block, so
// no system-scope atomics on host memory are needed (PCIe hosts do not guarantee them). Both words
// live in host memory mapped into the device; volatile accesses are relaxed at system scope, so the
// host sees the check-in and the blocks see the release.
extern "C" __global__ void __launch_bounds__(1024, 1)
lithosj_occupy(volatile unsigned *checkin, const volatile unsigned *release) {
  // Per-thread values loaded (volatile) from the block's shared memory before the barrier: a load
  // cannot move past the barrier and the values differ per thread (no uniform registers), so each
  // one holds a register until it is folded in after the wait. The contents are whatever the shared
  // memory holds; only the register pressure matters.
  extern __shared__ unsigned lithosj_smem[];
  const volatile unsigned *sm = lithosj_smem;
  unsigned words;  // the launch always gives dynamic shared memory (the opt-in maximum)
  asm("mov.u32 %0, %%dynamic_smem_size;" : "=r"(words));
  words /= 4u;
  unsigned v[LITHOSJ_LIVE];
#pragma unroll
  for (int i = 0; i < LITHOSJ_LIVE; ++i) v[i] = sm[(i * 1024u + threadIdx.x) % words];

  if (threadIdx.x == 0) {
    checkin[blockIdx.x] = lithosj_smid() + 1u;
    __threadfence_system();
    while (*release == 0u) __nanosleep(2000);
  }
  __syncthreads();

  // The fold depends on the release value read after the wait and is not linear in v, so it cannot
  // be computed before the wait; its result is stored only when release == 0xffffffff, which the
  // host never writes (the store exists so that nothing above is dead code).
  unsigned r = *release;
  unsigned s = r;
#pragma unroll
  for (int i = 0; i < LITHOSJ_LIVE; ++i) s = (s ^ v[i]) * 0x9e3779b1u + (s >> 13);
  if (r == 0xffffffffu) checkin[blockIdx.x] = s;
}

// Where do blocks run? Each block writes its %smid to smids[blockIdx.x] and spins spinNs on the
// global timer, so that a large grid stays resident long enough to spread over every SM it may use.
extern "C" __global__ void lithosj_smid_probe(unsigned *smids, unsigned spinNs) {
  if (threadIdx.x == 0) smids[blockIdx.x] = lithosj_smid();
  unsigned long long t0, t;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t0));
  do {
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
  } while (t - t0 < spinNs);
}
