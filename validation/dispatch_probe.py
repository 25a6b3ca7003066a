#!/usr/bin/env python3
"""Probe of block dispatch between concurrent kernels (issue 14, item 4): how long does a small HP
kernel wait for its first block, and for its completion, when it is launched while a many-wave BE
kernel is running, under two streams of one process (equal priority; HP on the highest priority),
two processes under MPS (equal priority; HP on the highest priority) and two processes without
MPS (time slicing)?

Kernels (cupy RawKernel) spin on %globaltimer (the GPU's nanosecond clock, one for every context)
and write, per block, its start, its end and its SM (%smid) to device memory. BE kernel: `waves`
x (SMs x BE blocks per SM) blocks of 128 threads, each spinning T_block; it either leaves room
on every SM for HP blocks ('room': 48 KiB of dynamic shared memory per block, 4 BE blocks per
SM) or takes all of an SM's shared memory ('full': the opt-in maximum per block, 227 KiB on the
H200, 1 BE block per SM, so no HP block fits beside it). The BE role keeps `depth` BE kernels in
flight on its stream (one queued behind the running one, as an eager BE runs ahead). HP kernel:
`hp_blocks` blocks of 128 threads, no shared memory, each spinning `hp_us`, launched at random
times (uniform gaps) and waited for, one at a time. The HP launch time (host CLOCK_MONOTONIC,
taken right before the launch call) is put on the GPU clock by a clock fit done before and after
each case (a one-thread kernel writes %globaltimer to pinned host memory, the host notes when it
sees it; offset = min(host - gpu), interpolated linearly between the two fits).

Per HP trial: wait = HP's first block start - launch; completion = HP's last block end - launch;
the BE kernel running at the launch: the time left in it (its last block end - launch) and until
its last block was placed (last block start - launch); whether HP's first block started before
the BE kernel's last block (HP jumped the BE's pending blocks: strict FIFO says it cannot);
share of the BE blocks pending at launch that started before HP; share of HP blocks that started
on an SM holding a running BE block (co-residence). An 'idle' case (HP alone) per process layout
gives the launch-to-first-block latency without contention.

  python3 validation/dispatch_probe.py --self-test            # pure parts, no GPU, no cupy
  python3 validation/dispatch_probe.py --out $OUT/dispatch_probe.json   (needs cupy and a GPU)
"""
import argparse
import collections
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

# from the stacking harness beside this file (validation/ is the script's folder, so it is on sys.path):
# its MPS daemon control (pipe and log directories under /tmp; quit at the end, also on failure) and its
# percentile (linear interpolation between ranks, numpy's default; None for no data)
from stack_harness import MPS as Mps, percentile as pct

T0 = time.time()

SRC = r"""
#define GT(t) asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t))
extern "C" __global__ void spin_be(unsigned long long* start, unsigned long long* end, unsigned int* sm,
                                   unsigned long long spin_ns) {
    extern __shared__ unsigned int smem[];
    unsigned long long t0, t;
    GT(t0);
    do { GT(t); } while (t - t0 < spin_ns);
    if (threadIdx.x == 0) smem[0] = (unsigned int)t;   // touch the dynamic shared memory
    __syncthreads();
    if (threadIdx.x == 0) {
        unsigned int s;
        asm volatile("mov.u32 %0, %%smid;" : "=r"(s));
        GT(t);
        start[blockIdx.x] = t0; end[blockIdx.x] = t; sm[blockIdx.x] = s + (smem[0] & 0u);
    }
}
extern "C" __global__ void spin_hp(unsigned long long* start, unsigned long long* end, unsigned int* sm,
                                   unsigned long long spin_ns) {
    unsigned long long t0, t;
    GT(t0);
    do { GT(t); } while (t - t0 < spin_ns);
    __syncthreads();
    if (threadIdx.x == 0) {
        unsigned int s;
        asm volatile("mov.u32 %0, %%smid;" : "=r"(s));
        GT(t);
        start[blockIdx.x] = t0; end[blockIdx.x] = t; sm[blockIdx.x] = s;
    }
}
extern "C" __global__ void clk(unsigned long long addr, int n, unsigned long long gap_ns) {
    volatile unsigned long long* p = (volatile unsigned long long*)addr;
    unsigned long long t, last = 0;
    for (int i = 1; i <= n; i++) {
        do { GT(t); } while (t - last < gap_ns);
        last = t;
        p[1] = t; __threadfence_system(); p[0] = (unsigned long long)i; __threadfence_system();
    }
}
"""

THREADS = 128
ROOM_SMEM = 48 * 1024
LEAD_S = 0.15     # slot start -> window start (HP's clock fit happens here, BE idle)
TAIL_S = 0.8      # window end -> next slot (drain, post fit, save)


def log(*a):
    print(f"[{time.time() - T0:7.1f}s]", *a, flush=True)


# ----------------------------------------------------------------------------------------------
# Pure parts (no GPU)
# ----------------------------------------------------------------------------------------------

def r1(x):
    return None if x is None else round(float(x), 1)


def dist(xs):
    return {"n": len(xs), "p50": r1(pct(xs, 50)), "p90": r1(pct(xs, 90)), "p99": r1(pct(xs, 99)),
            "max": r1(max(xs)) if xs else None}


def fit_offset(pairs):
    """(host_ns, gpu_ns) samples of one clock fit -> (host time of the fit, offset host - gpu, spread)."""
    if not pairs:
        return None
    d = [h - g for h, g in pairs]
    return {"host_ns": pairs[0][0], "offset_ns": min(d), "n": len(d), "spread_ns": sorted(d)[len(d) // 2] - min(d)}


def offset_at(fits, host_ns):
    """Offset at host time host_ns, linear between the first and the last fit (constant with one)."""
    fits = [f for f in fits if f]
    if not fits:
        raise ValueError("no clock fit")
    a, b = fits[0], fits[-1]
    if b["host_ns"] == a["host_ns"]:
        return a["offset_ns"]
    w = (host_ns - a["host_ns"]) / (b["host_ns"] - a["host_ns"])
    return a["offset_ns"] + w * (b["offset_ns"] - a["offset_ns"])


def cases_for(t_blocks, quick=False):
    """The case list of each phase: name, mechanism, occupancy, T_block (us), BE present, HP priority."""
    def mk(prefix, mech, prios, tbs):
        out = [{"name": f"{prefix}-idle", "mech": mech, "occ": None, "t_block_us": None, "be": False,
                "hp_prio": False}]
        for tb in tbs:
            for occ in ("room", "full"):
                for hp_prio in prios:
                    m = mech + ("-priority" if hp_prio else "")
                    out.append({"name": f"{m}-{occ}-{int(tb)}us", "mech": m, "occ": occ, "t_block_us": tb,
                                "be": True, "hp_prio": hp_prio})
        return out
    tbs = t_blocks[:1] if quick else t_blocks
    return {"streams": mk("streams", "streams", (False, True), tbs),
            "time-slicing": mk("timeslice", "time-slicing", (False,), tbs),
            "mps": mk("mps", "mps", (False, True), tbs)}


def active_s(case, waves, trials):
    """Window length: enough for `trials` HP trials of ~ (wait + gap) each."""
    if not case["be"]:
        return 0.3
    kern = waves * case["t_block_us"] * 1e-6
    per = 2.2 * kern + 3e-4 + (0.002 if case["mech"] == "time-slicing" else 0.0)
    return min(2.0, max(0.3, trials * per))


def slot_offsets(cases, waves, trials):
    offs, t = [], 0.0
    for c in cases:
        offs.append(t)
        t += LEAD_S + active_s(c, waves, trials) + TAIL_S
    return offs, t


def analyse_trials(hp_launch, hp_start, hp_end, hp_sm, be_start=None, be_end=None, be_sm=None):
    """All times in ns on the GPU clock. hp_*: per trial a list of per-block values; be_*: per BE
    instance (kernel) a list of per-block values, or None (HP alone). Returns per-trial dicts (us)."""
    inst = []
    if be_start is not None:
        for k in range(len(be_start)):
            inst.append((min(be_start[k]), max(be_start[k]), max(be_end[k]), k))
        inst.sort()
    out = []
    for i, L in enumerate(hp_launch):
        first, last = min(hp_start[i]), max(hp_end[i])
        t = {"wait_us": (first - L) / 1e3, "completion_us": (last - L) / 1e3, "during_be": False}
        run = None
        for (f, ls, e, k) in inst:
            if f <= L < e:
                run = (f, ls, e, k)
                break
        if run is not None:
            f, ls, e, k = run
            t["during_be"] = True
            t["be_left_us"] = (e - L) / 1e3
            t["be_place_left_us"] = (ls - L) / 1e3
            pending = [s for s in be_start[k] if s > L]
            t["be_pending_blocks"] = len(pending)
            t["be_ahead_blocks"] = sum(1 for s in pending if s < first)
            t["jumped"] = first < ls
            nxt = [x for x in inst if x[0] > L]
            if nxt:
                t["before_next_be"] = first < nxt[0][0]
            t["be_kernels_started_before_hp"] = sum(1 for x in nxt if x[0] < first)
            # co-residence: an HP block started on an SM while a BE block of a kernel around it ran there
            near = [x[3] for x in inst if x[0] <= last and x[2] >= L]
            co = 0
            for b in range(len(hp_start[i])):
                s, sm = hp_start[i][b], hp_sm[i][b]
                hit = False
                for kk in near:
                    for j in range(len(be_start[kk])):
                        if be_sm[kk][j] == sm and be_start[kk][j] <= s < be_end[kk][j]:
                            hit = True
                            break
                    if hit:
                        break
                co += hit
            t["coresident_share"] = co / len(hp_start[i])
        out.append(t)
    return out


def per_trial(trials):
    """Compact per-trial columns (us, 0.1 us; co-residence share to 0.001) for re-analysis."""
    out = {k: [r1(t.get(k)) for t in trials] for k in ("wait_us", "completion_us", "be_left_us", "be_place_left_us")}
    out["coresident_share"] = [None if t.get("coresident_share") is None else round(t["coresident_share"], 3)
                               for t in trials]
    out["during_be"] = [t["during_be"] for t in trials]
    out["be_kernels_started_before_hp"] = [t.get("be_kernels_started_before_hp") for t in trials]
    return out


def add_derived(s):
    """From a case summary's per-trial columns: HP's first block start relative to the last placement
    of the BE kernel running at launch (trials that had BE blocks pending) and to that kernel's end,
    and the wait of trials launched after its last block was placed."""
    pt = s.get("per_trial")
    if not pt or pt.get("be_left_us") is None:
        return s
    rows = [(w, L, P) for w, L, P, d in zip(pt["wait_us"], pt["be_left_us"], pt["be_place_left_us"], pt["during_be"])
            if d and L is not None]
    if not rows:
        return s
    s["hp_first_minus_last_be_placement_us"] = dist([w - P for w, L, P in rows if P > 0])
    s["hp_first_minus_be_kernel_end_us"] = dist([w - L for w, L, P in rows])
    s["hp_wait_us_launched_after_last_be_placement"] = dist([w for w, L, P in rows if P <= 0])
    k = [x for x, d in zip(pt.get("be_kernels_started_before_hp") or [], pt["during_be"]) if d and x is not None]
    if k:
        s["be_kernels_started_between_hp_launch_and_start"] = {"p50": pct(k, 50), "p99": pct(k, 99), "max": max(k),
                                                               "share_nonzero": round(sum(x > 0 for x in k) / len(k), 3)}
    return s


def summarize(trials, case, idle_wait_p50=None):
    """Per-case summary (us) of analyse_trials' output."""
    during = [t for t in trials if t["during_be"]] if case["be"] else trials
    w = [t["wait_us"] for t in during]
    c = [t["completion_us"] for t in during]
    s = {"trials": len(trials), "trials_during_be": len(during) if case["be"] else None,
         "hp_wait_us": dist(w), "hp_completion_us": dist(c)}
    if idle_wait_p50 is not None and w:
        s["hp_excess_wait_us_p50"] = r1(pct(w, 50) - idle_wait_p50)
        s["hp_excess_wait_us_p99"] = r1(pct(w, 99) - idle_wait_p50)
    if case["be"] and during:
        s["be_left_at_launch_us"] = dist([t["be_left_us"] for t in during])
        s["be_place_left_at_launch_us"] = dist([t["be_place_left_us"] for t in during])
        ratio = [t["wait_us"] / t["be_left_us"] for t in during if t["be_left_us"] > 0]
        s["wait_over_be_left_p50"] = None if not ratio else round(pct(ratio, 50), 3)
        pend = [t for t in during if t["be_place_left_us"] > 0]
        s["trials_with_be_blocks_pending"] = len(pend)
        s["share_hp_first_before_last_be_block"] = None if not pend else round(
            sum(t["jumped"] for t in pend) / len(pend), 3)
        pb = sum(t["be_pending_blocks"] for t in pend)
        s["share_pending_be_blocks_started_before_hp"] = None if not pb else round(
            sum(t["be_ahead_blocks"] for t in pend) / pb, 3)
        nx = [t["before_next_be"] for t in during if "before_next_be" in t]
        s["share_hp_before_next_queued_be_kernel"] = None if not nx else round(sum(nx) / len(nx), 3)
        s["hp_blocks_coresident_share"] = round(sum(t["coresident_share"] for t in during) / len(during), 3)
    return s


def dumps(obj):
    """JSON with indent 1, lists of plain values on one line (the per-trial columns)."""
    import re
    return re.sub(r"\[[^\[\]{}]*\]", lambda m: re.sub(r"\s*\n\s*", " ", m.group(0)).replace("[ ", "[").replace(" ]", "]"),
                  json.dumps(obj, indent=1)) + "\n"


def self_test():
    fails = []

    def check(cond, what):
        print(("ok   " if cond else "FAIL ") + what)
        if not cond:
            fails.append(what)

    check(pct([1, 2, 3, 4], 50) == 2.5 and pct([5], 99) == 5 and pct([], 50) is None, "percentile")
    f1 = fit_offset([(1000, 10), (2000, 1005), (3000, 1990)])
    check(f1["offset_ns"] == 990 and f1["n"] == 3, "clock fit: min(host - gpu)")
    f2 = {"host_ns": 11000, "offset_ns": 1090}
    check(abs(offset_at([f1, f2], 6000) - 1040) < 1e-9 and offset_at([f1], 9) == 990, "offset interpolation")
    cs = cases_for([20.0, 200.0])
    check(len(cs["streams"]) == 9 and len(cs["mps"]) == 9 and len(cs["time-slicing"]) == 5, "case matrix")
    offs, tot = slot_offsets(cs["streams"], 20, 150)
    check(offs[0] == 0 and all(b > a for a, b in zip(offs, offs[1:])) and tot > offs[-1], "slots increase")
    # synthetic BE: 2 SMs, 1 block per SM, 3 waves of 100 us; kernel 0 at 0..300 us, kernel 1 at 300..600 us
    us = 1000
    be_s, be_e, be_m = [], [], []
    for k in range(2):
        base = k * 300 * us
        be_s.append([base + w * 100 * us for w in range(3) for _ in range(2)])
        be_e.append([base + (w + 1) * 100 * us for w in range(3) for _ in range(2)])
        be_m.append([sm for _ in range(3) for sm in range(2)])
    # FIFO trial: launched at 50 us, starts after kernel 0's last wave ends (300 us) -> waited 250 us
    fifo = analyse_trials([50 * us], [[300 * us, 300 * us]], [[310 * us, 310 * us]], [[0, 1]], be_s, be_e, be_m)[0]
    check(fifo["during_be"] and abs(fifo["wait_us"] - 250) < 1e-9 and not fifo["jumped"]
          and fifo["be_pending_blocks"] == 4 and fifo["be_ahead_blocks"] == 4, "FIFO trial")
    check(abs(fifo["be_left_us"] - 250) < 1e-9 and abs(fifo["be_place_left_us"] - 150) < 1e-9, "time left in BE")
    # priority trial: launched at 50 us, first block at the next free slot (100 us)
    pri = analyse_trials([50 * us], [[100 * us, 200 * us]], [[110 * us, 210 * us]], [[0, 5]], be_s, be_e, be_m)[0]
    check(pri["jumped"] and pri["be_ahead_blocks"] == 0 and abs(pri["wait_us"] - 50) < 1e-9, "priority trial")
    check(abs(pri["coresident_share"] - 0.5) < 1e-9, "co-residence: block on SM 0 beside a BE block, block on SM 5 (no BE there) not")
    check(pri["before_next_be"], "HP before the queued next BE kernel")
    idle = analyse_trials([700 * us], [[705 * us]], [[715 * us]], [[0]], be_s, be_e, be_m)[0]
    check(not idle["during_be"] and abs(idle["wait_us"] - 5) < 1e-9, "trial outside BE kernels")
    case = {"be": True, "mech": "streams", "t_block_us": 100.0}
    s = summarize([fifo, pri, idle], case, idle_wait_p50=5.0)
    check(s["trials_during_be"] == 2 and s["share_hp_first_before_last_be_block"] == 0.5
          and s["share_pending_be_blocks_started_before_hp"] == 0.5 and s["hp_excess_wait_us_p50"] == 145.0,
          "summary")
    json.dumps(s)
    s["per_trial"] = per_trial([fifo, pri, idle])
    add_derived(s)
    check(s["hp_first_minus_last_be_placement_us"]["n"] == 2 and s["hp_first_minus_be_kernel_end_us"]["max"] == 0.0
          and fifo["be_kernels_started_before_hp"] == 0, "derived fields")
    check(json.loads(dumps(s)) == json.loads(json.dumps(s)), "compact JSON round trip")
    try:
        import numpy as np
        hs = np.array([[300 * us, 300 * us], [100 * us, 200 * us], [705 * us, 705 * us]], dtype=np.int64)
        he = hs + 10 * us
        hm = np.array([[0, 1], [0, 1], [0, 0]], dtype=np.uint32)
        be = (np.array(be_s, dtype=np.int64), np.array(be_e, dtype=np.int64), np.array(be_m, dtype=np.uint32))
        v = analyse_np(np, [50 * us, 50 * us, 700 * us], hs, he, hm, be)
        ref = analyse_trials([50 * us, 50 * us, 700 * us], hs.tolist(), he.tolist(), hm.tolist(), be_s, be_e, be_m)
        same = all(set(x) == set(y) and all(abs(float(x[k]) - float(y[k])) < 1e-9 for k in x) for x, y in zip(v, ref))
        check(same, "numpy analysis equals the reference analysis")
    except ImportError:
        print("skip numpy analysis check (no numpy)")
    print("self-test:", "FAILED " + "; ".join(fails) if fails else "all passed")
    return 1 if fails else 0


# ----------------------------------------------------------------------------------------------
# Child: runs its role of every case of one phase on the GPU
# ----------------------------------------------------------------------------------------------

def child(a):
    import numpy as np
    import cupy as cp
    import ctypes
    spec = json.load(open(os.path.join(a.dir, "spec.json")))
    role = a.role
    p = spec["params"]
    props = cp.cuda.runtime.getDeviceProperties(0)
    sms = props["multiProcessorCount"]
    smem_sm = props["sharedMemPerMultiprocessor"]
    smem_optin = props["sharedMemPerBlockOptin"]
    reserved = props.get("reservedSharedMemPerBlock", 1024)
    k_be, k_hp, k_clk = cp.RawKernel(SRC, "spin_be"), cp.RawKernel(SRC, "spin_hp"), cp.RawKernel(SRC, "clk")
    full_smem = smem_optin
    k_be.max_dynamic_shared_size_bytes = full_smem
    carveout = {}
    for n, k in (("be", k_be), ("hp", k_hp)):   # the largest shared-memory configuration, so 'room' leaves room
        try:
            k.preferred_shared_memory_carveout = 100
            carveout[n] = 100
        except Exception as e:  # noqa: BLE001
            carveout[n] = repr(e)[:80]

    def per_sm(smem):
        return max(1, min(2048 // THREADS, 32, smem_sm // (smem + reserved)))

    occ = {"room": (ROOM_SMEM, per_sm(ROOM_SMEM)), "full": (full_smem, per_sm(full_smem))}

    def mkstream(prio):
        try:
            return cp.cuda.Stream(non_blocking=True, priority=prio)
        except TypeError:
            return cp.cuda.ExternalStream(cp.cuda.runtime.streamCreateWithPriority(1, prio))

    s_be, s_eq, s_hi = mkstream(0), mkstream(0), mkstream(-100)
    prios = {}
    for n, s in (("be", s_be), ("hp_equal", s_eq), ("hp_high", s_hi)):
        try:
            prios[n] = cp.cuda.runtime.streamGetPriority(s.ptr)
        except Exception as e:  # noqa: BLE001
            prios[n] = repr(e)[:80]
    mem = cp.cuda.alloc_pinned_memory(64)
    host = np.ctypeslib.as_array((ctypes.c_uint64 * 8).from_address(mem.ptr))
    probe = cp.zeros(3, dtype=cp.uint64)
    probe_m = cp.zeros(1, dtype=cp.uint32)

    fit_method = ["pinned"]

    def launch_fit(n=30):
        """Fallback: max(host before launch - GPU at the kernel's start) = offset - min launch latency."""
        pairs = []
        for _ in range(n):
            t1 = time.perf_counter_ns()
            with s_eq:
                k_hp((1,), (32,), (probe[0:1], probe[1:2], probe_m, np.uint64(0)))
            s_eq.synchronize()
            pairs.append((t1, int(probe[0].get())))
        d = [h - g for h, g in pairs]
        return {"host_ns": pairs[0][0], "offset_ns": max(d), "n": n, "spread_ns": max(d) - sorted(d)[n // 2],
                "method": "launch (waits are beyond the least launch latency)"}

    def clock_fit(n=40, gap_ns=20000):
        if fit_method[0] == "launch":
            return launch_fit()
        host[0] = 0
        host[1] = 0
        with s_eq:
            k_clk((1,), (1,), (np.uint64(mem.ptr), np.int32(n), np.uint64(gap_ns)))
        pairs, seen, dl = [], 0, time.perf_counter() + 2.0
        while seen < n and time.perf_counter() < dl:
            v = int(host[0])
            if v != seen:
                th = time.perf_counter_ns()
                pairs.append((th, int(host[1])))
                seen = v
        s_eq.synchronize()
        if len(pairs) < 5:
            fit_method[0] = "launch"
            return launch_fit()
        f = fit_offset(pairs)
        f["method"] = "pinned host memory"
        return f

    waves, depth, hp_blocks = p["waves"], p["depth"], p["hp_blocks"]
    cases = spec["cases"]
    max_nb = max(waves * sms * occ[c["occ"]][1] for c in cases if c["be"]) if any(c["be"] for c in cases) else 1
    max_inst = 8
    for c in cases:
        if c["be"]:
            max_inst = max(max_inst, int(active_s(c, waves, p["trials"]) / (waves * c["t_block_us"] * 1e-6) * 1.2) + 8)
    has_be, has_hp = role in ("be", "both"), role in ("hp", "both")
    if has_be:
        b_s = cp.zeros((max_inst, max_nb), dtype=cp.uint64)
        b_e = cp.zeros((max_inst, max_nb), dtype=cp.uint64)
        b_m = cp.zeros((max_inst, max_nb), dtype=cp.uint32)
    max_tr = p["max_trials"]
    h_s = cp.zeros((max_tr, hp_blocks), dtype=cp.uint64)
    h_e = cp.zeros((max_tr, hp_blocks), dtype=cp.uint64)
    h_m = cp.zeros((max_tr, hp_blocks), dtype=cp.uint32)
    # warm: load every kernel once
    w_s, w_e, w_m = cp.zeros(sms, dtype=cp.uint64), cp.zeros(sms, dtype=cp.uint64), cp.zeros(sms, dtype=cp.uint32)
    with s_be:
        k_be((sms,), (THREADS,), (w_s, w_e, w_m, np.uint64(1000)), shared_mem=full_smem)
        k_hp((1,), (THREADS,), (w_s, w_e, w_m, np.uint64(1000)))
    cp.cuda.runtime.deviceSynchronize()
    fit0 = clock_fit()
    info = {"role": role, "sms": sms, "smem_per_sm": smem_sm, "smem_optin": smem_optin, "reserved_smem": reserved,
            "occ": {k: {"smem": v[0], "be_blocks_per_sm": v[1]} for k, v in occ.items()},
            "stream_priority": prios, "carveout": carveout, "max_inst": max_inst, "max_nb": max_nb, "fit0": fit0,
            "pid": os.getpid()}
    json.dump(info, open(os.path.join(a.dir, f"info_{role}.json"), "w"))
    open(os.path.join(a.dir, f"ready_{role}"), "w").write("1")
    sp = os.path.join(a.dir, "start")
    dl = time.monotonic() + 300
    while not os.path.exists(sp) and time.monotonic() < dl:
        time.sleep(0.01)
    start = float(open(sp).read())
    offs, _ = slot_offsets(cases, waves, p["trials"])
    rng = random.Random(1234 + (7 if role == "hp" else 0))
    for ci, c in enumerate(cases):
        slot0 = start + offs[ci]
        ws = slot0 + LEAD_S
        we = ws + active_s(c, waves, p["trials"])
        while time.perf_counter() < slot0:
            time.sleep(0.0005)
        fits = [clock_fit()] if has_hp else []
        be_on = has_be and c["be"]
        if be_on:
            smem, bps = occ[c["occ"]]
            nb = waves * sms * bps
            spin_be = np.uint64(int(c["t_block_us"] * 1e3))
            kern_s = waves * c["t_block_us"] * 1e-6
        else:
            kern_s = 0.3e-3
        gap = 2.0 * kern_s
        spin_hp = np.uint64(int(p["hp_us"] * 1e3))
        s_hp = s_hi if c["hp_prio"] else s_eq
        inflight = collections.deque()
        n_be = n_hp = 0
        hp_cur = None
        launches = []
        next_hp = ws + rng.uniform(0, gap)
        while True:
            now = time.perf_counter()
            if be_on and ws <= now < we and len(inflight) < depth and n_be < max_inst:
                with s_be:
                    k_be((nb,), (THREADS,), (b_s[n_be], b_e[n_be], b_m[n_be], spin_be), shared_mem=smem)
                ev = cp.cuda.Event(disable_timing=True)
                ev.record(s_be)
                inflight.append(ev)
                n_be += 1
                continue
            if has_hp and hp_cur is None and next_hp <= now < we and n_hp < max_tr:
                t = time.perf_counter_ns()
                with s_hp:
                    k_hp((hp_blocks,), (THREADS,), (h_s[n_hp], h_e[n_hp], h_m[n_hp], spin_hp))
                ev = cp.cuda.Event(disable_timing=True)
                ev.record(s_hp)
                hp_cur = ev
                launches.append(t)
                n_hp += 1
            if inflight and inflight[0].done:
                inflight.popleft()
            if hp_cur is not None and hp_cur.done:
                hp_cur = None
                next_hp = time.perf_counter() + rng.uniform(0, gap)
            if now >= we and not inflight and hp_cur is None:
                break
            if now > we + 10:
                log(f"{role} {c['name']}: not drained 10 s after the window")
                break
        cp.cuda.runtime.deviceSynchronize()
        if has_hp:
            while time.perf_counter() < we + 0.1:
                time.sleep(0.001)
            fits.append(clock_fit())
        out = {"fits": json.dumps(fits)}
        if has_hp:
            out.update(hp_launch=np.array(launches, dtype=np.int64), hp_start=h_s[:n_hp].get(),
                       hp_end=h_e[:n_hp].get(), hp_sm=h_m[:n_hp].get())
        if be_on:
            out.update(be_start=b_s[:n_be, :nb].get(), be_end=b_e[:n_be, :nb].get(), be_sm=b_m[:n_be, :nb].get())
        np.savez(os.path.join(a.dir, f"case{ci}_{role}.npz"), **out)
        log(f"  {role:4s} {c['name']}: BE kernels {n_be}, HP trials {n_hp}")


# ----------------------------------------------------------------------------------------------
# Parent: phases, MPS daemon, analysis
# ----------------------------------------------------------------------------------------------

def run_phase(name, roles, cases, params, env_extra, mps=None):
    d = tempfile.mkdtemp(prefix=f"lithosj-dispatch-{name}-", dir="/tmp")
    json.dump({"cases": cases, "params": params}, open(os.path.join(d, "spec.json"), "w"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUDA_MPS_")}
    env.update(env_extra)
    env["PYTHONUNBUFFERED"] = "1"
    procs = {r: subprocess.Popen([sys.executable, os.path.abspath(__file__), "--child", "--dir", d, "--role", r],
                                 env=env) for r in roles}
    try:
        dl = time.monotonic() + 180
        while not all(os.path.exists(os.path.join(d, f"ready_{r}")) for r in roles):
            dead = [r for r, p in procs.items() if p.poll() is not None]
            if dead:
                raise RuntimeError(f"phase {name}: child {dead} exited with {procs[dead[0]].returncode} before ready")
            if time.monotonic() > dl:
                raise RuntimeError(f"phase {name}: children not ready in 180 s")
            time.sleep(0.05)
        servers = mps.servers() if mps else None
        _, total = slot_offsets(cases, params["waves"], params["trials"])
        with open(os.path.join(d, "start.tmp"), "w") as f:
            f.write(repr(time.monotonic() + 0.5))
        os.rename(os.path.join(d, "start.tmp"), os.path.join(d, "start"))
        for r, p in procs.items():
            rc = p.wait(timeout=total + 120)
            if rc != 0:
                raise RuntimeError(f"phase {name}: child {r} exited with {rc}")
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.kill()
    infos = {r: json.load(open(os.path.join(d, f"info_{r}.json"))) for r in roles}
    return d, infos, servers


def analyse_phase(d, roles, cases, res_cases, idle_key):
    import numpy as np
    hp_role = "both" if "both" in roles else "hp"
    be_role = "both" if "both" in roles else "be"
    idle_p50 = None
    for ci, c in enumerate(cases):
        try:
            h = np.load(os.path.join(d, f"case{ci}_{hp_role}.npz"))
            fits = json.loads(str(h["fits"]))
            launch = [int(x) for x in h["hp_launch"]]
            L = [x - offset_at(fits, x) for x in launch]
            be = None
            if c["be"]:
                b = np.load(os.path.join(d, f"case{ci}_{be_role}.npz"))
                be = (b["be_start"].astype(np.int64), b["be_end"].astype(np.int64), b["be_sm"])
            trials = analyse_np(np, L, h["hp_start"].astype(np.int64), h["hp_end"].astype(np.int64), h["hp_sm"], be)
            s = summarize(trials, c, idle_wait_p50=idle_p50 if c["be"] else None)
            if not c["be"]:
                idle_p50 = s["hp_wait_us"]["p50"]
            s.update({k: c[k] for k in ("mech", "occ", "t_block_us", "hp_prio")})
            s["idle_case"] = idle_key
            s["clock_fits"] = fits
            if be is not None:
                bs, bend, bm = be
                s["be_kernels"] = int(bs.shape[0])
                s["be_blocks_per_kernel"] = int(bs.shape[1])
                dur = (bend.max(1) - bs.min(1)) / 1e3
                s["be_kernel_us"] = dist(list(dur))
                blk = (bend - bs) / 1e3
                s["be_block_us_p50"] = r1(float(np.median(blk)))
                k0 = bs[0]
                s["be_blocks_in_first_wave_per_sm"] = round(float((k0 < k0.min() + 0.5 * c["t_block_us"] * 1e3).sum())
                                                            / max(1, len(set(bm[0].tolist()))), 2)
            s["per_trial"] = per_trial(trials)
            add_derived(s)
            res_cases[c["name"]] = s
            log(f"  {c['name']:34s} wait p50 {s['hp_wait_us']['p50']} p99 {s['hp_wait_us']['p99']} us; "
                f"completion p50 {s['hp_completion_us']['p50']} p99 {s['hp_completion_us']['p99']} us; "
                f"BE left p50 {s.get('be_left_at_launch_us', {}).get('p50')}; jumped "
                f"{s.get('share_hp_first_before_last_be_block')}; co-res {s.get('hp_blocks_coresident_share')}")
        except Exception:  # noqa: BLE001
            res_cases[c["name"]] = {"error": traceback.format_exc()[-1500:], "mech": c["mech"], "occ": c["occ"],
                                    "t_block_us": c["t_block_us"]}
            log(f"  {c['name']}: analysis failed\n{traceback.format_exc()[-800:]}")


def analyse_np(np, L, hs, he, hm, be):
    """Vectorised analyse_trials (same definitions) for the device's arrays."""
    out = []
    if be is not None:
        bs, bend, bm = be
        f, ls, e = bs.min(1), bs.max(1), bend.max(1)
        order = np.argsort(f)
        f, ls, e = f[order], ls[order], e[order]
    for i, Li in enumerate(L):
        first, last = int(hs[i].min()), int(he[i].max())
        t = {"wait_us": (first - Li) / 1e3, "completion_us": (last - Li) / 1e3, "during_be": False}
        if be is not None:
            j = int(np.searchsorted(f, Li, side="right")) - 1
            if j >= 0 and Li < e[j]:
                k = int(order[j])
                t["during_be"] = True
                t["be_left_us"] = (e[j] - Li) / 1e3
                t["be_place_left_us"] = (ls[j] - Li) / 1e3
                pend = bs[k][bs[k] > Li]
                t["be_pending_blocks"] = int(pend.size)
                t["be_ahead_blocks"] = int((pend < first).sum())
                t["jumped"] = bool(first < ls[j])
                if j + 1 < len(f):
                    t["before_next_be"] = bool(first < f[j + 1])
                t["be_kernels_started_before_hp"] = int(((f > Li) & (f < first)).sum())
                near = [int(order[x]) for x in range(max(0, j - 1), min(len(f), j + 3)) if f[x] <= last and e[x] >= Li]
                co = np.zeros(hs.shape[1], dtype=bool)
                for kk in near:
                    m = (bm[kk][None, :] == hm[i][:, None]) & (bs[kk][None, :] <= hs[i][:, None]) & \
                        (hs[i][:, None] < bend[kk][None, :])
                    co |= m.any(1)
                t["coresident_share"] = float(co.mean())
        out.append(t)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--self-test", action="store_true")
    ap.add_argument("--out", default="dispatch_probe.json")
    ap.add_argument("--t-blocks", default="20,200", help="BE block spin times T_block in us")
    ap.add_argument("--waves", type=int, default=20)
    ap.add_argument("--depth", type=int, default=2, help="BE kernels in flight on the BE stream")
    ap.add_argument("--hp-blocks", type=int, default=32)
    ap.add_argument("--hp-us", type=float, default=10.0)
    ap.add_argument("--trials", type=int, default=150, help="HP trials aimed at per case (window length)")
    ap.add_argument("--max-trials", type=int, default=250)
    ap.add_argument("--phases", default="streams,time-slicing,mps")
    ap.add_argument("--quick", action="store_true", help="first T_block only")
    ap.add_argument("--budget-s", type=float, default=1e9, help="skip phases that would start after this")
    ap.add_argument("--add-derived", metavar="JSON", help="add the derived per-case fields to an existing result file")
    ap.add_argument("--child", action="store_true")
    ap.add_argument("--dir")
    ap.add_argument("--role")
    a = ap.parse_args()
    if a.self_test:
        sys.exit(self_test())
    if a.child:
        child(a)
        return
    if a.add_derived:
        res = json.load(open(a.add_derived))
        for c in res["cases"].values():
            add_derived(c)
        with open(a.add_derived, "w") as f:
            f.write(dumps(res))
        return
    params = {"waves": a.waves, "depth": a.depth, "hp_blocks": a.hp_blocks, "hp_us": a.hp_us, "trials": a.trials,
              "max_trials": a.max_trials, "threads_per_block": THREADS, "room_smem": ROOM_SMEM}
    t_blocks = [float(x) for x in a.t_blocks.split(",") if x]
    res = {"probe": "dispatch_probe", "method": __doc__.split("\n\n")[1].replace("\n", " "),
           "definitions": __doc__.split("\n\n")[2].replace("\n", " "), "params": params,
           "t_blocks_us": t_blocks, "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "phases": {}, "cases": {}}
    try:
        res["gpu"] = subprocess.run("nvidia-smi --query-gpu=name,driver_version,compute_mode,pci.bus_id "
                                    "--format=csv,noheader", shell=True, capture_output=True, text=True,
                                    timeout=20).stdout.strip()
    except Exception as e:  # noqa: BLE001
        res["gpu"] = repr(e)

    def write():
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        with open(a.out, "w") as f:
            f.write(dumps(res))

    allc = cases_for(t_blocks, a.quick)
    layouts = {"streams": (["both"], "streams-idle"), "time-slicing": (["be", "hp"], "timeslice-idle"),
               "mps": (["be", "hp"], "mps-idle")}
    for ph in [x for x in a.phases.split(",") if x]:
        roles, idle_key = layouts[ph]
        cases = allc[ph]
        _, total = slot_offsets(cases, a.waves, a.trials)
        if time.time() - T0 + total + 30 > a.budget_s:
            log(f"time budget: skipping phase {ph} ({total:.0f} s of slots)")
            res["phases"][ph] = {"skipped": "time budget"}
            continue
        log(f"== phase {ph}: roles {roles}, {len(cases)} cases, {total:.1f} s of slots")
        mps = None
        try:
            env = {}
            if ph == "mps":
                mps = Mps()
                mps.start()
                env = mps.env
            d, infos, servers = run_phase(ph, roles, cases, params, env, mps)
            res["phases"][ph] = {"roles": roles, "children": infos, "mps_servers": servers}
            if mps:
                mps.stop()
                mps = None
            analyse_phase(d, roles, cases, res["cases"], idle_key)
            shutil.rmtree(d, ignore_errors=True)
        except Exception:  # noqa: BLE001
            res["phases"][ph] = {"error": traceback.format_exc()[-2000:]}
            log(f"phase {ph} failed:\n{traceback.format_exc()[-1500:]}")
        finally:
            if mps:
                mps.stop()
        write()
    write()
    log("wrote", a.out)


if __name__ == "__main__":
    main()
