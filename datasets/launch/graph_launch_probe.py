"""CUDA graph launch latency without the profiler (H200, 2026-12-02): per graph of n tiny kernels,
the median time from a CUDA event recorded just before g.replay() to one recorded after it on an
idle GPU (alone_us), and per replay when 20 replays are queued behind a sleep kernel
(queued_per_replay_us). alone - queued = the launch latency a request pays once.
Run on the GPU host: python3 datasets/launch/graph_launch_probe.py
"""
import torch,time,statistics as st,json
ys=[torch.zeros(1,device='cuda') for _ in range(8)]
def ch(n):
    for i in range(n): ys[i%8].add_(1.0)
ch(10);torch.cuda.synchronize()
r={}
for n in (1,10,100,300,1000):
    s=torch.cuda.Stream();s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s): ch(3)
    torch.cuda.current_stream().wait_stream(s);torch.cuda.synchronize()
    g=torch.cuda.CUDAGraph()
    with torch.cuda.graph(g): ch(n)
    for _ in range(5): g.replay()
    torch.cuda.synchronize()
    a,b=torch.cuda.Event(enable_timing=True),torch.cuda.Event(enable_timing=True)
    one=[]
    for _ in range(50):
        torch.cuda.synchronize();a.record();g.replay();b.record();b.synchronize();one.append(a.elapsed_time(b)*1e3)
    torch.cuda.synchronize();torch.cuda._sleep(100_000_000);a.record()
    for _ in range(20): g.replay()
    b.record();b.synchronize();q=a.elapsed_time(b)*1e3/20
    r[n]={'alone_us':st.median(one),'queued_per_replay_us':q}
print(json.dumps(r))
