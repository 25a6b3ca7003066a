"""Gap between consecutive kernels of one stream when the second was already queued, from the H100
Chrome traces in datasets/traces/raw (eager PyTorch under torch.profiler).

A kernel counts as queued when its launch call (cuda_runtime/cuda_driver event with the same
correlation id) ended at least 5 us before the previous kernel on its stream ended; its gap is
its start minus that kernel's end. Prints per trace and pooled medians.
Run from the repository root: python3 datasets/launch/stream_gaps.py
"""
import glob
import gzip
import json
import statistics as st

pooled = []
for f in sorted(glob.glob("datasets/traces/raw/*.trace.json.gz")):
    with gzip.open(f, "rt") as fh:
        ev = json.load(fh)["traceEvents"]
    gpu = sorted((e for e in ev if e.get("cat") in ("kernel", "gpu_memcpy", "gpu_memset")), key=lambda e: e["ts"])
    calls = {e["args"]["correlation"]: e for e in ev
             if e.get("cat") in ("cuda_runtime", "cuda_driver") and "correlation" in e.get("args", {})}
    streams = {}
    for e in gpu:
        streams.setdefault(e["args"].get("stream"), []).append(e)
    main = max(streams.values(), key=len)
    gaps = []
    for prev, e in zip(main, main[1:]):
        call = calls.get(e["args"]["correlation"])
        prev_end = prev["ts"] + prev["dur"]
        if call is not None and call["ts"] + call["dur"] < prev_end - 5:
            gaps.append(e["ts"] - prev_end)
    pooled += gaps
    print(f"{f.split('/')[-1][:-14]:28s} kernels {len(main):6d} queued {len(gaps):6d} gap median {st.median(gaps):.2f} us")
print(f"pooled: {len(pooled)} queued kernels, gap median {st.median(pooled):.3f} us")
