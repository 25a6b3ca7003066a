#!/usr/bin/env python3
"""Real-GPU stacking harness of the validation set (issue 14, items 1-2).

One HP inference service (a request = the model at its paper shape, captured as a CUDA graph and
replayed, as TensorRT engines run) beside one BE job (eager training, or GPT-J inference as whole
requests), under each sharing mechanism of a real NVIDIA GPU:

  alone         each tenant alone (the denominators)
  time-slicing  one process per tenant, no MPS: the driver time-slices the contexts
  mps           one process per tenant under an MPS control daemon this script starts and stops
  priority      one process, one thread per tenant: HP on the highest-priority stream, BE on the lowest
  green-split   one process, one thread per tenant, each on the SMs of its own CUDA green context
                (disjoint SM groups split off the device with cuDevSmResourceSplitByCount)

HP service: Poisson arrivals generated up front (seeded) at load x solo capacity; the solo service
time is measured once per service, alone, and fixed for every mechanism; FIFO, one request at a time;
latency = completion - arrival. BE progress: training iterations, or GPT-J requests (prefill + 128
decode steps) counted as fractions of a request in proportion to each step's solo time.

Output: one JSON line per run in <out>/<pair with '+' as '_'>.jsonl (format: validation/README.md).

  python3 validation/stack_harness.py --self-test                 # no GPU needed
  PYTHONUNBUFFERED=1 python3 validation/stack_harness.py --out $OUT --pairs resnet50+mobilenetv2
"""
import argparse
import collections
import datetime
import json
import math
import multiprocessing as mp
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
T_START = time.time()


def log(*a):
    print(f"[{time.time() - T_START:7.1f}s]", *a, flush=True)


# ----------------------------------------------------------------------------------------------
# The validation set
# ----------------------------------------------------------------------------------------------

# Tenants: model and shape (datasets/paper_shapes.py, the paper's Tables 1-2).
def tenant_specs():
    sys.path.insert(0, os.path.join(HERE, "..", "datasets"))
    sys.path.insert(0, HERE)  # the device copy keeps the two dataset files beside this one
    import paper_shapes as ps
    inf, tr = ps.INFERENCE, ps.TRAINING
    g = inf["gptj-6b"]
    return {
        "resnet50": {"model": "resnet50", "role": "hp", "batch": inf["resnet50"]["batch"], "res": inf["resnet50"]["res"]},
        "retinanet": {"model": "retinanet", "role": "hp", "batch": inf["retinanet"]["batch"], "res": inf["retinanet"]["res"]},
        "bert-large": {"model": "bert-large", "role": "hp", "batch": inf["bert-large"]["batch"], "seq": inf["bert-large"]["seq"]},
        "mobilenetv2": {"model": "mobilenetv2", "role": "be", "kind": "training", "batch": tr["mobilenetv2"]["batch"]},
        "dlrm": {"model": "dlrm", "role": "be", "kind": "training", "batch": tr["dlrm"]["batch"]},
        "bert-large-train": {"model": "bert-large", "role": "be", "kind": "training", "batch": tr["bert-large"]["batch"],
                             "seq": tr["bert-large"]["seq"]},
        "gptj-6b": {"model": "gptj-6b", "role": "be", "kind": "inference", "batch": g["batch"],
                    "prompt_tokens": g["prompt_tokens"], "decode_steps": g["decode_steps"],
                    "context_tokens": g["context_tokens"]},
    }


# duration_s: run length, warm-up included (why these: validation/README.md). green: SMs of each HP
# tenant's green context, split off in this order; the BE tenant gets all remaining SMs.
PAIRS = {
    "resnet50+mobilenetv2": {"hp": ["resnet50"], "be": "mobilenetv2", "duration_s": 3.5, "green": {"resnet50": 64}},
    "retinanet+dlrm": {"hp": ["retinanet"], "be": "dlrm", "duration_s": 5.0, "green": {"retinanet": 64}},
    "bert-large+bert-large-train": {"hp": ["bert-large"], "be": "bert-large-train", "duration_s": 3.5,
                                    "green": {"bert-large": 64}},
    "resnet50+bert-large+gptj-6b": {"hp": ["resnet50", "bert-large"], "be": "gptj-6b", "duration_s": 4.0,
                                    "green": {"resnet50": 32, "bert-large": 48}},
}
MECHANISMS = ["alone", "time-slicing", "mps", "priority", "green-split"]
WARMUP_S = 1.0

# Stability rule (README): unstable when more than this share of the requests that arrived in the
# measured window are unfinished at its end, or when the queue grows: the median latency of the last
# third of the window's arrivals exceeds MAX_LATENCY_GROWTH times that of the first third AND
# QUEUE_LATENCY_FACTOR times the solo service time (a drift of interference that leaves latency at a
# few service times is not a growing queue).
MAX_UNFINISHED_SHARE = 0.05
MAX_LATENCY_GROWTH = 2.0
QUEUE_LATENCY_FACTOR = 10.0


# ----------------------------------------------------------------------------------------------
# Pure parts: arrivals, queue accounting, stability, BE progress (tested by --self-test)
# ----------------------------------------------------------------------------------------------

def poisson_arrivals(rate_rps, duration_s, seed, tenant):
    """Arrival offsets (s from the run's start) of a Poisson process of rate_rps in [0, duration_s).
    The stream depends only on (seed, tenant): every mechanism sees the same arrivals."""
    if rate_rps <= 0:
        raise ValueError(f"rate_rps must be > 0, got {rate_rps}")
    rng = random.Random(f"{seed}:{tenant}")
    out, t = [], 0.0
    while True:
        t += rng.expovariate(rate_rps)
        if t >= duration_s:
            return out
        out.append(t)


def fifo_completions(arrivals, service_s):
    """Reference single-server FIFO queue: completion of each arrival for a list of service times
    (used by the self-test to check the accounting against queueing behaviour)."""
    done, free = [], 0.0
    for a, s in zip(arrivals, service_s):
        free = max(free, a) + s
        done.append(free)
    return done


def percentile(xs, q):
    """Linear interpolation between closest ranks (numpy's default), q in [0, 100]."""
    if not xs:
        return None
    s = sorted(xs)
    pos = (len(s) - 1) * q / 100.0
    lo = int(math.floor(pos))
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def summarize_hp(arrivals, completions, warmup_s, duration_s, solo_ms):
    """arrivals: offsets (s); completions: offset or None (not served by the end). Requests that
    arrived in the window [warmup_s, duration_s) count: completed if done by duration_s, else
    unfinished. Latencies in ms of the completed ones."""
    lat, unfinished, in_window = [], 0, []
    for a, c in zip(arrivals, completions):
        if a < warmup_s or a >= duration_s:
            continue
        if c is not None and c <= duration_s:
            lat.append((c - a) * 1e3)
            in_window.append((a, (c - a) * 1e3))
        else:
            unfinished += 1
            in_window.append((a, None))
    n = len(lat) + unfinished
    share = unfinished / n if n else 0.0
    third = (duration_s - warmup_s) / 3.0
    early = [l for a, l in in_window if l is not None and a < warmup_s + third]
    late = [l for a, l in in_window if l is not None and a >= duration_s - third]
    growth, late_p50 = None, percentile(late, 50)
    if early and late:
        growth = late_p50 / percentile(early, 50)
    elif early and any(l is None for a, l in in_window if a >= duration_s - third):
        growth, late_p50 = math.inf, math.inf  # nothing of the last third was served
    growing = growth is not None and growth > MAX_LATENCY_GROWTH and late_p50 > QUEUE_LATENCY_FACTOR * solo_ms
    stable = bool(n > 0 and lat and share <= MAX_UNFINISHED_SHARE and not growing)
    r3 = lambda x: None if x is None else round(x, 3)  # noqa: E731
    return {"p50_ms": r3(percentile(lat, 50)), "p90_ms": r3(percentile(lat, 90)), "p99_ms": r3(percentile(lat, 99)),
            "mean_ms": r3(sum(lat) / len(lat)) if lat else None, "completed": len(lat), "unfinished": unfinished,
            "unfinished_share": round(share, 4),
            "latency_growth": None if growth is None else (round(growth, 3) if math.isfinite(growth) else "inf"),
            "early_p50_ms": r3(percentile(early, 50)),
            "late_p50_ms": None if late_p50 is None else (r3(late_p50) if math.isfinite(late_p50) else "inf"),
            "stable": stable, "stability_rule": "v2"}


def be_rate(times_s, progress, warmup_s, duration_s):
    """Progress rate (units/s) from completion times and cumulative progress after each: the
    progress between the first and the last completion inside the window over the time between
    them (no quantisation to whole units). None if fewer than 2 completions lie in the window."""
    pts = [(t, p) for t, p in zip(times_s, progress) if warmup_s <= t <= duration_s]
    if len(pts) < 2 or pts[-1][0] <= pts[0][0]:
        return None
    return (pts[-1][1] - pts[0][1]) / (pts[-1][0] - pts[0][0])


def make_row(pair, load, mechanism, rep, seed, duration_s, warmup_s, env, hp, be, error=None, split_sms=None, extra=None):
    row = {"pair": pair, "load": load, "mechanism": mechanism, "rep": rep, "seed": seed,
           "duration_s": duration_s, "warmup_s": warmup_s, "gpu": env.get("gpu"), "driver": env.get("driver"),
           "torch": env.get("torch")}
    if split_sms is not None:
        row["split_sms"] = split_sms
    row["hp"] = hp
    row["be"] = be
    row["error"] = error
    if extra:
        row.update(extra)
    return row


# ----------------------------------------------------------------------------------------------
# Worker process: builds tenants once, then runs command after command
# ----------------------------------------------------------------------------------------------

def sleep_until(t):
    """Sleep to within 0.3 ms of monotonic time t, then spin (time.sleep overshoots by ~0.1 ms)."""
    while True:
        d = t - time.monotonic()
        if d <= 0:
            return
        if d > 3e-4:
            time.sleep(d - 3e-4)


class FakeHP:
    """--fake: a request is a sleep of the given service time (orchestration tests, no GPU)."""

    def __init__(self, name, service_ms):
        self.name, self.service_s, self.launch = name, service_ms / 1e3, "fake"

    def request(self, mode):
        time.sleep(self.service_s)


class FakeBE:
    def __init__(self, name, unit_ms):
        self.name, self.unit_s, self.weights = name, unit_ms / 1e3, {"unit": 1.0}

    def units(self):
        while True:
            yield "unit", lambda: time.sleep(self.unit_s)

    def run_unit(self, fn, mode):
        fn()
        return None

    def wait(self, handle):
        pass


class Worker:
    def __init__(self, spec):
        self.spec = spec
        self.fake = spec.get("fake", False)
        self.hp, self.be, self.env, self.green = {}, {}, {}, None
        sys.setswitchinterval(2e-4)  # one process, several tenant threads: hand the GIL over quickly
        if self.fake:
            for n in spec["tenants"]:
                role = spec["roles"][n]
                if role == "hp":
                    self.hp[n] = FakeHP(n, spec["fake_ms"][n])
                else:
                    self.be[n] = FakeBE(n, spec["fake_ms"][n])
            self.env = {"gpu": "fake", "driver": "fake", "torch": "fake"}
            if "green" in spec["modes"]:
                sms = dict(spec["green_order"])
                self.green = {"sms": dict(sms, **{spec["be_tenant"]: 132 - sum(sms.values())}), "matmul_tflops": None}
            return
        import torch
        self.torch = torch
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.manual_seed(0)
        torch.zeros(1, device="cuda")
        self.env = {"gpu": torch.cuda.get_device_name(0), "torch": torch.__version__,
                    "sm_count": torch.cuda.get_device_properties(0).multi_processor_count}
        self.streams = {}  # (mode, tenant) -> stream
        modes = spec["modes"]
        hi, lo = torch.cuda.Stream.priority_range() if hasattr(torch.cuda.Stream, "priority_range") else (-5, 0)
        for n in spec["tenants"]:
            if "plain" in modes:
                self.streams[("plain", n)] = torch.cuda.Stream()
            if "priority" in modes:
                self.streams[("priority", n)] = torch.cuda.Stream(
                    priority=-100 if spec["roles"][n] == "hp" else 0)
        if "priority" in modes:
            self.env["priorities"] = {n: self.streams[("priority", n)].priority for n in spec["tenants"]}
        if "green" in modes:
            try:
                self.green = make_green_streams(torch, spec["green_order"], spec["be_tenant"])
                for n, (st, sms) in self.green["streams"].items():
                    self.streams[("green", n)] = st
            except Exception:  # noqa: BLE001
                self.green = {"error": traceback.format_exc()[-1500:]}
                log("green contexts failed:\n" + self.green["error"])
        import tenants as tn
        for n in spec["tenants"]:
            t0 = time.time()
            ts = spec["tenant_specs"][n]
            ms = [m for m in modes if (m, n) in self.streams]
            if ts["role"] == "hp":
                self.hp[n] = tn.HPService(torch, n, ts, {m: self.streams[(m, n)] for m in ms})
                log(f"  {n}: HP built, launch {self.hp[n].launch}, graphs for {sorted(self.hp[n].errors or ms)} "
                    f"({time.time() - t0:.1f}s)")
            else:
                self.be[n] = tn.BEJob(torch, n, ts, {m: self.streams[(m, n)] for m in ms}, spec.get("be_weights"))
                log(f"  {n}: BE built ({time.time() - t0:.1f}s)")

    def solo(self, reps_max=200, budget_s=1.5):
        """Solo service time of each HP service (plain stream, alone): median of back-to-back
        requests, each timed on the host from launch to completion, as the server times them."""
        out = {}
        for n, h in self.hp.items():
            ts, t_end = [], time.monotonic() + budget_s
            for _ in range(3):
                h.request("plain")
            while len(ts) < reps_max and (len(ts) < 20 or time.monotonic() < t_end):
                a = time.monotonic()
                h.request("plain")
                ts.append((time.monotonic() - a) * 1e3)
            out[n] = {"solo_service_ms": round(percentile(ts, 50), 4), "solo_p90_ms": round(percentile(ts, 90), 4),
                      "solo_samples": len(ts)}
        weights = {}
        for n, b in self.be.items():
            weights[n] = b.weights
        return {"hp": out, "be_weights": weights}

    def run(self, cmd):
        """Runs the given tenants from monotonic time t0 for duration_s; returns raw timings."""
        t0, dur = cmd["t0"], cmd["duration_s"]
        res, errors = {"hp": {}, "be": {}}, {}
        threads = []

        def hp_thread(n, arr, mode):
            h = self.hp[n]
            done = [None] * len(arr)
            try:
                sleep_until(t0)
                for i, a in enumerate(arr):
                    now = time.monotonic()
                    if now >= t0 + dur:
                        break
                    if now < t0 + a:
                        sleep_until(t0 + a)
                    h.request(mode)
                    done[i] = time.monotonic() - t0
            except Exception:  # noqa: BLE001
                errors[n] = traceback.format_exc()[-1500:]
            res["hp"][n] = {"arrivals": arr, "done": done}

        def be_thread(n, mode):
            b = self.be[n]
            times, prog, cum = [], [], 0.0
            pend = collections.deque()
            try:
                sleep_until(t0)
                for kind, fn in b.units():
                    if time.monotonic() >= t0 + dur:
                        break
                    pend.append((b.run_unit(fn, mode), b.weights[kind]))
                    # one unit may run ahead of the one being waited for, so the GPU never idles
                    # on the host, and completions are timed within one unit
                    while len(pend) > 1 or (self.fake and pend):
                        h, w = pend.popleft()
                        b.wait(h)
                        cum += w
                        times.append(time.monotonic() - t0)
                        prog.append(cum)
                while pend:
                    h, w = pend.popleft()
                    b.wait(h)
                    cum += w
                    times.append(time.monotonic() - t0)
                    prog.append(cum)
            except Exception:  # noqa: BLE001
                errors[n] = traceback.format_exc()[-1500:]
            res["be"][n] = {"times": times, "progress": prog}

        for n, c in cmd.get("hp", {}).items():
            threads.append(threading.Thread(target=hp_thread, args=(n, c["arrivals"], c["mode"]), daemon=True))
        for n, c in cmd.get("be", {}).items():
            threads.append(threading.Thread(target=be_thread, args=(n, c["mode"]), daemon=True))
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=max(0.0, t0 + dur - time.monotonic()) + 60.0)
        if any(t.is_alive() for t in threads):
            errors["worker"] = "a tenant thread did not finish within 60 s of the run's end"
        if not self.fake:
            self.torch.cuda.synchronize()
        res["errors"] = errors or None
        return res


def make_green_streams(torch, order, be_tenant):
    """Disjoint SM groups: each HP tenant's count (in order) is split off what is left, and the BE
    tenant gets the remainder; one green context and one stream per group. torch.cuda.GreenContext
    cannot do this: each create() splits the whole device and takes its first group, so two of them
    share SMs. Also times a bf16 matmul on each stream against the whole GPU, to show the split holds."""
    from cuda.bindings import driver as drv

    def chk(r, what):
        err = r[0] if isinstance(r, tuple) else r
        if int(err) != 0:
            raise RuntimeError(f"{what} failed: {err}")
        rest = r[1:] if isinstance(r, tuple) else ()
        return rest[0] if len(rest) == 1 else rest

    dev = chk(drv.cuDeviceGet(torch.cuda.current_device()), "cuDeviceGet")
    whole = chk(drv.cuDeviceGetDevResource(dev, drv.CUdevResourceType.CU_DEV_RESOURCE_TYPE_SM), "cuDeviceGetDevResource")
    streams, keep, sms = {}, [], {}
    try:  # split off each HP group in turn from what is left (worked for one split; a second split of
        # the remainder was refused on the H200: CUDA_ERROR_INVALID_RESOURCE_CONFIGURATION)
        left, parts = whole, []
        for n, want in order:
            groups, _nb, rem = chk(drv.cuDevSmResourceSplitByCount(1, left, 0, want), f"split {want} SMs for {n}")
            parts.append((n, [groups[0]]))
            left = rem
        parts.append((be_tenant, [left]))
        method = "sequential splits"
    except RuntimeError as e:
        # one split of the device into groups of 8 SMs; each tenant's descriptor combines its groups
        # (resources of one split may be combined); the BE tenant also gets the SMs left over
        total = int(whole.sm.smCount)
        groups, nb, rem = chk(drv.cuDevSmResourceSplitByCount(total // 8, whole, 0, 8), "split into groups of 8")
        groups, parts, i = list(groups)[:nb], [], 0
        for n, want in order:
            k = -(-want // 8)
            parts.append((n, groups[i:i + k]))
            i += k
        parts.append((be_tenant, groups[i:] + ([rem] if int(rem.sm.smCount) > 0 else [])))
        method = f"groups of 8 SMs from one split, combined per tenant (sequential splits failed: {e})"
    for n, plist in parts:
        try:
            desc = chk(drv.cuDevResourceGenerateDesc(plist, len(plist)), "cuDevResourceGenerateDesc")
        except RuntimeError:
            if len(plist) < 2 or n != be_tenant:
                raise
            plist = plist[:-1]  # without the leftover SMs
            desc = chk(drv.cuDevResourceGenerateDesc(plist, len(plist)), "cuDevResourceGenerateDesc")
        part_sms = sum(int(p.sm.smCount) for p in plist)
        gctx = chk(drv.cuGreenCtxCreate(desc, dev, drv.CUgreenCtxCreate_flags.CU_GREEN_CTX_DEFAULT_STREAM),
                   "cuGreenCtxCreate")
        st = chk(drv.cuGreenCtxStreamCreate(gctx, drv.CUstream_flags.CU_STREAM_NON_BLOCKING, 0), "cuGreenCtxStreamCreate")
        keep.append((gctx, st, desc))
        ts = torch.cuda.ExternalStream(int(st))
        sms[n] = part_sms
        streams[n] = (ts, sms[n])
    check = {}
    a = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
    b = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
    for n, s in [("whole", torch.cuda.current_stream())] + [(n, v[0]) for n, v in streams.items()]:
        with torch.cuda.stream(s):
            torch.matmul(a, b)
            e0, e1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            e0.record()
            for _ in range(5):
                torch.matmul(a, b)
            e1.record()
        e1.synchronize()
        check[n] = round(2 * 8192 ** 3 * 5 / (e0.elapsed_time(e1) * 1e-3) / 1e12, 1)
    del a, b
    torch.cuda.empty_cache()
    log(f"  green split {sms} ({method}); bf16 matmul TFLOP/s per stream {check}")
    return {"streams": streams, "sms": sms, "matmul_tflops": check, "method": method, "_keep": keep}


def worker_main(spec, conn):
    try:
        w = Worker(spec)
        info = {"env": w.env, "launch": {n: h.launch for n, h in w.hp.items()},
                "hp_errors": {n: getattr(h, "errors", None) for n, h in w.hp.items()}}
        if w.green is not None:
            info["green"] = {k: v for k, v in w.green.items() if k not in ("streams", "_keep")}
        conn.send({"ok": "built", "info": info})
    except Exception:  # noqa: BLE001
        conn.send({"error": traceback.format_exc()[-3000:]})
        return
    while True:
        cmd = conn.recv()
        try:
            if cmd["cmd"] == "quit":
                conn.send({"ok": "bye"})
                return
            if cmd["cmd"] == "solo":
                conn.send({"ok": "solo", **w.solo()})
            elif cmd["cmd"] == "run":
                conn.send({"ok": "run", **w.run(cmd)})
        except Exception:  # noqa: BLE001
            conn.send({"error": traceback.format_exc()[-3000:]})


class Proc:
    """A worker process and its pipe. env: extra environment (MPS pipe directory) at its start."""

    def __init__(self, name, spec, env=None):
        self.name = name
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        old = {k: os.environ.get(k) for k in (env or {})}
        os.environ.update(env or {})
        try:
            self.p = ctx.Process(target=worker_main, args=(spec, child), daemon=True, name=name)
            self.p.start()
        finally:
            for k, v in old.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        self.info = None

    def wait_built(self, timeout_s):
        m = self.recv(timeout_s)
        if "error" in m:
            raise RuntimeError(f"worker {self.name} failed to build:\n{m['error']}")
        self.info = m["info"]
        return self.info

    def recv(self, timeout_s):
        if not self.conn.poll(timeout_s):
            raise TimeoutError(f"worker {self.name}: no answer within {timeout_s:.0f}s")
        return self.conn.recv()

    def ask(self, cmd, timeout_s):
        self.conn.send(cmd)
        m = self.recv(timeout_s)
        if "error" in m:
            raise RuntimeError(f"worker {self.name}: {m['error']}")
        return m

    def stop(self):
        try:
            if self.p.is_alive():
                self.conn.send({"cmd": "quit"})
                self.conn.poll(10)
        except Exception:  # noqa: BLE001
            pass
        self.p.join(5)
        if self.p.is_alive():
            self.p.kill()
            self.p.join(5)


# ----------------------------------------------------------------------------------------------
# MPS control daemon
# ----------------------------------------------------------------------------------------------

class MPS:
    def __init__(self, fake=False):
        self.fake = fake
        self.dir = tempfile.mkdtemp(prefix="lithosj-mps-", dir="/tmp")
        self.env = {"CUDA_MPS_PIPE_DIRECTORY": os.path.join(self.dir, "pipe"),
                    "CUDA_MPS_LOG_DIRECTORY": os.path.join(self.dir, "log")}
        for d in self.env.values():
            os.makedirs(d, exist_ok=True)
        self.running = False

    def control(self, args=(), stdin=None, timeout=20):
        env = dict(os.environ, **self.env)
        return subprocess.run(["nvidia-cuda-mps-control", *args], input=stdin, env=env, capture_output=True,
                              text=True, timeout=timeout)

    def start(self):
        if self.fake:
            self.running = True
            return
        if shutil.which("nvidia-cuda-mps-control") is None:
            raise RuntimeError("nvidia-cuda-mps-control is not on the PATH")
        r = self.control(["-d"])
        if r.returncode != 0:
            raise RuntimeError(f"nvidia-cuda-mps-control -d failed ({r.returncode}): {r.stderr.strip()}")
        self.running = True
        time.sleep(0.5)

    def servers(self):
        if self.fake:
            return "fake"
        try:
            return self.control(stdin="get_server_list\n", timeout=10).stdout.strip()
        except Exception as e:  # noqa: BLE001
            return "failed: " + repr(e)

    def log_tail(self):
        try:
            with open(os.path.join(self.env["CUDA_MPS_LOG_DIRECTORY"], "control.log")) as f:
                return f.read()[-1500:]
        except OSError:
            return ""

    def stop(self):
        if not self.running or self.fake:
            self.running = False
            return
        try:
            self.control(stdin="quit\n", timeout=30)
        except Exception as e:  # noqa: BLE001
            log("MPS quit failed:", repr(e))
        self.running = False


# ----------------------------------------------------------------------------------------------
# Orchestration of one pair
# ----------------------------------------------------------------------------------------------

class Writer:
    def __init__(self, path):
        self.path = path
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        self.rows = []

    def write(self, row):
        self.rows.append(row)
        with open(self.path, "a") as f:
            f.write(json.dumps(row) + "\n")
            f.flush()


def hp_entry(n, ts, solo, rate, raw, warmup_s, duration_s, launch):
    e = {"tenant": n, "model": ts["model"], "batch": ts["batch"], "solo_service_ms": solo["solo_service_ms"],
         "rate_rps": round(rate, 3)}
    if raw is None:
        e.update({"p50_ms": None, "p90_ms": None, "p99_ms": None, "completed": 0, "unfinished": None, "stable": None})
        return e
    e.update(summarize_hp(raw["arrivals"], raw["done"], warmup_s, duration_s, solo["solo_service_ms"]))
    e["arrived_total"] = len(raw["arrivals"])
    e["launch"] = launch
    return e


def be_entry(n, ts, raw, warmup_s, duration_s, solo_rate):
    e = {"tenant": n, "model": ts["model"], "batch": ts["batch"], "kind": ts["kind"]}
    rate = None if raw is None else be_rate(raw["times"], raw["progress"], warmup_s, duration_s)
    e["rate_per_s"] = None if rate is None else round(rate, 4)
    e["solo_rate_per_s"] = None if solo_rate is None else round(solo_rate, 4)
    e["retained"] = None if (rate is None or not solo_rate) else round(rate / solo_rate, 4)
    e["unit"] = "iteration" if ts["kind"] == "training" else "request (prefill + decode steps, by solo time)"
    e["units_completed"] = None if raw is None else len(raw["times"])
    return e


def run_pair(pair, args, writer, deadline):
    P = PAIRS[pair]
    specs = tenant_specs()
    hps, be = P["hp"], P["be"]
    dur = P["duration_s"] * args.duration_scale
    warm = min(WARMUP_S, dur / 3)
    names = hps + [be]
    roles = {n: specs[n]["role"] for n in names}
    mechs = [m for m in args.mechanisms if m in MECHANISMS]
    base = {"roles": roles, "tenant_specs": {n: specs[n] for n in names}, "fake": args.fake,
            "fake_ms": {n: args.fake_ms.get(n, 2.0 if roles[n] == "hp" else 20.0) for n in names},
            "green_order": [(n, P["green"][n]) for n in hps], "be_tenant": be}
    modes = ["plain"] + (["priority"] if "priority" in mechs else []) + (["green"] if "green-split" in mechs else [])
    env = {}
    procs = []
    build_timeout = args.build_timeout_s

    def stop_all():
        for p in procs:
            p.stop()
        procs.clear()

    def do_run(mech, load, rep, seed, who, hp_modes, be_mode, solo, be_solo, env, split=None, extra=None,
               discard=False):
        """who: {tenant: Proc}; runs the tenants in hp_modes/be_mode together and writes the row."""
        arr = {n: poisson_arrivals(load * 1e3 / solo[n]["solo_service_ms"], dur, seed, n) for n in hp_modes}
        t0 = time.monotonic() + 0.15
        cmds = {}
        for n, m in hp_modes.items():
            cmds.setdefault(who[n].name, {"cmd": "run", "t0": t0, "duration_s": dur, "hp": {}, "be": {}})["hp"][n] = \
                {"arrivals": arr[n], "mode": m}
        if be_mode is not None:
            cmds.setdefault(who[be].name, {"cmd": "run", "t0": t0, "duration_s": dur, "hp": {}, "be": {}})["be"][be] = \
                {"mode": be_mode}
        byname = {p.name: p for p in who.values()}
        for pn, c in cmds.items():
            byname[pn].conn.send(c)
        raw = {"hp": {}, "be": {}}
        errs = []
        for pn in cmds:
            try:
                m = byname[pn].recv(dur + 90)
                if "error" in m:
                    errs.append(f"{pn}: {m['error']}")
                    continue
                raw["hp"].update(m["hp"])
                raw["be"].update(m["be"])
                if m.get("errors"):
                    errs.append(f"{pn}: {json.dumps(m['errors'])}")
            except Exception as e:  # noqa: BLE001
                errs.append(f"{pn}: {e!r}")
        launch = {}
        for p in who.values():
            launch.update((p.info or {}).get("launch", {}))
        hp = [hp_entry(n, specs[n], solo[n], load * 1e3 / solo[n]["solo_service_ms"], raw["hp"].get(n), warm, dur,
                       launch.get(n)) for n in hp_modes]
        bel = []
        if be_mode is not None:
            bel = [be_entry(be, specs[be], raw["be"].get(be), warm, dur, be_solo)]
            if mech == "alone" and bel[0]["rate_per_s"] is not None:  # alone is its own denominator
                bel[0]["solo_rate_per_s"], bel[0]["retained"] = bel[0]["rate_per_s"], 1.0
        row = make_row(pair, load, mech, rep, seed, dur, warm, env, hp, bel, "; ".join(errs)[-3000:] or None,
                       split, dict(extra or {}, date_utc=datetime.datetime.now(datetime.timezone.utc)
                                   .isoformat(timespec="seconds")))
        if not discard:
            writer.write(row)
        msg = " ".join(f"{h['tenant']} p50 {h['p50_ms']} p99 {h['p99_ms']} done {h['completed']} unf {h['unfinished']}"
                       f" {'stable' if h['stable'] else 'UNSTABLE'}" for h in hp)
        msg += " ".join(f" | {b['tenant']} {b['rate_per_s']}/s retained {b['retained']}" for b in bel)
        log(f"  {mech:12s} load {load} rep {rep}: {msg}" + (f"  ERROR {row['error'][:300]}" if row["error"] else ""))
        return row

    def err_row(mech, load, rep, seed, msg, split=None):
        writer.write(make_row(pair, load, mech, rep, seed, dur, warm, env, [], [], msg[-3000:], split))
        log(f"  {mech} load {load} rep {rep}: ERROR {msg[:300]}")

    runs_needed = len(args.loads) * args.reps
    per_run = dur + 0.6
    try:
        # ---- phase 1: one process with every tenant (alone, priority, green-split) + one process per
        # HP tenant for time slicing (the BE side of time slicing runs in the combined process)
        comb = Proc("combined", dict(base, tenants=names, modes=modes))
        procs.append(comb)
        ts_procs = {}
        if "time-slicing" in mechs:
            for n in hps:
                ts_procs[n] = Proc(f"ts-{n}", dict(base, tenants=[n], modes=["plain"]))
                procs.append(ts_procs[n])
        info = comb.wait_built(build_timeout)
        env = {"gpu": info["env"]["gpu"], "torch": info["env"]["torch"], "driver": args.driver}
        for p in ts_procs.values():
            p.wait_built(build_timeout)
        solo_m = comb.ask({"cmd": "solo"}, 120)
        solo, be_weights = solo_m["hp"], solo_m["be_weights"]
        log(f"{pair}: solo {json.dumps(solo)}; BE weights {json.dumps(be_weights)}; launch {info['launch']}")
        green = info.get("green")
        split = None if not green or "sms" not in green else green["sms"]
        be_solo = {}
        n_phase1 = sum(1 for m in mechs if m != "mps") + (len(hps) if "alone" in mechs else 0)
        for rep in range(args.first_rep, args.first_rep + args.reps):
            seed = args.seed + rep
            for load in args.loads:
                if time.time() + n_phase1 * per_run > deadline:
                    log(f"  time budget: skipping rep {rep} load {load} of phase 1")
                    continue
                everyone = {n: comb for n in names}
                if "alone" in mechs:
                    for n in hps:
                        do_run("alone", load, rep, seed, everyone, {n: "plain"}, None, solo, None, env)
                    r = do_run("alone", load, rep, seed, everyone, {}, "plain", solo, None, env)
                    be_solo[(load, rep)] = r["be"][0]["rate_per_s"] if r["be"] else None
                bs = be_solo.get((load, rep))
                if "time-slicing" in mechs:
                    who = dict(everyone, **ts_procs)
                    do_run("time-slicing", load, rep, seed, who, {n: "plain" for n in hps}, "plain", solo, bs, env,
                           extra={"processes": len(hps) + 1})
                if "priority" in mechs:
                    do_run("priority", load, rep, seed, everyone, {n: "priority" for n in hps}, "priority", solo, bs,
                           env, extra={"stream_priority": info["env"].get("priorities")})
                if "green-split" in mechs:
                    if green is None or "error" in green:
                        err_row("green-split", load, rep, seed, "green contexts unavailable: " +
                                str((green or {}).get("error")), split)
                    else:
                        do_run("green-split", load, rep, seed, everyone, {n: "green" for n in hps}, "green", solo, bs,
                               env, split=split, extra={"green_matmul_tflops": green.get("matmul_tflops"),
                                               "green_method": green.get("method")})
        stop_all()
        # ---- phase 2: MPS, one process per tenant, started after the daemon
        if "mps" in mechs:
            if time.time() + 60 + runs_needed * per_run > deadline:
                log("  time budget: skipping MPS")
                return
            mps = MPS(args.fake)
            try:
                mps.start()
                mprocs = {n: Proc(f"mps-{n}", dict(base, tenants=[n], modes=["plain"], be_weights=be_weights),
                                  env=mps.env) for n in names}
                procs.extend(mprocs.values())
                for p in mprocs.values():
                    p.wait_built(build_timeout)
                servers = mps.servers()
                log(f"  MPS servers: {servers!r}")
                # one discarded stacked run first: fresh processes under a fresh MPS server
                do_run("mps-warmup", args.loads[0], -1, args.seed, mprocs, {n: "plain" for n in hps}, "plain", solo,
                       None, env, discard=True)
                for rep in range(args.first_rep, args.first_rep + args.reps):
                    seed = args.seed + rep
                    for load in args.loads:
                        if time.time() + per_run > deadline:
                            log(f"  time budget: skipping MPS rep {rep} load {load}")
                            continue
                        do_run("mps", load, rep, seed, mprocs, {n: "plain" for n in hps}, "plain", solo,
                               be_solo.get((load, rep)), env, extra={"mps_servers": servers, "processes": len(names)})
            except Exception:  # noqa: BLE001
                msg = traceback.format_exc()[-2000:] + "\nMPS log: " + mps.log_tail()
                for rep in range(args.first_rep, args.first_rep + args.reps):
                    for load in args.loads:
                        if not any(r["mechanism"] == "mps" and r["load"] == load and r["rep"] == rep
                                   for r in writer.rows):
                            err_row("mps", load, rep, args.seed + rep, msg)
            finally:
                stop_all()
                mps.stop()
    except Exception:  # noqa: BLE001
        msg = traceback.format_exc()[-3000:]
        log(f"{pair} FAILED:\n{msg}")
        err_row("setup", args.loads[0], 0, args.seed, msg)
    finally:
        stop_all()


def nvidia_driver():
    try:
        return subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                              capture_output=True, text=True, timeout=20).stdout.strip() or None
    except Exception:  # noqa: BLE001
        return None


# ----------------------------------------------------------------------------------------------
# Self-test (no GPU, no torch)
# ----------------------------------------------------------------------------------------------

def self_test():
    fails = []

    def check(cond, what):
        print(("ok   " if cond else "FAIL ") + what)
        if not cond:
            fails.append(what)

    a1 = poisson_arrivals(100.0, 200.0, 1, "x")
    check(a1 == poisson_arrivals(100.0, 200.0, 1, "x"), "arrivals are deterministic for a seed")
    check(a1 != poisson_arrivals(100.0, 200.0, 2, "x") and a1 != poisson_arrivals(100.0, 200.0, 1, "y"),
          "arrivals differ between seeds and tenants")
    check(abs(len(a1) / 200.0 - 100.0) < 3.0, f"arrival rate {len(a1) / 200.0:.1f}/s ~ 100/s")
    gaps = [b - a for a, b in zip([0.0] + a1, a1)]
    cv = (sum((g - 0.01) ** 2 for g in gaps) / len(gaps)) ** 0.5 / 0.01
    check(abs(cv - 1.0) < 0.05, f"exponential gaps (coefficient of variation {cv:.3f} ~ 1)")
    check(all(0 <= t < 200.0 for t in a1) and a1 == sorted(a1), "arrivals sorted inside [0, duration)")
    check(percentile([1, 2, 3, 4], 50) == 2.5 and percentile([5], 99) == 5 and percentile([], 50) is None,
          "percentile interpolates like numpy")
    check(abs(percentile(list(range(101)), 99) - 99.0) < 1e-9, "p99 of 0..100 is 99")

    # FIFO queue, deterministic service 1 ms: at load 0.4 stable and p50 near the M/D/1 value;
    # at load 1.3 the queue grows and the rule says unstable
    s = 1e-3
    arr = poisson_arrivals(0.4 / s, 20.0, 7, "hp")
    done = fifo_completions(arr, [s] * len(arr))
    r = summarize_hp(arr, done, 1.0, 20.0, 1.0)
    wq = 0.4 * s / (2 * (1 - 0.4))  # M/D/1 mean wait
    check(r["stable"] and r["unfinished"] <= 1, f"load 0.4 stable ({r})")
    check(abs(r["mean_ms"] - (s + wq) * 1e3) < 0.05, f"mean latency {r['mean_ms']} ms ~ M/D/1 {(s + wq) * 1e3:.3f} ms")
    arr = poisson_arrivals(1.3 / s, 5.0, 7, "hp")
    done = fifo_completions(arr, [s] * len(arr))
    done = [c if c <= 5.0 else None for c in done]
    r = summarize_hp(arr, done, 1.0, 5.0, 1.0)
    check(not r["stable"] and r["unfinished"] > 100, f"load 1.3 unstable ({r['unfinished']} unfinished)")
    # accounting on hand-made data: warm-up arrivals ignored; one unfinished, one done after the end
    r = summarize_hp([0.5, 1.5, 2.0, 2.5, 3.9], [0.6, 1.6, 2.2, None, 4.1], 1.0, 4.0, 1.0)
    check(r["completed"] == 2 and r["unfinished"] == 2 and abs(r["p50_ms"] - 150.0) < 1e-9,
          f"window accounting ({r})")
    # a queue that grows without many unfinished: latency growth makes it unstable
    arr = [1.0 + 0.01 * i for i in range(300)]
    lat = [0.002 + 0.0002 * i for i in range(300)]
    r = summarize_hp(arr, [a + l for a, l in zip(arr, lat)], 1.0, 4.1, 1.0)
    check(not r["stable"] and r["latency_growth"] > MAX_LATENCY_GROWTH, f"growing latency unstable ({r['latency_growth']})")
    # latency that drifts from 1 to 5 service times (interference, no queue) stays stable
    lat = [0.001 + 0.004 * i / 300 for i in range(300)]
    r = summarize_hp(arr, [a + l for a, l in zip(arr, lat)], 1.0, 4.1, 1.0)
    check(r["stable"] and r["latency_growth"] > MAX_LATENCY_GROWTH, f"drift without a queue stable ({r})")

    t = [0.5 + 0.1 * i for i in range(40)]
    check(abs(be_rate(t, list(range(1, 41)), 1.0, 4.0) - 10.0) < 1e-9, "BE rate 10/s from completions")
    check(be_rate([0.5, 3.0], [1, 2], 1.0, 4.0) is None, "BE rate needs 2 completions in the window")

    row = make_row("resnet50+mobilenetv2", 0.2, "green-split", 0, 1, 3.5, 1.0,
                   {"gpu": "NVIDIA H200", "driver": "580", "torch": "2.11.0+cu130"}, [], [], None,
                   {"resnet50": 64, "mobilenetv2": 68})
    keys = ["pair", "load", "mechanism", "rep", "seed", "duration_s", "warmup_s", "gpu", "driver", "torch",
            "split_sms", "hp", "be", "error"]
    check(list(json.loads(json.dumps(row)).keys()) == keys, "row keys in the contract's order")

    # orchestration end to end with sleeping tenants (processes, pipes, threads, rows)
    out = tempfile.mkdtemp(prefix="lithosj-harness-selftest-")
    try:
        args = argparse.Namespace(fake=True, fake_ms={"resnet50": 4.0, "mobilenetv2": 25.0}, duration_scale=0.5,
                                  mechanisms=["alone", "time-slicing", "mps", "priority", "green-split"],
                                  loads=[0.3], reps=1, first_rep=0, seed=1, driver="fake", build_timeout_s=60)
        w = Writer(os.path.join(out, "x.jsonl"))
        run_pair("resnet50+mobilenetv2", args, w, time.time() + 120)
        rows = [json.loads(l) for l in open(w.path)]
        mech = sorted({r["mechanism"] for r in rows})
        check(mech == sorted(MECHANISMS), f"fake run wrote every mechanism ({mech})")
        check(all(r["error"] is None for r in rows), "fake run without errors: " +
              "; ".join(str(r["error"])[:200] for r in rows if r["error"]))
        alone_hp = next(r for r in rows if r["mechanism"] == "alone" and r["hp"])
        h = alone_hp["hp"][0]
        check(h["solo_service_ms"] >= 4.0 and h["completed"] > 20 and h["stable"] and h["p50_ms"] >= 4.0,
              f"fake alone HP served ({h})")
        ts = next(r for r in rows if r["mechanism"] == "time-slicing")
        b = ts["be"][0]
        check(b["retained"] is not None and 0.8 < b["retained"] < 1.2,
              f"fake BE keeps its rate beside a sleeping HP ({b})")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    print("self-test:", "PASSED" if not fails else f"{len(fails)} FAILED")
    return 0 if not fails else 1


# ----------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--self-test", action="store_true", help="check the pure parts and a fake run; no GPU")
    ap.add_argument("--out", default="results/validation/real")
    ap.add_argument("--pairs", default=",".join(PAIRS))
    ap.add_argument("--loads", default="0.2,0.4")
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1, help="seed of repetition 0; repetition k uses seed + k")
    ap.add_argument("--first-rep", type=int, default=0, help="run repetitions first-rep .. first-rep + reps - 1")
    ap.add_argument("--mechanisms", default=",".join(MECHANISMS))
    ap.add_argument("--duration-scale", type=float, default=1.0, help="multiplies each pair's run length")
    ap.add_argument("--budget-s", type=float, default=1e9, help="wall-clock budget: later runs are skipped")
    ap.add_argument("--build-timeout-s", type=float, default=180)
    ap.add_argument("--fake", action="store_true", help="sleeping tenants instead of models (no GPU)")
    args = ap.parse_args()
    if args.self_test:
        sys.exit(self_test())
    args.loads = [float(x) for x in args.loads.split(",") if x]
    args.mechanisms = [m for m in args.mechanisms.split(",") if m]
    bad = [m for m in args.mechanisms if m not in MECHANISMS]
    if bad:
        ap.error(f"--mechanisms: unknown {bad}; known {MECHANISMS}")
    pairs = [p for p in args.pairs.split(",") if p]
    bad = [p for p in pairs if p not in PAIRS]
    if bad:
        ap.error(f"--pairs: unknown {bad}; known {list(PAIRS)}")
    args.fake_ms = {}
    args.driver = "fake" if args.fake else nvidia_driver()
    deadline = T_START + args.budget_s
    log(f"pairs {pairs} loads {args.loads} reps {args.reps} mechanisms {args.mechanisms} driver {args.driver}")
    for pair in pairs:
        if time.time() + 60 > deadline:
            log(f"time budget: skipping {pair}")
            continue
        t = time.time()
        log(f"== {pair}")
        run_pair(pair, args, Writer(os.path.join(args.out, pair.replace("+", "_") + ".jsonl")), deadline)
        log(f"== {pair} took {time.time() - t:.0f}s")


if __name__ == "__main__":
    main()
