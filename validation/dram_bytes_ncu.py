#!/usr/bin/env python3
"""Per-kernel DRAM bytes of the validation workloads, measured with Nsight Compute (issue 14, item 4).

Why: lithos-core fits a trace kernel's DRAM bytes from its SM scaling (workload.trace.ScalingFit), and
every flattening of the scaling curve reads as bandwidth. The fitted training jobs then stream DRAM at
~90% of peak, which no GEMM-bound job does (docs/validation.md, item 6). This probe measures the bytes.
PyTorch's own CUPTI range profiler gives nothing on the GPU host (dram_probe.py); ncu reads the counters
there (the device notes: Firecracker machines, `--clock-control none`).

How: one child process per workload group (the models of datasets/collect_traces.py at the paper's
shapes, built exactly as for the traces), under
  ncu --profile-from-start off --clock-control none --cache-control none
      --metrics dram__bytes_read.sum,dram__bytes_write.sum,gpu__time_duration.sum --csv --page raw
The child warms the step up (same warm-up as the traces), then profiles ONE request/iteration between
cudaProfilerStart/Stop. A marker kernel (torch.cuda._sleep) opens every profiled range, so the CSV is
split per workload by it. `--cache-control none` keeps L2 as the sequence leaves it (a flushed L2 would
count every weight as a DRAM read); `--clock-control none` leaves the clocks alone. ncu serializes
kernels, so gpu__time_duration is a kernel alone, like the trace's dur_us.

A check kernel of known traffic comes first: an out-of-place fp32 add over 2^28 elements
(reads 2 GiB, writes 1 GiB; far larger than L2).

Output (--out DIR): <id>.dram.csv (seq, name, grid, dram_read_bytes, dram_write_bytes, gpu_time_ns),
ncu-<group>.csv (ncu's raw CSV), probe.json (environment, per-workload totals, errors).
Copied (gzipped) into datasets/traces/raw-h200/, lithos-core's TraceDatasetBuilder pairs them with the trace kernels
(workload.trace.DramMeasurements) and the traces carry them as dram_bytes.

  python3 validation/dram_bytes_ncu.py --out $OUT/dram --budget-s 500 [--groups check,bert-large-train,...]
"""
import argparse
import csv
import io
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DATASETS = os.path.join(HERE, "..", "datasets")
METRICS = ("dram__bytes_read.sum", "dram__bytes_write.sum", "gpu__time_duration.sum")
MARK = "lithosj_marker"
# group -> trace ids of its workloads, in the order collect_traces builds them
GROUPS = {
    "check": ["check-add-fp32-1gib"],
    "bert-large-train": ["training-bert-large-b20"],
    "bert-large-inf": ["inference-bert-large-b1"],
    "mobilenetv2-train": ["training-mobilenetv2-b216"],
    "dlrm-train": ["training-dlrm-b32768"],
    "resnet50-inf": ["inference-resnet50-b1"],
    "retinanet-inf": ["inference-retinanet-b1"],
    "gptj": ["inference-gptj-6b-prefill-p1024", "inference-gptj-6b-decode-b1"],
    # not in the validation set; the paper experiments use them
    "llama3-8b": ["inference-llama3-8b-prefill-p1024", "inference-llama3-8b-decode-b1"],
    "resnet50-train": ["training-resnet50-b184"],
    "vgg19-train": ["training-vgg19-b120"],
    "llama3-8b-lora-train": ["training-llama3-8b-lora-b4"],
}
T0 = time.time()


def log(*a):
    print(f"[{time.time() - T0:7.1f}s]", *a, flush=True)


# ---------------------------------------------------------------------------------------------
# Child: build the group's workloads, profile one step of each
# ---------------------------------------------------------------------------------------------

def child(group, warmup):
    sys.path.insert(0, DATASETS)
    import torch
    # as collect_traces.py's main sets them: fp32 GEMMs take TF32 kernels (other kernels, other bytes)
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    if group == "check":
        a = torch.randn(1 << 28, device="cuda")
        b = torch.randn(1 << 28, device="cuda")
        steps = [("check-add-fp32-1gib", lambda: torch.add(a, b))]
    else:
        import collect_traces as ct
        ids = GROUPS[group]
        g = next(g for g in ct.GROUPS if g["ids"] == ids or ids[0] in g["ids"])
        torch.manual_seed(0)
        built = g["build"]()
        steps = [(g["ids"][i], step) for i, (_, step, _meta) in enumerate(built)]
    cudart = torch.cuda.cudart()
    for wid, step in steps:
        for _ in range(warmup):
            step()
        torch.cuda.synchronize()
        cudart.cudaProfilerStart()
        torch.cuda._sleep(1000)  # the marker: opens this workload's kernels in the CSV
        step()
        torch.cuda.synchronize()
        cudart.cudaProfilerStop()
        print(f"profiled {wid}", flush=True)


# ---------------------------------------------------------------------------------------------
# Parent: run ncu per group, split and write per-workload CSVs
# ---------------------------------------------------------------------------------------------

def parse_raw_csv(text):
    """ncu --csv --page raw: a header row, a units row, then one row per kernel. Lines before the header
    (ncu's own ==PROF== lines, the program's output) are skipped."""
    lines = text.splitlines()
    start = next((i for i, l in enumerate(lines) if l.startswith('"ID"')), None)
    if start is None:
        return []
    rows = list(csv.reader(io.StringIO("\n".join(lines[start:]))))
    head, body = rows[0], rows[2:]
    out = []
    for r in body:
        if len(r) != len(head):
            continue
        out.append(dict(zip(head, r)))
    return out


def num(v):
    try:
        return float(v.replace(",", ""))
    except (ValueError, AttributeError):
        return float("nan")


def split_by_marker(rows):
    """Kernels after each marker kernel, one list per profiled range."""
    parts = []
    for r in rows:
        name = r.get("Kernel Name", "")
        if ("spin_kernel" in name or "sleep" in name) and r.get("Grid Size", "").replace(" ", "") in ("(1,1,1)", "1,1,1"):
            parts.append([])
        elif parts:
            parts[-1].append(r)
    return parts


def write_workload(path, kernels):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["seq", "name", "grid", "block", "dram_read_bytes", "dram_write_bytes", "gpu_time_ns"])
        for i, r in enumerate(kernels):
            w.writerow([i, r.get("Kernel Name", ""), r.get("Grid Size", ""), r.get("Block Size", ""),
                        int(num(r[METRICS[0]])), int(num(r[METRICS[1]])), int(num(r[METRICS[2]]))])


def totals(kernels):
    rd = sum(num(r[METRICS[0]]) for r in kernels)
    wr = sum(num(r[METRICS[1]]) for r in kernels)
    ns = sum(num(r[METRICS[2]]) for r in kernels)
    return {"kernels": len(kernels), "dram_read_gib": rd / 2 ** 30, "dram_write_gib": wr / 2 ** 30,
            "kernel_time_ms": ns / 1e6, "avg_gbps_over_kernel_time": (rd + wr) / ns if ns > 0 else None}


def parent(args):
    os.makedirs(args.out, exist_ok=True)
    ncu = args.ncu
    env = {}
    for cmd in ([ncu, "--version"], ["nvidia-smi", "--query-gpu=name,driver_version,clocks.sm,clocks.max.sm",
                                     "--format=csv,noheader"]):
        try:
            env[cmd[0]] = subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
        except Exception as e:  # noqa: BLE001
            env[cmd[0]] = repr(e)
    rec = {"env": env, "metrics": METRICS, "ncu_flags": None, "workloads": {}, "errors": {}}
    deadline = T0 + args.budget_s
    groups = args.groups.split(",")
    for gi, group in enumerate(groups):
        left = deadline - time.time()
        if left < 20:
            rec["errors"][group] = "time budget"
            continue
        flags = ["--profile-from-start", "off", "--clock-control", "none", "--cache-control", "none",
                 "--metrics", ",".join(METRICS), "--csv", "--page", "raw", "--print-units", "base",
                 "--print-kernel-base", "demangled", "--log-file", os.path.join(args.out, f"ncu-{group}.csv")]
        rec["ncu_flags"] = flags[:-1] + ["ncu-<group>.csv"]
        cmd = [ncu] + flags + [sys.executable, os.path.abspath(__file__), "--child", group,
                               "--warmup", str(args.warmup)]
        log(f"== {group} (at most {left:.0f}s)")
        t = time.time()
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=left)
            with open(os.path.join(args.out, f"log-{group}.txt"), "w") as f:
                f.write(p.stdout[-20000:] + "\n--- stderr ---\n" + p.stderr[-20000:])
            if p.returncode != 0:
                rec["errors"][group] = f"rc={p.returncode}: {p.stderr[-600:]}"
        except subprocess.TimeoutExpired:
            rec["errors"][group] = f"timeout after {left:.0f}s"
            continue
        try:
            with open(os.path.join(args.out, f"ncu-{group}.csv")) as f:
                rows = parse_raw_csv(f.read())
        except OSError as e:
            rec["errors"][group] = f"no ncu CSV: {e}"
            continue
        parts = split_by_marker(rows)
        for wid, kernels in zip(GROUPS[group], parts):
            write_workload(os.path.join(args.out, f"{wid}.dram.csv"), kernels)
            rec["workloads"][wid] = dict(totals(kernels), seconds=round(time.time() - t, 1))
            log(f"  {wid}: {json.dumps(rec['workloads'][wid])}")
        if len(parts) != len(GROUPS[group]):
            rec["errors"][group] = f"{len(parts)} marked ranges for {len(GROUPS[group])} workloads ({len(rows)} rows)"
        with open(os.path.join(args.out, "probe.json"), "w") as f:
            json.dump(rec, f, indent=1)
    with open(os.path.join(args.out, "probe.json"), "w") as f:
        json.dump(rec, f, indent=1)
    log("done", json.dumps(rec["errors"]))


def self_test():
    raw = ('==PROF== Connected\n"ID","Process ID","Kernel Name","Grid Size","Block Size",'
           '"dram__bytes_read.sum","dram__bytes_write.sum","gpu__time_duration.sum"\n'
           '"","","","","","byte","byte","ns"\n'
           '"0","1","void at::native::(anonymous namespace)::sleep(long)","(1, 1, 1)","(1, 1, 1)","0","0","1000"\n'
           '"1","1","k1","(4, 1, 1)","(128, 1, 1)","1,024","512","2000"\n'
           '"2","1","void at::native::(anonymous namespace)::sleep(long)","(1, 1, 1)","(1, 1, 1)","0","0","1000"\n'
           '"3","1","k2","(8, 1, 1)","(256, 1, 1)","2048","0","4000"\n')
    parts = split_by_marker(parse_raw_csv(raw))
    assert [len(p) for p in parts] == [1, 1], parts
    t = totals(parts[0])
    assert t["kernels"] == 1 and abs(t["avg_gbps_over_kernel_time"] - 1536 / 2000) < 1e-12, t
    print("self-test ok")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out")
    ap.add_argument("--groups", default=",".join(GROUPS))
    ap.add_argument("--budget-s", type=float, default=480)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--ncu", default="ncu")
    ap.add_argument("--child")
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args()
    if a.self_test:
        self_test()
    elif a.child:
        child(a.child, a.warmup)
    else:
        if not a.out:
            ap.error("--out is required")
        parent(a)


if __name__ == "__main__":
    main()
