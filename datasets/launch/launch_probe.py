"""Launch costs of the two ways frameworks hand kernels to a GPU (issue 13 item 2, issue 14 item 4).

Measures on the GPU it runs on, with small kernels whose own time is known from the profiler:
- eager: host time per PyTorch op launch in a loop (no synchronisation), the host-bound rate;
- stream gap: the GPU's gap between consecutive kernels of one stream when they were queued
  (host far ahead: a sleep kernel first), kernel start minus previous kernel end;
- graph gap: the same gap between the kernels of a CUDA graph replay;
- graph launch: host time of one cudaGraphLaunch (g.replay()) and its call start to first kernel,
  for graphs of 1, 100 and 1000 kernels.
Output: one JSON object (stdout and $OUT/launch_costs.json).
"""
import json, os, statistics as st, sys, time
import torch
from torch.profiler import profile, ProfilerActivity

dev = torch.device("cuda")
x = torch.zeros(1, device=dev)
ys = [torch.zeros(1, device=dev) for _ in range(8)]


def op_chain(n):
    for i in range(n):
        ys[i % 8].add_(1.0)


def kernels_of(prof):
    evs = [e for e in prof.events() if e.device_type == torch.autograd.DeviceType.CUDA]
    return sorted(((e.time_range.start, e.time_range.end) for e in evs), key=lambda t: t[0])


def gaps(ks):
    return [ks[i][0] - ks[i - 1][1] for i in range(1, len(ks))]


def med(v):
    return st.median(v) if v else float("nan")


out = {"gpu": torch.cuda.get_device_name(), "torch": torch.__version__, "cuda": torch.version.cuda}
op_chain(100)
torch.cuda.synchronize()

# 1. eager host time per op launch (host-bound: each add_ kernel takes ~2 us on the GPU)
per = []
for _ in range(5):
    torch.cuda.synchronize()
    t = time.perf_counter()
    op_chain(2000)
    per.append((time.perf_counter() - t) / 2000 * 1e6)
    torch.cuda.synchronize()
out["eager_host_us_per_op_median"] = med(per)

# 2. stream gap of queued kernels: a sleep kernel holds the stream while the host queues 500 ops
with profile(activities=[ProfilerActivity.CUDA]) as p:
    torch.cuda._sleep(50_000_000)
    op_chain(500)
    torch.cuda.synchronize()
ks = kernels_of(p)[1:]
g = gaps(ks)
out["stream_queued_gap_us_median"] = med(g)
out["stream_queued_gap_us_p10_p90"] = [sorted(g)[len(g) // 10], sorted(g)[9 * len(g) // 10]]
out["op_kernel_us_median"] = med([e - s for s, e in ks])

# 3. graph replays: kernel gap, host launch cost, call to first kernel
res = {}
for n in (1, 100, 1000):
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        op_chain(3)
    torch.cuda.current_stream().wait_stream(s)
    torch.cuda.synchronize()
    gr = torch.cuda.CUDAGraph()
    with torch.cuda.graph(gr):
        op_chain(n)
    for _ in range(10):
        gr.replay()
    torch.cuda.synchronize()
    host = []
    for _ in range(200):
        torch.cuda.synchronize()
        t = time.perf_counter()
        gr.replay()
        host.append((time.perf_counter() - t) * 1e6)
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as p:
        for _ in range(5):
            torch.cuda.synchronize()
            gr.replay()
            torch.cuda.synchronize()
    calls = sorted(e.time_range.start for e in p.events()
                   if e.device_type == torch.autograd.DeviceType.CPU and "GraphLaunch" in e.name)
    ks = kernels_of(p)
    first = []
    for c in calls:
        after = [k for k in ks if k[0] >= c]
        if after:
            first.append(after[0][0] - c)
    gg = []
    for i in range(5):
        gg += gaps(ks[i * n:(i + 1) * n])
    res[n] = {"host_replay_us_median": med(host), "call_to_first_kernel_us_median": med(first),
              "kernel_gap_us_median": med(gg), "kernels_seen": len(ks), "launch_calls_seen": len(calls)}
out["graph"] = res
print(json.dumps(out, indent=1))
if os.environ.get("OUT"):
    with open(os.path.join(os.environ["OUT"], "launch_costs.json"), "w") as f:
        json.dump(out, f, indent=1)
