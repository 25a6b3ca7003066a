#!/usr/bin/env python3
"""Probe of time slicing between two processes without MPS: the slice length and the switch cost.

Each process (no MPS: its own context) launches one kernel of one thread that spins for duration_s
reading the GPU's global nanosecond timer (%globaltimer, one clock for every context of the GPU)
and records every jump larger than gap_us: a time the kernel was not running. Run alone first (no
jumps expected beyond timer noise), then two processes together. On the common timeline, each
process's running segments alternate; slice = length of a whole running segment (first and last
cut off), switch cost = idle time between the end of one process's segment and the start of the
other's.

  python3 validation/timeslice_probe.py --out $OUT/timeslice_probe.json   (needs cupy and a GPU)
"""
import argparse
import json
import os
import subprocess
import sys
import time

SRC = r"""
extern "C" __global__ void spin(unsigned long long* out, int cap, unsigned long long dur_ns,
                                unsigned long long gap_ns) {
    unsigned long long t0, prev, t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t0));
    prev = t0;
    int n = 0;
    while (true) {
        asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
        if (t - prev > gap_ns && n < cap) { out[3 + 2 * n] = prev; out[4 + 2 * n] = t; n++; }
        prev = t;
        if (t - t0 > dur_ns) break;
    }
    out[0] = n; out[1] = t0; out[2] = t;
}
"""


def child(args):
    import cupy as cp
    k = cp.RawKernel(SRC, "spin")
    cap = 200000
    buf = cp.zeros(3 + 2 * cap, dtype=cp.uint64)
    k((1,), (1,), (buf, cp.int32(cap), cp.uint64(10_000_000), cp.uint64(int(args.gap_us * 1e3))))  # load, warm
    cp.cuda.runtime.deviceSynchronize()
    while time.monotonic() < args.start:
        time.sleep(1e-4)
    k((1,), (1,), (buf, cp.int32(cap), cp.uint64(int(args.dur_s * 1e9)), cp.uint64(int(args.gap_us * 1e3))))
    cp.cuda.runtime.deviceSynchronize()
    h = buf.get()
    n = int(h[0])
    json.dump({"start_ns": int(h[1]), "end_ns": int(h[2]), "gaps": [[int(h[3 + 2 * i]), int(h[4 + 2 * i])] for i in range(n)],
               "truncated": n >= cap}, open(args.child_out, "w"))


def segments(rec):
    """Running segments [begin, end] of one process from its start, end and gaps."""
    segs, cur = [], rec["start_ns"]
    for a, b in rec["gaps"]:
        segs.append((cur, a))
        cur = b
    segs.append((cur, rec["end_ns"]))
    return segs


def med(xs):
    s = sorted(xs)
    return None if not s else s[len(s) // 2]


def pct(xs, q):
    s = sorted(xs)
    return None if not s else s[min(len(s) - 1, int(q / 100 * len(s)))]


def analyse(recs):
    segs = [[(b, e, i) for b, e in segments(r)] for i, r in enumerate(recs)]
    slices = [(e - b) / 1e3 for s in segs for b, e, _ in s[1:-1]]
    allseg = sorted(x for s in segs for x in s)
    switch, overlap = [], 0
    for (b0, e0, i0), (b1, e1, i1) in zip(allseg, allseg[1:]):
        if i0 != i1:
            if b1 >= e0:
                switch.append((b1 - e0) / 1e3)
            else:
                overlap += 1
    r = lambda x: None if x is None else round(x, 2)  # noqa: E731
    return {"slices": len(slices), "slice_us_median": r(med(slices)), "slice_us_p10": r(pct(slices, 10)),
            "slice_us_p90": r(pct(slices, 90)), "switches": len(switch), "switch_us_median": r(med(switch)),
            "switch_us_p10": r(pct(switch, 10)), "switch_us_p90": r(pct(switch, 90)),
            "overlapping_segments": overlap,
            "gaps_per_process": [len(x["gaps"]) for x in recs],
            "first_segments_us": [[[round((b - allseg[0][0]) / 1e3, 1), round((e - allseg[0][0]) / 1e3, 1), i]
                                   for b, e, i in allseg[:40]]]}


def run(n, args):
    start = time.monotonic() + 6.0  # children need a few seconds to import cupy and compile
    outs, procs = [], []
    for i in range(n):
        o = f"/tmp/lithosj_ts_probe_{i}.json"
        outs.append(o)
        procs.append(subprocess.Popen([sys.executable, __file__, "--child", "--start", str(start), "--dur-s",
                                       str(args.dur_s), "--gap-us", str(args.gap_us), "--child-out", o]))
    for p in procs:
        if p.wait(timeout=120) != 0:
            raise RuntimeError(f"probe child exited with {p.returncode}")
    return [json.load(open(o)) for o in outs]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="timeslice_probe.json")
    ap.add_argument("--dur-s", type=float, default=1.5)
    ap.add_argument("--gap-us", type=float, default=5.0, help="a timer jump above this is a time not running")
    ap.add_argument("--child", action="store_true")
    ap.add_argument("--start", type=float)
    ap.add_argument("--child-out")
    args = ap.parse_args()
    if args.child:
        child(args)
        return
    res = {"method": __doc__.split("\n\n")[1].replace("\n", " "), "dur_s": args.dur_s, "gap_us": args.gap_us,
           "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    try:
        res["nvidia_smi"] = subprocess.run("nvidia-smi --query-gpu=name,driver_version,compute_mode --format=csv,noheader",
                                           shell=True, capture_output=True, text=True, timeout=20).stdout.strip()
        res["compute_policy"] = subprocess.run("nvidia-smi compute-policy -l", shell=True, capture_output=True,
                                               text=True, timeout=20).stdout.strip()[-800:]
    except Exception as e:  # noqa: BLE001
        res["nvidia_smi"] = repr(e)
    for n in (1, 2):
        try:
            recs = run(n, args)
            res[f"processes_{n}"] = analyse(recs)
        except Exception as e:  # noqa: BLE001
            res[f"processes_{n}"] = {"error": repr(e)[:1000]}
        print(json.dumps({k: v for k, v in res.get(f"processes_{n}", {}).items() if k != "first_segments_us"}),
              flush=True)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    json.dump(res, open(args.out, "w"), indent=1)


if __name__ == "__main__":
    main()
