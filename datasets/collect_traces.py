#!/usr/bin/env python3
"""Kernel traces of the LithOS paper's models, measured on one NVIDIA GPU.

The models and their shapes are the paper's (paper_shapes.py, Tables 1-2); ids carry the shape
(training-vgg19-b120, inference-resnet50-b1, inference-llama3-8b-prefill-p1024,
inference-llama3-8b-decode-b1). For every model (random weights, built from configs only: nothing
is downloaded):
  1. build it on the GPU, warm it up, time one request/iteration with CUDA events
     (iteration_ms_events) and record the peak memory (peak_memory_gib);
  2. profile 1 warm-up + N requests/iterations on the whole GPU with torch.profiler (CPU + CUDA)
     and keep the Chrome trace, filtered to kernels, memcpy/memset, their launch calls and the
     user annotations (ProfilerStep#k and one record_function range per request/iteration);
  3. run the same request/iteration again on several SM counts (and once more on the whole GPU),
     profiling CUDA activity only, and record every kernel's duration by its position in the
     sequence (iterations are separated by a marker kernel, torch.cuda._sleep). Inference only,
     afterwards: the request's wall time eager and replayed as a CUDA graph, and the eager host
     launch gap per kernel (launch_costs). The SMs are
     restricted (--method) either
       green:  inside CUDA green contexts of n SMs (cuDNN's convolution backward fails there), or
       occupy: in the primary context, on one stream, while blocker blocks (occupy_sms.cu: one
               block per SM holding all its registers and shared memory) are resident on all but n
               SMs; the n free SMs are chosen as thread block clusters, so they lie in groups of 8
               SMs of one GPC like a green context's, and a placement check per n verifies that
               probe blocks run on exactly the n free SMs. A run that does not finish while SMs are
               held (a kernel that needs more SMs at once than are free) is stopped by a watchdog.

Files written to --work (and packed into --out after every model, in parts of at most 15 MiB):
  <id>.trace.json.gz   filtered Chrome trace of step 2 (io.lithosj.workload.trace.ChromeTraceImporter reads it)
  <id>.scaling.tsv.gz  sms, context, iteration, order, dur_ns, stream, name   (step 3)
  manifest.json        environment, green-context API and calibration probe, per-model parameters,
                       what was reduced and why, errors
--partial and --method occupy measure step 3 only (no Chrome trace), adding to a full run's files:
  <id>.scaling-<partial>.tsv.gz, <id>.scaling-occupy.tsv.gz (context "occupy"; whole-GPU rows "primary"),
  manifest-<partial or occupy>-<models>.json (with --method occupy: the blocker's resources, the
  placement check per SM count, the free SMs of every run and the calibration probe per SM count)

Usage (on the GPU host):  PYTHONUNBUFFERED=1 python3 collect_traces.py --work /tmp/lt --out $OUT
  (collect-h200.sh: the H200 collection as several processes; merge_manifests.py joins their manifests
  and adds the paper-shape fields that ModelZoo selects by)
  SM occupancy: add --method occupy --models <ids> (needs occupy_sms.ptx next to this script, or --ptx)
"""
import argparse
import contextlib
import ctypes as C
import datetime
import gc
import gzip
import inspect
import json
import os
import platform
import socket
import subprocess
import sys
import tarfile
import threading
import time
import traceback

T0 = time.time()
# cuDNN writes its warnings and errors here (the variable is read when cuDNN loads): when an engine
# fails inside a green context, the log names it.
os.environ.setdefault("CUDNN_LOGLEVEL_DBG", "2")
os.environ.setdefault("CUDNN_LOGDEST_DBG", "/tmp/lithosj_cudnn.log")


def log(*a):
    print(f"[{time.time() - T0:7.1f}s]", *a, flush=True)


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import paper_shapes as PS  # noqa: E402  the paper's shapes (Tables 1-2), shared with validation/
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch.profiler import ProfilerActivity, profile, record_function, schedule  # noqa: E402

DEV = "cuda"
MARK_CYCLES = 2000
BF16 = torch.bfloat16


@contextlib.contextmanager
def default_dtype(dt):
    old = torch.get_default_dtype()
    torch.set_default_dtype(dt)
    try:
        yield
    finally:
        torch.set_default_dtype(old)


# ----------------------------------------------------------------------------------------------
# Contexts: the whole GPU, a CUDA green context of n SMs, or n SMs left free by resident blockers
# ----------------------------------------------------------------------------------------------

def green_class():
    gcls = getattr(torch.cuda, "GreenContext", None)
    if gcls is None:
        from torch.cuda.green_contexts import GreenContext as gcls  # noqa: N813
    return gcls


def describe_green_api(gcls):
    info = {"members": sorted(a for a in dir(gcls) if not a.startswith("_"))}
    for m in ("create", "__init__", "Stream", "set_context", "pop_context"):
        f = getattr(gcls, m, None)
        if f is not None:
            try:
                info["sig_" + m] = str(inspect.signature(f))
            except (TypeError, ValueError) as e:
                info["sig_" + m] = "?" + str(e)
    return info


class Ctx:
    """Runs a function on the whole GPU (primary context), on the SMs of one green context, or
    (mode "occupy") in the primary context while an Occupier leaves only n SMs free."""

    def __init__(self, total_sms, sms=None, gcls=None, occ=None):
        self.requested = sms if sms is not None else total_sms
        self.sms = self.requested
        self.ctx = None
        self.stream = None
        self.mode = "primary"
        self.occ = occ
        if occ is not None:
            self.mode = "occupy"
            return
        if gcls is None:
            return
        dev = torch.cuda.current_device()
        try:
            self.ctx = gcls.create(num_sms=sms, device_id=dev)
        except TypeError:
            self.ctx = gcls.create(sms, dev)
        for path in (("sm_partition", "sm_count"), ("sm_count",), ("num_sms",)):
            try:
                v = self.ctx
                for p in path:
                    v = getattr(v, p)
                self.sms = int(v() if callable(v) else v)
                break
            except Exception:  # noqa: BLE001 - the attribute differs between PyTorch versions
                pass
        if hasattr(self.ctx, "Stream"):
            self.stream = self.ctx.Stream()
            self.mode = "stream"
        else:
            self.mode = "set_context"

    @property
    def label(self):
        return self.mode if self.mode in ("primary", "occupy") else "green"

    def warm(self, fn):
        """Warm-up on this context's stream. In occupy mode without the blockers, twice: the caching
        allocator's cudaMalloc calls for the work stream's pool happen here, because a device memory
        allocation may synchronize implicitly, which would wait for the blockers."""
        if self.mode != "occupy":
            self.run(fn)
            return
        torch.cuda.synchronize()
        with torch.cuda.stream(self.occ.work):
            fn()
            fn()
        torch.cuda.synchronize()

    def run(self, fn, watchdog_s=20.0):
        """watchdog_s: occupy only; how long the work may take before it counts as stalled."""
        torch.cuda.synchronize()
        if self.mode == "primary":
            fn()
        elif self.mode == "occupy":
            self.occ.run(self.sms, fn, watchdog_s)
        elif self.mode == "stream":
            with torch.cuda.stream(self.stream):
                fn()
            self.stream.synchronize()
        else:
            self.ctx.set_context()
            try:
                fn()
                torch.cuda.current_stream().synchronize()
            finally:
                self.ctx.pop_context()
        torch.cuda.synchronize()


def probe_ctx(ctx, mm_n=8192, copy_mb=2048, reps=5):
    """Time a large bf16 matmul (compute-bound) and a large copy (memory-bound) inside ctx."""
    a = torch.randn(mm_n, mm_n, device=DEV, dtype=BF16)
    b = torch.randn(mm_n, mm_n, device=DEV, dtype=BF16)
    x = torch.randn(copy_mb * 2 ** 20 // 2, device=DEV, dtype=BF16)
    y = torch.empty_like(x)
    res = {}

    def body():
        for key, f, work in (("matmul", lambda: torch.matmul(a, b), 2 * mm_n ** 3),
                             ("copy", lambda: y.copy_(x), 2 * x.numel() * 2)):
            f()
            s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            s.record()
            for _ in range(reps):
                f()
            e.record()
            e.synchronize()
            ms = s.elapsed_time(e) / reps
            res[key + "_ms"] = round(ms, 4)
            res[key + ("_tflops" if key == "matmul" else "_gbps")] = round(
                work / (ms * 1e-3) / (1e12 if key == "matmul" else 1e9), 1)

    if ctx.mode == "occupy":
        ctx.warm(body)  # the outputs' allocations on the work stream
    ctx.run(body)
    del a, b, x, y
    return res


# ----------------------------------------------------------------------------------------------
# SM occupancy: the work stays in the primary context (where cuDNN's convolution backward runs,
# unlike in green contexts) and resident lithosj_occupy blocks keep every other SM busy
# ----------------------------------------------------------------------------------------------

class LaunchAttr(C.Structure):
    """CUlaunchAttribute: id, 4 bytes of padding, a 64-byte value union (clusterDim = first 3 u32)."""
    _fields_ = [("id", C.c_int), ("pad", C.c_char * 4), ("value", C.c_uint * 16)]


class LaunchConfig(C.Structure):
    """CUlaunchConfig (layout checked against CUDA 13.0's cuda.h: 56 bytes, hStream at 32)."""
    _fields_ = [("grid", C.c_uint * 3), ("block", C.c_uint * 3), ("smem", C.c_uint),
                ("stream", C.c_void_p), ("attrs", C.POINTER(LaunchAttr)), ("num_attrs", C.c_uint)]


CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION = 4
CU_MEMHOSTALLOC_PORTABLE, CU_MEMHOSTALLOC_DEVICEMAP = 0x1, 0x2
CU_STREAM_NON_BLOCKING = 0x1
CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES, CU_FUNC_ATTRIBUTE_NUM_REGS = 3, 4
CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8
CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 5, 6
DEVICE_ATTRIBUTES = {"sm_count": 16, "max_threads_per_sm": 39, "max_smem_per_sm": 81, "regs_per_sm": 82,
                     "max_smem_per_block_optin": 97, "reserved_smem_per_block": 111}
P, VP = C.POINTER, C.c_void_p


class Driver:
    """The CUDA driver API calls of the occupancy method, through ctypes on libcuda.so.1. Calling
    d("cuName", args...) checks the CUresult and names the failed call."""

    SIGNATURES = {  # exported symbol -> argtypes (cuda.h maps cuMemHostGetDevicePointer to _v2)
        "cuInit": [C.c_uint],
        "cuCtxGetCurrent": [P(VP)],
        "cuCtxSetCurrent": [VP],
        "cuCtxGetDevice": [P(C.c_int)],
        "cuDeviceGet": [P(C.c_int), C.c_int],
        "cuDevicePrimaryCtxRetain": [P(VP), C.c_int],
        "cuDeviceGetAttribute": [P(C.c_int), C.c_int, C.c_int],
        "cuModuleLoadDataEx": [P(VP), C.c_char_p, C.c_uint, P(C.c_int), P(VP)],
        "cuModuleGetFunction": [P(VP), VP, C.c_char_p],
        "cuFuncSetAttribute": [VP, C.c_int, C.c_int],
        "cuFuncGetAttribute": [P(C.c_int), C.c_int, VP],
        "cuOccupancyMaxActiveBlocksPerMultiprocessor": [P(C.c_int), VP, C.c_int, C.c_size_t],
        "cuOccupancyMaxActiveClusters": [P(C.c_int), VP, P(LaunchConfig)],
        "cuMemHostAlloc": [P(VP), C.c_size_t, C.c_uint],
        "cuMemHostGetDevicePointer_v2": [P(C.c_uint64), VP, C.c_uint],
        "cuMemAlloc_v2": [P(C.c_uint64), C.c_size_t],
        "cuMemcpyHtoDAsync_v2": [C.c_uint64, VP, C.c_size_t, VP],
        "cuStreamCreate": [P(VP), C.c_uint],
        "cuStreamSynchronize": [VP],
        "cuLaunchKernel": [VP, C.c_uint, C.c_uint, C.c_uint, C.c_uint, C.c_uint, C.c_uint, C.c_uint, VP,
                           P(VP), P(VP)],
        "cuLaunchKernelEx": [P(LaunchConfig), VP, P(VP), P(VP)],
    }

    def __init__(self, lib="libcuda.so.1"):
        self.lib = C.CDLL(lib)
        for name, argtypes in self.SIGNATURES.items():
            f = getattr(self.lib, name)
            f.argtypes, f.restype = argtypes, C.c_int
        for name in ("cuGetErrorName", "cuGetErrorString"):
            f = getattr(self.lib, name)
            f.argtypes, f.restype = [C.c_int, P(C.c_char_p)], C.c_int

    def error(self, res):
        name, text = C.c_char_p(), C.c_char_p()
        self.lib.cuGetErrorName(res, C.byref(name))
        self.lib.cuGetErrorString(res, C.byref(text))
        return f"{res} {(name.value or b'?').decode()}: {(text.value or b'?').decode()}"

    def __call__(self, name, *args):
        res = getattr(self.lib, name)(*args)
        if res != 0:
            raise RuntimeError(f"{name} failed: CUresult {self.error(res)}")

    def out(self, ctype, name, *args):
        """Calls a function whose first parameter is an output; returns the value."""
        v = ctype()
        self(name, C.byref(v), *args)
        return v.value

    def launch(self, func, grid, block, smem, stream, params, cluster=1):
        """params: ctypes values, passed by address (kernelParams); cluster > 1: thread block
        clusters of that many blocks (cuLaunchKernelEx)."""
        argv = (VP * len(params))(*[C.addressof(p) for p in params])
        if cluster == 1:
            self("cuLaunchKernel", func, grid, 1, 1, block, 1, 1, smem, stream, argv, None)
            return
        attr = LaunchAttr(id=CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION)
        attr.value[0:3] = [cluster, 1, 1]
        cfg = LaunchConfig(grid=(C.c_uint * 3)(grid, 1, 1), block=(C.c_uint * 3)(block, 1, 1), smem=smem,
                           stream=stream, attrs=C.pointer(attr), num_attrs=1)
        self("cuLaunchKernelEx", C.byref(cfg), func, argv, None)


class HostWords:
    """n u32 in pinned host memory mapped into the device: kernels write and poll them while the
    host reads and writes them directly (ctypes reads memory on every access)."""

    def __init__(self, d, n):
        p = C.c_void_p()
        d("cuMemHostAlloc", C.byref(p), 4 * n, CU_MEMHOSTALLOC_PORTABLE | CU_MEMHOSTALLOC_DEVICEMAP)
        self.n, self.host = n, (C.c_uint32 * n).from_address(p.value)
        self.dev = d.out(C.c_uint64, "cuMemHostGetDevicePointer_v2", p, 0)

    def zero(self):
        C.memset(C.addressof(self.host), 0, 4 * self.n)


class Resident:
    """One launch of lithosj_occupy: its stream, check-in slots (%smid + 1 per block, host-mapped)
    and release word. The release word is in device memory: blocks polling host-mapped memory over
    PCIe (measured on the H100: 36 polling blocks made a bf16 matmul on the other 96 SMs 10x slower,
    124 made a copy run at 7 GB/s) slow every other kernel down; polling device memory hits L2."""

    def __init__(self, d, name, max_grid):
        self.d, self.name, self.max_grid = d, name, max_grid
        self.words = HostWords(d, max_grid)
        self.release_dev = d.out(C.c_uint64, "cuMemAlloc_v2", 4)
        self.values = HostWords(d, 2)  # pinned sources of the release word: 0 (reset) and 1 (release)
        self.values.host[1] = 1
        # streams of its own, created non-blocking: a torch pool stream could be handed out again as
        # the work stream, and a blocking one would make work on the legacy default stream wait for it.
        # ctl carries the release word's copies (copy engine: no SM needed while the SMs are held)
        self.stream = d.out(C.c_void_p, "cuStreamCreate", CU_STREAM_NON_BLOCKING)
        self.ctl = d.out(C.c_void_p, "cuStreamCreate", CU_STREAM_NON_BLOCKING)

    def params(self):
        return [C.c_uint64(self.words.dev), C.c_uint64(self.release_dev)]

    def _set(self, i, wait):
        self.d("cuCtxSetCurrent", self.d.ctx)  # the watchdog calls this from its own thread
        self.d("cuMemcpyHtoDAsync_v2", self.release_dev, C.c_void_p(C.addressof(self.values.host) + 4 * i), 4, self.ctl)
        if wait:
            self.d("cuStreamSynchronize", self.ctl)

    def reset(self):
        self.words.zero()
        self._set(0, True)

    def release(self):
        self._set(1, False)


class Occupier:
    """Leaves exactly n SMs of the GPU to the work: lithosj_occupy blocks (one per SM: all of its
    registers and shared memory) hold every other SM until released."""

    def __init__(self, ptx_path, total_sms):
        torch.cuda.init()
        torch.zeros(1, device=DEV)  # torch's primary context is now created and current on this thread
        d = self.d = Driver()
        d("cuInit", 0)
        ctx = C.c_void_p()
        d("cuCtxGetCurrent", C.byref(ctx))
        if not ctx.value:  # torch initialized CUDA on another thread: make its primary context current here
            dev = d.out(C.c_int, "cuDeviceGet", torch.cuda.current_device())
            d("cuDevicePrimaryCtxRetain", C.byref(ctx), dev)
            d("cuCtxSetCurrent", ctx)
        d.ctx = ctx.value
        dev = d.out(C.c_int, "cuCtxGetDevice")
        self.info = {k: d.out(C.c_int, "cuDeviceGetAttribute", a, dev) for k, a in DEVICE_ATTRIBUTES.items()}
        if self.info["sm_count"] != total_sms:
            raise RuntimeError(f"driver reports {self.info['sm_count']} SMs, torch {total_sms}")
        self.total = total_sms
        with open(ptx_path, "rb") as f:
            ptx = f.read() + b"\0"
        log_buf = C.create_string_buffer(8192)
        opts = (C.c_int * 2)(CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES)
        vals = (VP * 2)(C.addressof(log_buf), len(log_buf))
        try:
            self.module = d.out(C.c_void_p, "cuModuleLoadDataEx", ptx, 2, opts, vals)
        except RuntimeError as e:
            raise RuntimeError(f"{e}; JIT log: {log_buf.value.decode(errors='replace')}") from e
        self.occupy_fn = d.out(C.c_void_p, "cuModuleGetFunction", self.module, b"lithosj_occupy")
        self.probe_fn = d.out(C.c_void_p, "cuModuleGetFunction", self.module, b"lithosj_smid_probe")
        self.smem = self.info["max_smem_per_block_optin"]
        d("cuFuncSetAttribute", self.occupy_fn, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, self.smem)
        self.info["occupy_regs"] = d.out(C.c_int, "cuFuncGetAttribute", CU_FUNC_ATTRIBUTE_NUM_REGS, self.occupy_fn)
        self.info["occupy_local_bytes"] = d.out(C.c_int, "cuFuncGetAttribute", CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES,
                                                self.occupy_fn)
        self.info["occupy_dynamic_smem"] = self.smem
        per_sm = d.out(C.c_int, "cuOccupancyMaxActiveBlocksPerMultiprocessor", self.occupy_fn, 1024, self.smem)
        self.info["occupy_blocks_per_sm"] = per_sm
        if per_sm != 1:
            raise RuntimeError(f"lithosj_occupy fits {per_sm} blocks per SM, expected exactly 1")
        self.info["max_active_clusters"] = {c: self.max_clusters(c) for c in (2, 4, 8)}
        self.hole = Resident(d, "hole", total_sms)
        self.block = Resident(d, "blocker", total_sms)
        self.probe_grid = 8 * total_sms
        self.probe_words = HostWords(d, self.probe_grid)
        self.work = torch.cuda.Stream()
        self.runs = {}  # str(n) -> {free SMs "a,b,...": number of runs (placement check included)}
        # Load both kernels now, on an idle GPU: with lazy loading a first launch while the blocker
        # holds SMs could need a context synchronization, which would wait for the blocker for ever.
        self.block.reset()
        self.block.release()
        d.launch(self.occupy_fn, 1, 1024, self.smem, self.block.stream, self.block.params())
        d("cuStreamSynchronize", self.block.stream)
        self.probe_smids(self.block.stream, grid=1, spin_ns=0)

    def max_clusters(self, c):
        """How many clusters of c lithosj_occupy blocks (one per SM) can be resident at once (0 if none)."""
        attr = LaunchAttr(id=CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION)
        attr.value[0:3] = [c, 1, 1]
        cfg = LaunchConfig(grid=(C.c_uint * 3)(c, 1, 1), block=(C.c_uint * 3)(1024, 1, 1), smem=self.smem,
                           stream=None, attrs=C.pointer(attr), num_attrs=1)
        try:
            return self.d.out(C.c_int, "cuOccupancyMaxActiveClusters", self.occupy_fn, C.byref(cfg))
        except RuntimeError as e:
            log(f"  cluster size {c}: {e}")
            return 0

    def cluster_for(self, n):
        """Largest cluster size c in 8, 4, 2 dividing n such that n/c such clusters fit at once, else 1."""
        mc = self.info["max_active_clusters"]
        return next((c for c in (8, 4, 2) if n % c == 0 and mc[c] * c >= n), 1)

    def start(self, res, grid, cluster=1, timeout_s=5.0):
        """Launches grid lithosj_occupy blocks and waits until all are resident; returns their SMs."""
        res.reset()
        self.d.launch(self.occupy_fn, grid, 1024, self.smem, res.stream, res.params(), cluster)
        t_end = time.time() + timeout_s
        while True:
            got = res.words.host[:grid]
            k = sum(1 for v in got if v)
            if k == grid:
                return sorted(v - 1 for v in got)
            if time.time() > t_end:
                self.stop(res)
                raise RuntimeError(f"only {k} of {grid} {res.name} blocks (clusters of {cluster}) became resident "
                                   f"within {timeout_s:.0f}s: SMs busy with other work?")
            time.sleep(1e-4)

    def stop(self, res):
        res.release()
        self.d("cuStreamSynchronize", res.stream)

    def hold(self, n):
        """Leaves exactly n SMs free until stop(self.block); returns (free SMs, blocked SMs).
        The n SMs to free are taken first by n `hole` blocks launched as thread block clusters, so they
        come in groups of cluster_for(n) SMs of one GPC (as a green context's SMs do) and the work's own
        clusters (cuDNN's sm90 kernels use them) can be placed there; then blockers take every other SM
        (one block per SM, so exactly the rest) and the holes exit."""
        if not 0 < n < self.total:
            raise ValueError(f"occupy: {n} SMs must be between 1 and {self.total - 1}")
        torch.cuda.synchronize()  # every block needs a whole idle SM
        free = self.start(self.hole, n, self.cluster_for(n))
        try:
            blocked = self.start(self.block, self.total - n)
        finally:
            self.stop(self.hole)
        return free, blocked

    def probe_smids(self, stream, grid=None, spin_ns=20000):
        """The distinct SMs that lithosj_smid_probe blocks (1024 threads, so at most 2 per SM) ran on."""
        grid = grid or self.probe_grid
        self.probe_words.zero()
        self.d.launch(self.probe_fn, grid, 1024, 0, stream, [C.c_uint64(self.probe_words.dev), C.c_uint(spin_ns)])
        self.d("cuStreamSynchronize", stream)
        return sorted(set(self.probe_words.host[:grid]))

    def check(self, n):
        """Placement check: while the blockers hold their SMs, do probe blocks on the work stream run
        on exactly n SMs, none of them blocked?"""
        seen = []
        free, blocked = self.run(n, lambda: seen.extend(self.probe_smids(self.work.cuda_stream)), 10.0)
        overlap = sorted(set(seen) & set(blocked))
        res = {"cluster": self.cluster_for(n), "blocked_smids": blocked, "free_smids": free,
               "probe_smids": seen, "probe_sms": len(seen), "disjoint": not overlap}
        problems = []
        if overlap:
            problems.append(f"probe blocks ran on {len(overlap)} blocked SMs {overlap}")
        if len(seen) != n:
            problems.append(f"probe blocks ran on {len(seen)} SMs, expected {n}")
        if set(seen) != set(free):
            problems.append("probe SMs differ from the SMs the holes left free")
        res["ok"] = not problems
        if problems:
            res["reason"] = "; ".join(problems)
        return res

    def run(self, n, fn, watchdog_s):
        """fn on the work stream while only n SMs are free. A kernel that needs more SMs at once than are
        free (a thread block cluster larger than the free groups, a grid-wide barrier) would wait for ever,
        and so would the blockers: after watchdog_s the blockers are released (the work then finishes on
        the whole GPU) and this raises. Returns (free SMs, blocked SMs)."""
        free, blocked = self.hold(n)
        seen = self.runs.setdefault(str(n), {})
        key = ",".join(map(str, free))
        seen[key] = seen.get(key, 0) + 1
        fired = []
        timer = threading.Timer(watchdog_s, lambda: (fired.append(time.time()), self.block.release()))
        timer.daemon = True
        timer.start()
        done = None
        try:
            with torch.cuda.stream(self.work):
                fn()
            self.work.synchronize()
            done = time.time()
        finally:
            timer.cancel()
            self.stop(self.block)
        if fired and (done is None or fired[0] < done):
            raise RuntimeError(f"occupy{n}: the work did not finish within {watchdog_s:.1f}s while {self.total - n} "
                               "SMs were held (a kernel needing more SMs at once than are free: a thread block "
                               "cluster, a grid-wide barrier, or a module load that synchronizes the context); "
                               "released the blockers")
        return free, blocked


# ----------------------------------------------------------------------------------------------
# Profiling helpers
# ----------------------------------------------------------------------------------------------

def is_memop(name):
    return name.startswith("Memcpy") or name.startswith("Memset")


def gpu_events(prof):
    """(start_ns, dur_ns, stream, name) of every GPU activity, in start order, except this script's
    own lithosj_* kernels (the SM-occupancy blockers and probes)."""
    out = []
    kr = getattr(prof.profiler, "kineto_results", None)
    if kr is None:
        raise RuntimeError("profiler has no kineto_results")
    for e in kr.events():
        if "CUDA" not in str(e.device_type()):
            continue
        try:
            if e.is_user_annotation():
                continue
        except AttributeError:
            pass
        if e.name().startswith("lithosj_"):
            continue
        out.append((int(e.start_ns()), int(e.duration_ns()), int(e.device_resource_id()), e.name()))
    out.sort(key=lambda r: r[0])
    return out


MARK = {"name": None}


def find_marker_name():
    with profile(activities=[ProfilerActivity.CUDA]) as p:
        torch.cuda._sleep(MARK_CYCLES)
        torch.cuda.synchronize()
    evs = [e for e in gpu_events(p) if not is_memop(e[3])]
    if len(evs) != 1:
        raise RuntimeError(f"marker produced {len(evs)} GPU events: {[e[3] for e in evs]}")
    MARK["name"] = evs[0][3]
    return MARK["name"]


def profiled(ctx, fn, watchdog_s=20.0):
    """GPU events of fn run inside ctx. When an occupy run fails (a stall), the error also names the
    kernel that waited for SMs."""
    err = None
    with profile(activities=[ProfilerActivity.CUDA]) as p:
        try:
            ctx.run(fn, watchdog_s)
        except RuntimeError as e:
            if ctx.mode != "occupy":
                raise
            err = e
    evs = gpu_events(p)
    if err is not None:
        # a kernel that waited for SMs starts only once the watchdog released them: it is the one
        # after the longest idle gap of the timeline (its own duration looks normal)
        # (skipping memory operations: the first thing after the gap is the release word's copy)
        gaps = [(evs[i][0] - (evs[i - 1][0] + evs[i - 1][1]), i) for i in range(1, len(evs))]
        gap, i = max(gaps, default=(0, 0))
        after = next((e[3] for e in evs[i:] if not is_memop(e[3])), "?")
        msg = (f"stalled before {after[:300]} (idle gap {gap / 1e6:.1f} ms; before the gap: {evs[i - 1][3][:200]}); {err}"
               if gaps else str(err))
        raise RuntimeError(msg) from err
    return evs


def kernel_runs(step, ctx, iters, watchdog_s=20.0):
    """Kernels of `iters` consecutive runs of step inside ctx: list (per iteration) of event lists."""
    if MARK["name"] is not None:
        def body():
            for _ in range(iters):
                torch.cuda._sleep(MARK_CYCLES)
                step()
        evs = profiled(ctx, body, watchdog_s)
        cut = [i for i, e in enumerate(evs) if e[3] == MARK["name"]]
        if len(cut) == iters:
            cut.append(len(evs))
            return [[e for e in evs[cut[k] + 1:cut[k + 1]] if not is_memop(e[3])] for k in range(iters)]
        log(f"  marker split failed ({len(cut)} markers for {iters} iterations); profiling one by one")
    runs = []
    for _ in range(iters):
        runs.append([e for e in profiled(ctx, step, watchdog_s) if not is_memop(e[3])])
    return runs


KEEP_CATS = {"kernel", "gpu_memcpy", "gpu_memset", "gpu_user_annotation", "user_annotation"}


def filter_chrome_trace(src, dst):
    """Keep kernels, mem ops, their launch calls, annotations and metadata; one event per line."""
    with open(src) as f:
        d = json.load(f)
    evs = d.get("traceEvents", [])
    corr = set()
    for e in evs:
        if e.get("cat") in ("kernel", "gpu_memcpy", "gpu_memset"):
            c = (e.get("args") or {}).get("correlation")
            if c is not None:
                corr.add(c)
    keep = []
    for e in evs:
        cat, name = e.get("cat"), str(e.get("name", ""))
        if e.get("ph") == "M" or cat in KEEP_CATS or name.startswith("ProfilerStep#"):
            keep.append(e)
        elif cat in ("cuda_runtime", "cuda_driver") and (e.get("args") or {}).get("correlation") in corr:
            keep.append(e)
    header = {k: v for k, v in d.items() if k != "traceEvents"}
    header["lithosjFilter"] = ("collect_traces.py kept: metadata, kernel, gpu_memcpy, gpu_memset, "
                               "user_annotation, gpu_user_annotation, ProfilerStep ranges, and the "
                               "cuda_runtime/cuda_driver calls that launched kept GPU events")
    with gzip.open(dst, "wt", compresslevel=9) as f:
        f.write("{")
        for k, v in header.items():
            f.write(json.dumps(k) + ":" + json.dumps(v, separators=(",", ":")) + ",\n")
        f.write('"traceEvents":[\n')
        f.write(",\n".join(json.dumps(e, separators=(",", ":")) for e in keep))
        f.write("\n]}\n")
    kernels = [e for e in keep if e.get("cat") == "kernel"]
    return {"events_in": len(evs), "events_kept": len(keep), "kernels": len(kernels),
            "kernel_us": round(sum(float(e.get("dur", 0)) for e in kernels), 1),
            "steps": sorted({str(e["name"]) for e in keep if str(e.get("name", "")).startswith("ProfilerStep#")})}


# ----------------------------------------------------------------------------------------------
# Models
# ----------------------------------------------------------------------------------------------

def cnn_inference(arch, batch, res=224):
    import torchvision
    with torch.device(DEV):
        m = getattr(torchvision.models, arch)(weights=None).eval()
    m = m.to(dtype=BF16, memory_format=torch.channels_last)
    x = torch.randn(batch, 3, res, res, device=DEV, dtype=BF16).to(memory_format=torch.channels_last)

    def step():
        with torch.inference_mode():
            m(x)
    return step, {"batch": batch, "input": f"{batch}x3x{res}x{res}", "dtype": "bf16 weights+activations",
                  "layout": "channels_last"}


def retinanet_inference(batch, res=800):
    import torchvision
    with torch.device(DEV):
        m = torchvision.models.detection.retinanet_resnet50_fpn(weights=None, weights_backbone=None).eval()
    imgs = [torch.rand(3, res, res, device=DEV) for _ in range(batch)]

    def step():
        with torch.inference_mode(), torch.autocast("cuda", dtype=BF16):
            m(imgs)
    return step, {"batch": batch, "input": f"{batch} images 3x{res}x{res}",
                  "dtype": "fp32 weights, bf16 autocast (torchvision NMS runs in fp32 under autocast)",
                  "notes": "includes the model's own resize/normalize and box post-processing (NMS)"}


def cnn_training(arch, batch, res=224, layout="channels_last", amp="bf16", cudnn="default", partial=""):
    """partial (for green contexts, where cuDNN's wgrad engines fail): "frozen" = forward + backward
    with frozen parameters and an input that needs its gradient, so convolutions run fprop and dgrad
    but no wgrad; "forward" = forward and loss only; "nocudnn" = whole iteration with cuDNN off (its
    non-convolution kernels are the same as with cuDNN on)."""
    import torchvision
    if partial == "nocudnn":
        cudnn = "disabled"
    fmt = torch.channels_last if layout == "channels_last" else torch.contiguous_format
    amp_dtype = BF16 if amp == "bf16" else torch.float16
    set_cudnn(deterministic=cudnn == "deterministic", benchmark=cudnn == "benchmark", enabled=cudnn != "disabled")
    with torch.device(DEV):
        m = getattr(torchvision.models, arch)(weights=None)
    m = m.to(memory_format=fmt).train()
    opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
    x = torch.randn(batch, 3, res, res, device=DEV).to(memory_format=fmt)
    y = torch.randint(0, 1000, (batch,), device=DEV)
    scaler = torch.amp.GradScaler("cuda") if amp == "fp16" else None
    if partial == "frozen":
        for p in m.parameters():
            p.requires_grad_(False)
        x.requires_grad_(True)

    def step_frozen():
        with torch.autocast("cuda", dtype=amp_dtype):
            loss = F.cross_entropy(m(x), y)
        loss.backward()
        x.grad = None

    def step_forward():
        with torch.autocast("cuda", dtype=amp_dtype):
            F.cross_entropy(m(x), y)

    def step():
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cuda", dtype=amp_dtype):
            loss = F.cross_entropy(m(x), y)
        if scaler is None:
            loss.backward()
            opt.step()
        else:
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
    if partial in ("frozen", "forward"):
        step = step_frozen if partial == "frozen" else step_forward
    return step, {"batch": batch, "input": f"{batch}x3x{res}x{res}", "layout": layout, "partial": partial,
                  "dtype": f"fp32 master weights, {amp} autocast", "optimizer": "SGD momentum 0.9",
                  "cudnn": cudnn}


# Settings tried in order for CNN training when a step fails inside a green context. Seen on
# H100 + cuDNN 9.19: channels_last bf16 training fails there in cuDNN's sm90 wgrad engines with
# CUDA error 912 (cluster misconfiguration), whatever cudnn.deterministic/benchmark say.
CNN_TRAIN_VARIANTS = [
    ("channels_last bf16", dict(layout="channels_last", amp="bf16")),
    ("NCHW bf16", dict(layout="nchw", amp="bf16")),
    ("NCHW bf16 cudnn.deterministic", dict(layout="nchw", amp="bf16", cudnn="deterministic")),
    ("channels_last fp16", dict(layout="channels_last", amp="fp16")),
    ("NCHW fp16", dict(layout="nchw", amp="fp16")),
    ("NCHW bf16 cudnn.benchmark", dict(layout="nchw", amp="bf16", cudnn="benchmark")),
    ("channels_last bf16 without cuDNN (last resort)", dict(layout="channels_last", amp="bf16", cudnn="disabled")),
]


# Criteo Kaggle cardinalities (the DLRM reference's 26 tables), capped at 1M rows each.
CRITEO_ROWS = [1460, 583, 10131227, 2202608, 305, 24, 12517, 633, 3, 93145, 5683, 8351593, 3194, 27,
               14992, 5461306, 10, 5652, 2173, 4, 7046547, 18, 15, 286181, 105, 142572]


class DLRM(nn.Module):
    """DLRM (Naumov et al. 2019): bottom MLP on dense features, one embedding per sparse feature,
    pairwise dot-product interaction, top MLP. Shapes of MLPerf's DLRM (dim 128)."""

    def __init__(self, rows, dim=128, dense_in=13, bottom=(512, 256, 128), top=(1024, 1024, 512, 256, 1)):
        super().__init__()
        self.emb = nn.ModuleList(nn.Embedding(n, dim, sparse=True) for n in rows)
        self.bot = self.mlp(dense_in, bottom, last_act=True)
        n_f = len(rows) + 1
        self.li, self.lj = torch.tril_indices(n_f, n_f, offset=-1)
        self.top = self.mlp(dim + n_f * (n_f - 1) // 2, top, last_act=False)

    @staticmethod
    def mlp(n_in, sizes, last_act):
        layers = []
        for i, n in enumerate(sizes):
            layers.append(nn.Linear(n_in, n))
            if i < len(sizes) - 1 or last_act:
                layers.append(nn.ReLU())
            n_in = n
        return nn.Sequential(*layers)

    def forward(self, dense, sparse):
        x = self.bot(dense)
        t = torch.stack([x] + [e(sparse[:, i]).to(x.dtype) for i, e in enumerate(self.emb)], dim=1)
        z = torch.bmm(t, t.transpose(1, 2))[:, self.li, self.lj]
        return self.top(torch.cat([x, z], dim=1)).squeeze(1)


def dlrm_training(batch):
    rows = [min(n, 1_000_000) for n in CRITEO_ROWS]
    with torch.device(DEV):
        m = DLRM(rows).train()
    opt = torch.optim.SGD(m.parameters(), lr=0.01)
    dense = torch.randn(batch, 13, device=DEV)
    sparse = torch.stack([torch.randint(0, n, (batch,), device=DEV) for n in rows], dim=1)
    y = torch.randint(0, 2, (batch,), device=DEV).float()

    def step():
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cuda", dtype=BF16):
            out = m(dense, sparse)
        loss = F.binary_cross_entropy_with_logits(out.float(), y)
        loss.backward()
        opt.step()
    return step, {"batch": batch, "input": "13 dense + 26 sparse features (one index each)",
                  "dtype": "fp32 weights, bf16 autocast MLPs", "optimizer": "SGD (sparse embedding gradients)",
                  "reduced": "embedding tables capped at 1M rows (Criteo Kaggle cardinalities); "
                             "MLPerf-DLRM MLP shapes, dim 128"}


def bert_config():
    from transformers import BertConfig
    return BertConfig(vocab_size=30522, hidden_size=1024, num_hidden_layers=24, num_attention_heads=16,
                      intermediate_size=4096, max_position_embeddings=512)


def bert_inference(batch, seq):
    from transformers import BertForQuestionAnswering
    with default_dtype(BF16), torch.device(DEV):
        m = BertForQuestionAnswering(bert_config()).eval()
    ids = torch.randint(0, 30522, (batch, seq), device=DEV)
    mask = torch.ones_like(ids)

    def step():
        with torch.inference_mode():
            m(input_ids=ids, attention_mask=mask)
    return step, {"batch": batch, "seq": seq, "dtype": "bf16", "head": "question answering (SQuAD)",
                  "attn": getattr(m.config, "_attn_implementation", "?")}


def bert_training(batch, seq):
    from transformers import BertForQuestionAnswering
    with torch.device(DEV):
        m = BertForQuestionAnswering(bert_config()).train()
    opt = torch.optim.AdamW(m.parameters(), lr=3e-5)
    ids = torch.randint(0, 30522, (batch, seq), device=DEV)
    mask = torch.ones_like(ids)
    sp = torch.randint(0, seq, (batch,), device=DEV)
    ep = torch.randint(0, seq, (batch,), device=DEV)

    def step():
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cuda", dtype=BF16):
            out = m(input_ids=ids, attention_mask=mask, start_positions=sp, end_positions=ep)
        out.loss.backward()
        opt.step()
    return step, {"batch": batch, "seq": seq, "dtype": "fp32 master weights, bf16 autocast",
                  "optimizer": "AdamW", "head": "question answering (SQuAD fine-tuning)"}


def llm_config(family):
    import transformers as T
    if family == "gptj-6b":
        cfg = T.GPTJConfig(vocab_size=50400, n_positions=2048, n_embd=4096, n_layer=28, n_head=16,
                           rotary_dim=64, tie_word_embeddings=False)
        return cfg, T.GPTJForCausalLM
    cfg = T.LlamaConfig(vocab_size=128256, hidden_size=4096, intermediate_size=14336, num_hidden_layers=32,
                        num_attention_heads=32, num_key_value_heads=8, max_position_embeddings=8192,
                        rope_theta=500000.0, rms_norm_eps=1e-5, tie_word_embeddings=False)
    return cfg, T.LlamaForCausalLM


def build_llm(family):
    cfg, cls = llm_config(family)
    with default_dtype(BF16), torch.device(DEV):
        m = cls(cfg)
    return m, cfg


def llm_inference(family, prefill_len, decode_batch, context_len):
    """Two workloads: prefill of one prompt, and one decode step of a batch against a KV cache."""
    m, cfg = build_llm(family)
    m.eval()
    vocab = cfg.vocab_size
    kw = {"logits_to_keep": 1}
    ids = torch.randint(0, vocab, (1, prefill_len), device=DEV)

    def prefill():
        with torch.inference_mode():
            out = m(input_ids=ids, use_cache=True, **kw)
            out.logits[:, -1].argmax(-1)
    try:
        prefill()
    except TypeError:
        kw.clear()
        prefill()
    with torch.inference_mode():
        ctx_ids = torch.randint(0, vocab, (decode_batch, context_len), device=DEV)
        out = m(input_ids=ctx_ids, use_cache=True, **kw)
        cache = out.past_key_values
        nxt = out.logits[:, -1].argmax(-1, keepdim=True)
        del out
    state = {"crop": True}
    try:
        cache.crop(context_len)
    except Exception as e:  # noqa: BLE001
        state["crop"] = False
        state["crop_error"] = repr(e)

    def decode():
        with torch.inference_mode():
            o = m(input_ids=nxt, past_key_values=cache, use_cache=True)
            o.logits[:, -1].argmax(-1)
            if state["crop"]:
                cache.crop(context_len)
    common = {"dtype": "bf16", "layers": cfg.num_hidden_layers, "hidden": cfg.hidden_size,
              "attn": getattr(m.config, "_attn_implementation", "?")}
    pre = dict(common, batch=1, seq=prefill_len, phase="prefill", logits="last token only" if kw else "all tokens")
    dec = dict(common, batch=decode_batch, context=context_len, phase="decode (one token per sequence)",
               kv_cache="cropped back to the context length after every step" if state["crop"]
               else "grows by one token per step (crop failed: " + state.get("crop_error", "") + ")")
    return [("prefill", prefill, pre), ("decode", decode, dec)]


def llama_lora_training(batch, seq):
    from peft import LoraConfig, get_peft_model
    m, cfg = build_llm("llama3-8b")
    m.train()
    lcfg = LoraConfig(r=16, lora_alpha=32, lora_dropout=0.05, task_type="CAUSAL_LM",
                      target_modules=["q_proj", "k_proj", "v_proj", "o_proj"])
    m = get_peft_model(m, lcfg)
    params = [p for p in m.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-4)
    ids = torch.randint(0, cfg.vocab_size, (batch, seq), device=DEV)

    def step():
        opt.zero_grad(set_to_none=True)
        out = m(input_ids=ids, labels=ids)
        out.loss.backward()
        opt.step()
    n_train = sum(p.numel() for p in params)
    return step, {"batch": batch, "seq": seq, "dtype": "bf16 base weights (frozen), LoRA adapters as PEFT makes them",
                  "lora": "r=16 alpha=32 dropout=0.05 on q,k,v,o projections", "trainable_params": n_train,
                  "optimizer": "AdamW on LoRA parameters",
                  "why_lora": "full fine-tuning of 8B parameters with AdamW needs ~128 GB (weights, grads, "
                              "2 moments) > 80 GB"}


def one(kind, name, fn, *args, variants=None, shape=""):
    """shape: appended to the id (e.g. "b120": training-vgg19-b120), so traces of one model at
    different shapes can live side by side."""
    def build(**kw):
        step, meta = fn(*args, **kw)
        return [(None, step, meta)]
    g = {"ids": [f"{kind}-{name}" + (f"-{shape}" if shape else "")], "kind": kind, "name": name, "build": build}
    if variants:
        g["variants"] = variants
    return g


def llm_group(family, prefill_len=1024, decode_batch=8, context_len=1024):
    """ids carry the shape: inference-<family>-prefill-p<prompt tokens>, -decode-b<batch>."""
    def build():
        return llm_inference(family, prefill_len, decode_batch, context_len)
    return {"ids": [f"inference-{family}-prefill-p{prefill_len}", f"inference-{family}-decode-b{decode_batch}"],
            "kind": "inference", "name": family, "build": build}


def paper_groups():
    """Every workload at the paper's shape (paper_shapes.py): Table 1's training jobs, Table 2's
    inference requests (batch 1), the LLMs as one prefill and one decode step."""
    tr, inf = PS.TRAINING, PS.INFERENCE
    b = {k: v["batch"] for k, v in tr.items()}
    return [
        one("inference", "resnet50", cnn_inference, "resnet50", inf["resnet50"]["batch"], inf["resnet50"]["res"],
            shape=f"b{inf['resnet50']['batch']}"),
        one("inference", "bert-large", bert_inference, inf["bert-large"]["batch"], inf["bert-large"]["seq"],
            shape=f"b{inf['bert-large']['batch']}"),
        one("inference", "retinanet", retinanet_inference, inf["retinanet"]["batch"], inf["retinanet"]["res"],
            shape=f"b{inf['retinanet']['batch']}"),
        one("training", "mobilenetv2", cnn_training, "mobilenet_v2", b["mobilenetv2"], variants=CNN_TRAIN_VARIANTS,
            shape=f"b{b['mobilenetv2']}"),
        one("training", "resnet50", cnn_training, "resnet50", b["resnet50"], variants=CNN_TRAIN_VARIANTS,
            shape=f"b{b['resnet50']}"),
        one("training", "vgg19", cnn_training, "vgg19", b["vgg19"], variants=CNN_TRAIN_VARIANTS, shape=f"b{b['vgg19']}"),
        one("training", "dlrm", dlrm_training, b["dlrm"], shape=f"b{b['dlrm']}"),
        one("training", "bert-large", bert_training, b["bert-large"], tr["bert-large"]["seq"], shape=f"b{b['bert-large']}"),
        *[llm_group(f, inf[f]["prompt_tokens"], inf[f]["batch"], inf[f]["context_tokens"]) for f in ("llama3-8b",)],
        one("training", "llama3-8b-lora", llama_lora_training, b["llama3-8b-lora"], tr["llama3-8b-lora"]["seq"],
            shape=f"b{b['llama3-8b-lora']}"),
        llm_group("gptj-6b", inf["gptj-6b"]["prompt_tokens"], inf["gptj-6b"]["batch"], inf["gptj-6b"]["context_tokens"]),
    ]


GROUPS = paper_groups()


# ----------------------------------------------------------------------------------------------
# Measurement of one workload
# ----------------------------------------------------------------------------------------------

def time_iteration_ms(step, n=3):
    s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    torch.cuda.synchronize()
    s.record()
    for _ in range(n):
        step()
    e.record()
    e.synchronize()
    return s.elapsed_time(e) / n


def wall_ms(fn, n=5):
    """Median host wall time of fn() until the GPU is done, one at a time (synchronized before and after)."""
    ts = []
    for _ in range(n):
        torch.cuda.synchronize()
        t = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        ts.append((time.perf_counter() - t) * 1e3)
    return sorted(ts)[n // 2]


def host_issue_ms(fn, n=5):
    """Median host time to issue fn() (no synchronization at its end): in eager mode the framework's
    and the launch calls' cost, unless the GPU falls so far behind that the launch queue fills."""
    ts = []
    for _ in range(n):
        torch.cuda.synchronize()
        t = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t) * 1e3)
    torch.cuda.synchronize()
    return sorted(ts)[n // 2]


def launch_costs(step, kernels_per_request):
    """Inference: a request's wall time eager and replayed as a CUDA graph, and the eager host
    launch gap per kernel (host issue time over kernels), for modeling graph vs eager launch."""
    res = {"request_wall_ms_eager": round(wall_ms(step), 4)}
    issue = host_issue_ms(step)
    res["host_issue_ms_eager"] = round(issue, 4)
    if kernels_per_request:
        res["host_launch_us_per_kernel"] = round(issue * 1e3 / kernels_per_request, 3)
    try:
        g = torch.cuda.CUDAGraph()
        s = torch.cuda.Stream()
        s.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(s):
            step()  # warm-up on the capture stream (allocator pool)
        torch.cuda.current_stream().wait_stream(s)
        torch.cuda.synchronize()
        with torch.cuda.graph(g):
            step()
        g.replay()
        torch.cuda.synchronize()
        res["request_wall_ms_graph"] = round(wall_ms(g.replay), 4)
        del g
    except Exception as e:  # noqa: BLE001 - a request that synchronizes with the host cannot be captured
        res["graph_error"] = repr(e)[:500]
        try:
            torch.cuda.synchronize()
        except Exception as e2:  # noqa: BLE001
            res["graph_error_after"] = repr(e2)[:300]
    return res


def chrome_profile(wid, kind, step, active, work):
    label = "request" if kind == "inference" else "iteration"
    raw = os.path.join(work, wid + ".raw.json")
    # repeat=1: the schedule ends after the active steps, so leaving the block records nothing more;
    # the trace is written by on_trace_ready when the last active step ends.
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA],
                 schedule=schedule(wait=0, warmup=1, active=active, repeat=1),
                 on_trace_ready=lambda prof: prof.export_chrome_trace(raw)) as p:
        for _ in range(1 + active):
            with record_function(f"{label}:{wid}"):
                step()
            torch.cuda.synchronize()
            p.step()
    st = filter_chrome_trace(raw, os.path.join(work, wid + ".trace.json.gz"))
    os.remove(raw)
    return st


def set_cudnn(deterministic, benchmark, enabled=True):
    torch.backends.cudnn.deterministic = deterministic
    torch.backends.cudnn.benchmark = benchmark
    torch.backends.cudnn.enabled = enabled


def green_compatible(step, ctxs):
    """None if one step runs in the smallest and the largest green context, else the error."""
    greens = [c for c in ctxs if c.mode != "primary"]
    for c in {id(c): c for c in (greens[-1:] + greens[:1])}.values():
        try:
            c.run(step)
        except Exception as e:  # noqa: BLE001
            torch.cuda.synchronize()
            return f"{c.label}{c.sms}: {e!r}"[:500]
    return None


def measure(wid, kind, step, meta, ctxs, total_sms, until, args):
    rec = {"id": wid, "kind": kind, **meta}
    for _ in range(args.warmup):
        step()
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    it_ms = time_iteration_ms(step)
    rec["iteration_ms_events"] = round(it_ms, 3)
    rec["peak_memory_gib"] = round(torch.cuda.max_memory_allocated() / 2 ** 30, 3)
    rec["peak_reserved_gib"] = round(torch.cuda.max_memory_reserved() / 2 ** 30, 3)
    log(f"  {wid}: {it_ms:.2f} ms per {'request' if kind == 'inference' else 'iteration'}")
    t = time.time()
    if args.partial:
        rec["partial"] = args.partial
    if not args.partial and args.method != "occupy":  # those runs add scaling data to a full run's trace
        rec["chrome"] = chrome_profile(wid, kind, step, args.active, args.work)
        log(f"  chrome trace: {rec['chrome']['kernels']} kernels, {rec['chrome']['kernel_us'] / 1e3:.2f} ms kernel time "
        f"over {args.active} steps ({time.time() - t:.1f}s)")
    iters = 3 if it_ms < 50 else 2
    rows, per_ctx, base_names = [], {}, None
    for ctx in ctxs:
        key = f"{ctx.label}{ctx.sms}"
        step_s = it_ms * 1e-3 * (total_sms / max(1, ctx.sms))  # one step on these SMs, if kernel-bound
        est_s = step_s * (iters + 1) * 2.0 + 1.5
        if time.time() + est_s > until:
            per_ctx[key] = {"skipped": f"time budget (estimated {est_s:.1f}s)"}
            log(f"  skip {key}: estimated {est_s:.1f}s exceeds the budget")
            continue
        t = time.time()
        try:
            ctx.warm(step)  # warm-up on this context's stream (allocator pool, library workspaces)
            runs = kernel_runs(step, ctx, iters, max(5.0, 4 * iters * step_s))
        except Exception as e:  # noqa: BLE001
            per_ctx[key] = {"error": repr(e)[:500]}
            log(f"  {key} failed: {e!r}"[:400])
            torch.cuda.empty_cache()
            continue
        sums = [sum(ev[1] for ev in r) / 1e6 for r in runs]
        names = [ev[3] for ev in runs[0]]
        if base_names is None:
            base_names = names
        same = sum(1 for a, b in zip(names, base_names) if a == b)
        per_ctx[key] = {"sms": ctx.sms, "mode": ctx.mode, "kernels": [len(r) for r in runs],
                        "kernel_ms": [round(s, 3) for s in sums],
                        "same_name_by_position_vs_first": f"{same}/{len(base_names)}"}
        for it, r in enumerate(runs):
            for order, (_, dur, stream, name) in enumerate(r):
                rows.append(f"{ctx.sms}\t{ctx.label}\t{it}\t{order}\t{dur}\t{stream}\t{name}")
        log(f"  {key:>10}: {len(runs[0])} kernels, {sums[0]:8.3f} ms kernel time, "
            f"names same as first {same}/{len(base_names)} ({time.time() - t:.1f}s)")
        torch.cuda.empty_cache()
    suffix = f".scaling-{args.part}.tsv.gz" if args.part else ".scaling.tsv.gz"
    with gzip.open(os.path.join(args.work, wid + suffix), "wt", compresslevel=9) as f:
        f.write("sms\tcontext\titeration\torder\tdur_ns\tstream\tname\n")
        f.write("\n".join(rows))
        f.write("\n")
    rec["scaling"] = per_ctx
    rec["scaling_iterations"] = iters
    if kind == "inference" and not args.partial and args.method != "occupy":
        t = time.time()
        per_req = rec.get("chrome", {}).get("kernels", 0) / max(1, args.active)
        launch = launch_costs(step, per_req)
        rec.update(launch)
        log(f"  launch costs: {launch} ({time.time() - t:.1f}s)")
        torch.cuda.empty_cache()
    return rec


# ----------------------------------------------------------------------------------------------
# Environment, packing, main
# ----------------------------------------------------------------------------------------------

def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception as e:  # noqa: BLE001
        return "failed: " + repr(e)


def env_info():
    p = torch.cuda.get_device_properties(0)
    vers = {}
    from importlib import metadata
    for mod in ("torchvision", "transformers", "peft", "numpy", "nvidia-cudnn-cu13", "nvidia-cublas"):
        try:
            vers[mod] = metadata.version(mod)
        except Exception as e:  # noqa: BLE001
            vers[mod] = "unavailable: " + repr(e)[:100]
    return {
        "date_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host": socket.gethostname(), "platform": platform.platform(), "python": sys.version.split()[0],
        "torch": torch.__version__, "torch_cuda": torch.version.cuda, "cudnn": torch.backends.cudnn.version(),
        "gpu": p.name, "sm_count": p.multi_processor_count, "gpu_memory_bytes": p.total_memory,
        "nvidia_smi": sh("nvidia-smi --query-gpu=name,driver_version,pci.bus_id,clocks.sm,clocks.max.sm,"
                         "clocks.mem,clocks.max.mem,power.limit,persistence_mode,compute_mode,mig.mode.current "
                         "--format=csv"),
        "nvidia_smi_cuda": sh("nvidia-smi | grep -o 'CUDA Version: [0-9.]*'"),
        "packages": vers, "command": " ".join([sys.executable] + sys.argv),
    }


def pack(work, out, manifest):
    with open(os.path.join(work, manifest.get("file", "manifest.json")), "w") as f:
        json.dump(manifest, f, indent=1)
    src = os.environ.get("CUDNN_LOGDEST_DBG", "")
    if os.path.isfile(src):
        with open(src, "rb") as f:
            f.seek(max(0, os.path.getsize(src) - 2 ** 20))
            tail = f.read()
        with open(os.path.join(work, "cudnn_log_tail.txt"), "wb") as g:
            g.write(tail)
    tmp = "/tmp/lithosj_traces_pack.tar"
    with tarfile.open(tmp, "w") as t:
        for n in sorted(os.listdir(work)):
            t.add(os.path.join(work, n), arcname="traces/" + n)
    for n in os.listdir(out):
        if n.startswith("traces.tar.part"):
            os.remove(os.path.join(out, n))
    part = 15 * 2 ** 20
    with open(tmp, "rb") as f:
        i = 0
        while True:
            chunk = f.read(part)
            if not chunk:
                break
            with open(os.path.join(out, f"traces.tar.part{i}"), "wb") as g:
                g.write(chunk)
            i += 1
    return os.path.getsize(tmp)


def green_contexts(total_sms, requested):
    """Ctx of a green context per requested SM count, and the manifest's record of them."""
    ctxs, green = [], {"requested": requested}
    try:
        gcls = green_class()
        green["api"] = describe_green_api(gcls)
        log("green context API:", json.dumps(green["api"]))
        for s in requested:
            try:
                ctxs.append(Ctx(total_sms, s, gcls))
                log(f"  green context {s} SMs: mode {ctxs[-1].mode}, reported SMs {ctxs[-1].sms}")
            except Exception as e:  # noqa: BLE001
                green.setdefault("errors", {})[str(s)] = traceback.format_exc()[-1500:]
                log(f"  green context {s} SMs failed: {e!r}")
    except Exception:  # noqa: BLE001
        green["error"] = traceback.format_exc()[-2000:]
        log("green contexts unavailable:\n" + green["error"])
    return ctxs, green


def occupy_contexts(total_sms, requested, ptx):
    """Ctx of SM occupancy per requested SM count that passes its placement check, and the
    manifest's record: kernel resources, per count the check, and per count the free SMs of every run."""
    ctxs, info = [], {"requested": requested, "ptx": os.path.basename(ptx), "checks": {}}
    try:
        occ = Occupier(ptx, total_sms)
    except Exception:  # noqa: BLE001
        info["error"] = traceback.format_exc()[-2000:]
        log("SM occupancy unavailable:\n" + info["error"])
        return ctxs, info
    info["driver"] = occ.info
    info["runs"] = occ.runs  # the same dict: filled while the contexts run
    log("SM occupancy:", json.dumps(occ.info))
    for s in requested:
        try:
            chk = occ.check(s)
        except Exception as e:  # noqa: BLE001
            chk = {"ok": False, "reason": repr(e)[:500]}
        info["checks"][str(s)] = chk
        if chk["ok"]:
            ctxs.append(Ctx(total_sms, s, occ=occ))
            log(f"  occupy {s} SMs: {len(chk['blocked_smids'])} SMs held, probe blocks ran on the {chk['probe_sms']} "
                f"free ones (placed as clusters of {chk['cluster']})")
        else:
            log(f"  occupy {s} SMs REJECTED: {chk['reason']}")
    return ctxs, info


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default="/tmp/lithosj_traces")
    ap.add_argument("--out", required=True, help="where packed parts go (at most 15 MiB each)")
    ap.add_argument("--models", default="", help="comma-separated ids or names to run (default: all)")
    ap.add_argument("--sms", default="128,96,64,32,16,8", help="SM counts of the restricted contexts")
    ap.add_argument("--budget-s", type=float, default=480, help="wall-clock budget of the whole run")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--active", type=int, default=3, help="profiled requests/iterations in the Chrome trace")
    ap.add_argument("--partial", default="", choices=["", "frozen", "forward", "nocudnn"],
                    help="CNN training only: measure part of the iteration in the green contexts (see "
                         "cnn_training); no Chrome trace; writes <id>.scaling-<partial>.tsv.gz")
    ap.add_argument("--method", default="green", choices=["green", "occupy"],
                    help="how to restrict the SMs: green contexts, or SM occupancy (resident blocker kernels; "
                         "no Chrome trace; writes <id>.scaling-occupy.tsv.gz)")
    ap.add_argument("--ptx", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "occupy_sms.ptx"),
                    help="the blocker kernels for --method occupy (see occupy_sms.cu)")
    args = ap.parse_args()
    if args.partial and args.method == "occupy":
        ap.error("--partial applies to --method green: SM occupancy runs the whole iteration in the primary "
                 "context, where cuDNN's convolution backward works")
    deadline = T0 + args.budget_s
    os.makedirs(args.work, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(0)
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True

    args.part = args.partial or ("occupy" if args.method == "occupy" else "")  # names the output files
    manifest = {"env": env_info(), "models": {}, "skipped": {},
                "file": f"manifest-{args.part}-{args.models}.json" if args.part else "manifest.json",
                "settings": {"tf32": True, "warmup": args.warmup, "active": args.active, "sms": args.sms,
                             "budget_s": args.budget_s, "method": args.method}}
    env = manifest["env"]
    log("env:", json.dumps({k: env[k] for k in ("gpu", "sm_count", "torch", "torch_cuda", "packages")}))
    log(env["nvidia_smi"])
    total_sms = env["sm_count"]

    try:
        log("marker kernel:", find_marker_name())
    except Exception as e:  # noqa: BLE001
        manifest["marker_error"] = repr(e)
        log("no marker kernel; iterations will be profiled one by one:", repr(e))

    requested = [int(s) for s in args.sms.split(",") if s]
    if args.method == "occupy":
        more, sm_info = occupy_contexts(total_sms, requested, args.ptx)
        manifest["occupy"] = sm_info
    else:
        more, sm_info = green_contexts(total_sms, requested)
        manifest["green_contexts"] = sm_info
    ctxs = [Ctx(total_sms)] + more
    sm_info["probe"] = {}
    for c in (ctxs if not args.partial else []):
        try:
            sm_info["probe"][f"{c.label}{c.sms}"] = probe_ctx(c)
        except Exception as e:  # noqa: BLE001
            sm_info["probe"][f"{c.label}{c.sms}"] = {"error": repr(e)[:500]}
        log(f"  probe {c.label}{c.sms}: {sm_info['probe'][f'{c.label}{c.sms}']}")
    torch.cuda.empty_cache()
    pack(args.work, args.out, manifest)

    wanted = {w for w in args.models.split(",") if w}
    groups = [g for g in GROUPS if not wanted or wanted & (set(g["ids"]) | {g["name"]})]
    for gi, g in enumerate(groups):
        left = len(groups) - gi
        now = time.time()
        if deadline - now < 15:
            for wid in g["ids"]:
                manifest["skipped"][wid] = "time budget"
            continue
        until = now + max(30.0, (deadline - now) / left * 1.6)
        until = min(until, deadline)
        log(f"== {'/'.join(g['ids'])} (group budget {until - now:.0f}s)")
        t = time.time()
        workloads = None
        try:
            torch.manual_seed(0)
            variant = None
            if args.partial and not g.get("variants"):
                raise RuntimeError("--partial applies to CNN training only")
            if g.get("variants") and (args.partial or args.method == "occupy"):
                # the normal configuration: partial runs measure parts of it, SM occupancy all of it
                variant = g["variants"][0][0] + (" (partial: " + args.partial + ")" if args.partial else "")
                tried = {}
                workloads = g["build"](**g["variants"][0][1], partial=args.partial)
            elif g.get("variants") and any(c.mode != "primary" for c in ctxs):
                tried = {}
                for vname, kw in g["variants"]:
                    torch.manual_seed(0)
                    workloads = g["build"](**kw)
                    step = workloads[0][1]
                    for _ in range(2):
                        step()
                    torch.cuda.synchronize()
                    err = green_compatible(step, ctxs)
                    tried[vname] = err or "ok"
                    if err is None:
                        variant = vname
                        break
                    log(f"  variant {vname}: fails in a green context: {err}")
                    del workloads, step
                    gc.collect()
                    torch.cuda.empty_cache()
                    workloads = None
                if variant is None:
                    variant = g["variants"][0][0] + " (no variant ran in green contexts)"
                    workloads = g["build"](**g["variants"][0][1])
                log(f"  variant: {variant}")
            else:
                workloads = g["build"]()
            log(f"  built in {time.time() - t:.1f}s, GPU memory {torch.cuda.memory_allocated() / 2 ** 30:.1f} GiB")
            for wi, (suffix, step, meta) in enumerate(workloads):
                wid = g["ids"][wi]
                try:
                    rec = measure(wid, g["kind"], step, meta, ctxs, total_sms, until, args)
                    rec["model"] = g["name"]
                    if variant is not None:
                        rec["variant"] = variant
                        rec["variants_tried"] = tried
                    manifest["models"][wid] = rec
                except Exception:  # noqa: BLE001
                    manifest["models"][wid] = {"id": wid, "error": traceback.format_exc()[-3000:]}
                    log(f"  {wid} FAILED:\n" + manifest["models"][wid]["error"])
                set_cudnn(False, False)
                torch.cuda.empty_cache()
        except Exception:  # noqa: BLE001
            for wid in g["ids"]:
                manifest["models"][wid] = {"id": wid, "error": "build failed: " + traceback.format_exc()[-3000:]}
            log("  build FAILED:\n" + traceback.format_exc()[-3000:])
        del workloads
        gc.collect()
        torch.cuda.empty_cache()
        size = pack(args.work, args.out, manifest)
        log(f"  packed {size / 2 ** 20:.1f} MiB; group took {time.time() - t:.1f}s")
    manifest["wall_s"] = round(time.time() - T0, 1)
    pack(args.work, args.out, manifest)
    log("done:", {k: ("ok" if "error" not in v else "FAILED") for k, v in manifest["models"].items()},
        "skipped:", list(manifest["skipped"]))


if __name__ == "__main__":
    main()
