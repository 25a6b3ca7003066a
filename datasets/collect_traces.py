#!/usr/bin/env python3
"""Kernel traces of the LithOS paper's models, measured on one NVIDIA GPU.

For every model (random weights, built from configs only: nothing is downloaded):
  1. build it on the GPU, warm it up, time one request/iteration with CUDA events;
  2. profile 1 warm-up + N requests/iterations on the whole GPU with torch.profiler (CPU + CUDA)
     and keep the Chrome trace, filtered to kernels, memcpy/memset, their launch calls and the
     user annotations (ProfilerStep#k and one record_function range per request/iteration);
  3. run the same request/iteration again inside CUDA green contexts of several SM counts (and once
     more on the whole GPU), profiling CUDA activity only, and record every kernel's duration by its
     position in the sequence (iterations are separated by a marker kernel, torch.cuda._sleep).

Files written to --work (and packed into --out after every model, in parts of at most 15 MiB):
  <id>.trace.json.gz   filtered Chrome trace of step 2 (io.lithosj.workload.trace.ChromeTraceImporter reads it)
  <id>.scaling.tsv.gz  sms, context, iteration, order, dur_ns, stream, name   (step 3)
  manifest.json        environment, green-context API and calibration probe, per-model parameters,
                       what was reduced and why, errors

Usage (on the GPU host):  PYTHONUNBUFFERED=1 python3 collect_traces.py --work /tmp/lt --out $OUT
"""
import argparse
import contextlib
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
import time
import traceback

T0 = time.time()
# cuDNN writes its warnings and errors here (the variable is read when cuDNN loads): when an engine
# fails inside a green context, the log names it.
os.environ.setdefault("CUDNN_LOGLEVEL_DBG", "2")
os.environ.setdefault("CUDNN_LOGDEST_DBG", "/tmp/lithosj_cudnn.log")


def log(*a):
    print(f"[{time.time() - T0:7.1f}s]", *a, flush=True)


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
# Contexts: the whole GPU, or a CUDA green context of n SMs
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
    """Runs a function on the whole GPU (primary context) or on the SMs of one green context."""

    def __init__(self, total_sms, sms=None, gcls=None):
        self.requested = sms if sms is not None else total_sms
        self.sms = self.requested
        self.ctx = None
        self.stream = None
        self.mode = "primary"
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
        return "primary" if self.mode == "primary" else "green"

    def run(self, fn):
        torch.cuda.synchronize()
        if self.mode == "primary":
            fn()
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

    ctx.run(body)
    del a, b, x, y
    return res


# ----------------------------------------------------------------------------------------------
# Profiling helpers
# ----------------------------------------------------------------------------------------------

def is_memop(name):
    return name.startswith("Memcpy") or name.startswith("Memset")


def gpu_events(prof):
    """(start_ns, dur_ns, stream, name) of every GPU activity, in start order."""
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


def kernel_runs(step, ctx, iters):
    """Kernels of `iters` consecutive runs of step inside ctx: list (per iteration) of event lists."""
    if MARK["name"] is not None:
        def body():
            for _ in range(iters):
                torch.cuda._sleep(MARK_CYCLES)
                step()
        with profile(activities=[ProfilerActivity.CUDA]) as p:
            ctx.run(body)
        evs = gpu_events(p)
        cut = [i for i, e in enumerate(evs) if e[3] == MARK["name"]]
        if len(cut) == iters:
            cut.append(len(evs))
            return [[e for e in evs[cut[k] + 1:cut[k + 1]] if not is_memop(e[3])] for k in range(iters)]
        log(f"  marker split failed ({len(cut)} markers for {iters} iterations); profiling one by one")
    runs = []
    for _ in range(iters):
        with profile(activities=[ProfilerActivity.CUDA]) as p:
            ctx.run(step)
        runs.append([e for e in gpu_events(p) if not is_memop(e[3])])
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


def one(kind, name, fn, *args, variants=None):
    def build(**kw):
        step, meta = fn(*args, **kw)
        return [(None, step, meta)]
    g = {"ids": [f"{kind}-{name}"], "kind": kind, "name": name, "build": build}
    if variants:
        g["variants"] = variants
    return g


def llm_group(family, prefill_len=1024, decode_batch=8, context_len=1024):
    def build():
        return llm_inference(family, prefill_len, decode_batch, context_len)
    return {"ids": [f"inference-{family}-prefill", f"inference-{family}-decode"], "kind": "inference",
            "name": family, "build": build}


GROUPS = [
    one("inference", "resnet50", cnn_inference, "resnet50", 32),
    one("inference", "bert-large", bert_inference, 8, 384),
    one("inference", "retinanet", retinanet_inference, 8, 800),
    one("training", "mobilenetv2", cnn_training, "mobilenet_v2", 64, variants=CNN_TRAIN_VARIANTS),
    one("training", "resnet50", cnn_training, "resnet50", 64, variants=CNN_TRAIN_VARIANTS),
    one("training", "vgg19", cnn_training, "vgg19", 64, variants=CNN_TRAIN_VARIANTS),
    one("training", "dlrm", dlrm_training, 2048),
    one("training", "bert-large", bert_training, 8, 384),
    llm_group("llama3-8b"),
    one("training", "llama3-8b-lora", llama_lora_training, 1, 2048),
    llm_group("gptj-6b"),
]


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
    it_ms = time_iteration_ms(step)
    rec["iteration_ms_events"] = round(it_ms, 3)
    log(f"  {wid}: {it_ms:.2f} ms per {'request' if kind == 'inference' else 'iteration'}")
    t = time.time()
    if args.partial:
        rec["partial"] = args.partial
    else:
        rec["chrome"] = chrome_profile(wid, kind, step, args.active, args.work)
    if not args.partial:
        log(f"  chrome trace: {rec['chrome']['kernels']} kernels, {rec['chrome']['kernel_us'] / 1e3:.2f} ms kernel time "
        f"over {args.active} steps ({time.time() - t:.1f}s)")
    iters = 3 if it_ms < 50 else 2
    rows, per_ctx, base_names = [], {}, None
    for ctx in ctxs:
        key = f"{ctx.label}{ctx.sms}"
        est_s = it_ms * 1e-3 * (total_sms / max(1, ctx.sms)) * (iters + 1) * 2.0 + 1.5
        if time.time() + est_s > until:
            per_ctx[key] = {"skipped": f"time budget (estimated {est_s:.1f}s)"}
            log(f"  skip {key}: estimated {est_s:.1f}s exceeds the budget")
            continue
        t = time.time()
        try:
            ctx.run(step)  # warm-up on this context's stream (allocator pool, library workspaces)
            runs = kernel_runs(step, ctx, iters)
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
    suffix = ".scaling.tsv.gz" if not args.partial else f".scaling-{args.partial}.tsv.gz"
    with gzip.open(os.path.join(args.work, wid + suffix), "wt", compresslevel=9) as f:
        f.write("sms\tcontext\titeration\torder\tdur_ns\tstream\tname\n")
        f.write("\n".join(rows))
        f.write("\n")
    rec["scaling"] = per_ctx
    rec["scaling_iterations"] = iters
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


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default="/tmp/lithosj_traces")
    ap.add_argument("--out", required=True, help="where packed parts go (at most 15 MiB each)")
    ap.add_argument("--models", default="", help="comma-separated ids or names to run (default: all)")
    ap.add_argument("--sms", default="128,96,64,32,16,8", help="green-context SM counts")
    ap.add_argument("--budget-s", type=float, default=480, help="wall-clock budget of the whole run")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--active", type=int, default=3, help="profiled requests/iterations in the Chrome trace")
    ap.add_argument("--partial", default="", choices=["", "frozen", "forward", "nocudnn"],
                    help="CNN training only: measure part of the iteration in the green contexts (see "
                         "cnn_training); no Chrome trace; writes <id>.scaling-<partial>.tsv.gz")
    args = ap.parse_args()
    deadline = T0 + args.budget_s
    os.makedirs(args.work, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(0)
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True

    manifest = {"env": env_info(), "models": {}, "skipped": {},
                "file": f"manifest-{args.partial}-{args.models}.json" if args.partial else "manifest.json",
                "settings": {"tf32": True, "warmup": args.warmup, "active": args.active, "sms": args.sms,
                             "budget_s": args.budget_s}}
    env = manifest["env"]
    log("env:", json.dumps({k: env[k] for k in ("gpu", "sm_count", "torch", "torch_cuda", "packages")}))
    log(env["nvidia_smi"])
    total_sms = env["sm_count"]

    try:
        log("marker kernel:", find_marker_name())
    except Exception as e:  # noqa: BLE001
        manifest["marker_error"] = repr(e)
        log("no marker kernel; iterations will be profiled one by one:", repr(e))

    ctxs = [Ctx(total_sms)]
    green = {"requested": [int(s) for s in args.sms.split(",") if s]}
    try:
        gcls = green_class()
        green["api"] = describe_green_api(gcls)
        log("green context API:", json.dumps(green["api"]))
        for s in green["requested"]:
            try:
                ctxs.append(Ctx(total_sms, s, gcls))
                log(f"  green context {s} SMs: mode {ctxs[-1].mode}, reported SMs {ctxs[-1].sms}")
            except Exception as e:  # noqa: BLE001
                green.setdefault("errors", {})[str(s)] = traceback.format_exc()[-1500:]
                log(f"  green context {s} SMs failed: {e!r}")
    except Exception:  # noqa: BLE001
        green["error"] = traceback.format_exc()[-2000:]
        log("green contexts unavailable:\n" + green["error"])
    green["probe"] = {}
    for c in (ctxs if not args.partial else []):
        try:
            green["probe"][f"{c.label}{c.sms}"] = probe_ctx(c)
        except Exception as e:  # noqa: BLE001
            green["probe"][f"{c.label}{c.sms}"] = {"error": repr(e)[:500]}
        log(f"  probe {c.label}{c.sms}: {green['probe'][f'{c.label}{c.sms}']}")
    torch.cuda.empty_cache()
    manifest["green_contexts"] = green
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
            if args.partial:
                if not g.get("variants"):
                    raise RuntimeError("--partial applies to CNN training only")
                variant = g["variants"][0][0] + " (partial: " + args.partial + ")"
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
            for suffix, step, meta in workloads:
                wid = g["ids"][0] if suffix is None else f"inference-{g['name']}-{suffix}"
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
