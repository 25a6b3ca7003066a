"""The tenants of the validation set on a real GPU: HP inference services (a request = the model at
its paper shape, replayed as a CUDA graph) and BE jobs (eager training loops, or GPT-J inference).

Models come from datasets/collect_traces.py (the builders the kernel traces were taken with) at the
shapes of datasets/paper_shapes.py. Two HP models need a wrapper of their own, written here:
  RetinaNet: torchvision's forward normalises with a tensor made from a Python list (a pageable
    copy) and its box post-processing has data-dependent shapes (NMS, nonzero): neither can be
    captured. A request is: pre-processing eager, backbone + FPN + head as a CUDA graph, anchors and
    post-processing (NMS) eager; the same kernels as the builder's step, plus one copy into the
    graph's input.
  BERT: the builder's step is captured first; if capture fails (a mask check that synchronizes),
    the same model is called without the all-ones attention mask, which computes the same output.
"""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
for p in (os.path.join(HERE, "..", "datasets"), HERE):
    if p not in sys.path:
        sys.path.insert(0, p)


def _ct():
    import collect_traces as ct  # noqa: E402 (imports torch; sets cuDNN's log variables)
    return ct


class HPService:
    """request(mode): one request on the stream of that mode, synchronized (the server waits for it)."""

    def __init__(self, torch, name, spec, streams):
        self.torch, self.name, self.streams = torch, name, streams
        self.graphs, self.errors = {}, {}
        ct = _ct()
        model = spec["model"]
        self.pre = self.post = None
        self.state, self.outs = {}, {}  # RetinaNet: the graph's output tensors, per mode (each graph has its own)
        if model == "resnet50":
            self.step, _ = ct.cnn_inference("resnet50", spec["batch"], spec["res"])
            self.launch = "graph"
        elif model == "bert-large":
            self.step, _ = ct.bert_inference(spec["batch"], spec["seq"])
            self.launch = "graph"
        elif model == "retinanet":
            self._retinanet(spec["batch"], spec["res"])
            self.launch = "eager pre-processing + graph (backbone, FPN, head) + eager post-processing (NMS)"
        else:
            raise ValueError(f"HP model {model!r} unknown")
        for mode, s in streams.items():
            try:
                self.graphs[mode] = self._capture(s)
                self.outs[mode] = {k: self.state[k] for k in ("feats", "head") if k in self.state}
            except Exception as e:  # noqa: BLE001
                torch.cuda.synchronize()
                if model == "bert-large" and not getattr(self, "_nomask", False):
                    self._bert_nomask(spec["batch"], spec["seq"])
                    self.graphs.clear()
                    self.launch = "graph (BERT called without its all-ones attention mask: capture failed with it: " \
                                  f"{str(e)[:200]})"
                    for m2, s2 in streams.items():
                        self.graphs[m2] = self._capture(s2)
                    break
                self.errors[mode] = repr(e)[:500]
        if self.errors:
            self.launch = f"eager in {sorted(self.errors)} (capture failed), graph elsewhere"

    def _capture(self, s):
        torch = self.torch
        torch.cuda.synchronize()
        with torch.cuda.stream(s):
            for _ in range(3):
                self.step()
        s.synchronize()
        g = torch.cuda.CUDAGraph()
        with torch.cuda.graph(g, stream=s):
            self.step()
        torch.cuda.synchronize()
        return g

    def _bert_nomask(self, batch, seq):
        ct = _ct()
        torch = self.torch
        from transformers import BertForQuestionAnswering
        with ct.default_dtype(torch.bfloat16), torch.device("cuda"):
            m = BertForQuestionAnswering(ct.bert_config()).eval()
        ids = torch.randint(0, 30522, (batch, seq), device="cuda")

        def step():
            with torch.inference_mode():
                m(input_ids=ids)
        self.step, self._nomask = step, True

    def _retinanet(self, batch, res):
        torch = self.torch
        import torchvision
        with torch.device("cuda"):
            m = torchvision.models.detection.retinanet_resnet50_fpn(weights=None, weights_backbone=None).eval()
        imgs = [torch.rand(3, res, res, device="cuda") for _ in range(batch)]
        ac = dict(device_type="cuda", dtype=torch.bfloat16)
        with torch.inference_mode(), torch.autocast(**ac):
            images, _ = m.transform(imgs)
        static_in = images.tensors.clone()
        state = self.state

        def dense():  # captured: autocast's weight-cast cache must be off inside a graph
            with torch.inference_mode(), torch.autocast(cache_enabled=False, **ac):
                feats = list(m.backbone(static_in).values())
                state["feats"], state["head"] = feats, m.head(feats)

        def pre():
            with torch.inference_mode(), torch.autocast(**ac):
                im, _ = m.transform(imgs)
                static_in.copy_(im.tensors)
            state["images"] = im

        def post():
            with torch.inference_mode(), torch.autocast(**ac):
                im, feats, head = state["images"], state["feats"], state["head"]
                anchors = m.anchor_generator(im, feats)
                hw = [x.size(2) * x.size(3) for x in feats]  # as torchvision's forward: anchors per level
                a_per = head["cls_logits"].size(1) // sum(hw)
                n_per = [v * a_per for v in hw]
                sh = {k: list(head[k].split(n_per, dim=1)) for k in head}
                sa = [list(a.split(n_per)) for a in anchors]
                det = m.postprocess_detections(sh, sa, im.image_sizes)
                m.transform.postprocess(det, im.image_sizes, [(res, res)] * batch)
        self.step, self.pre, self.post = dense, pre, post
        pre()

    def request(self, mode):
        s = self.streams[mode]
        with self.torch.cuda.stream(s):
            if self.pre is not None:
                self.pre()
            g = self.graphs.get(mode)
            if g is not None:
                g.replay()
                self.state.update(self.outs[mode])
            else:
                self.step()
            if self.post is not None:
                self.post()
        s.synchronize()


class BEJob:
    """units(): endless (kind, fn); run_unit(fn, mode) launches one on that mode's stream and returns
    an event; wait(event) blocks until it is done. weights[kind]: progress of one unit (training: 1
    iteration; GPT-J: the step's share of a whole request's solo time, so progress is in requests)."""

    def __init__(self, torch, name, spec, streams, weights=None):
        self.torch, self.name, self.streams, self.spec = torch, name, streams, spec
        ct = _ct()
        model, kind = spec["model"], spec["kind"]
        if kind == "training":
            if model == "mobilenetv2":
                step, _ = ct.cnn_training("mobilenet_v2", spec["batch"])
            elif model == "dlrm":
                step, _ = ct.dlrm_training(spec["batch"])
            elif model == "bert-large":
                step, _ = ct.bert_training(spec["batch"], spec["seq"])
            else:
                raise ValueError(f"BE training model {model!r} unknown")
            self.seq = [("iteration", step)]
            self.weights = {"iteration": 1.0}
        elif model == "gptj-6b":
            (_, prefill, _), (_, decode, _) = ct.llm_inference("gptj-6b", spec["prompt_tokens"], spec["batch"],
                                                               spec["context_tokens"])
            self.seq = [("prefill", prefill)] + [("decode", decode)] * spec["decode_steps"]
            self.weights = (weights or {}).get(name) or self._weights(prefill, decode, spec["decode_steps"])
        else:
            raise ValueError(f"BE model {model!r} unknown")
        for s in streams.values():  # each stream gets its own allocator pool: fill it now
            with torch.cuda.stream(s):
                for _ in range(2):
                    for _k, fn in self.seq[:2]:
                        fn()
            s.synchronize()

    def _weights(self, prefill, decode, steps):
        """Solo time of each step, measured alone as the loop runs them (synchronized one by one)."""
        torch = self.torch

        def med(fn, n):
            ts = []
            for i in range(n + 2):
                a = time.monotonic()
                fn()
                torch.cuda.synchronize()
                if i >= 2:
                    ts.append(time.monotonic() - a)
            return sorted(ts)[len(ts) // 2]
        tp, td = med(prefill, 5), med(decode, 20)
        total = tp + steps * td
        return {"prefill": tp / total, "decode": td / total, "prefill_ms": round(tp * 1e3, 3),
                "decode_ms": round(td * 1e3, 3)}

    def units(self):
        while True:
            for kind, fn in self.seq:
                yield kind, fn

    def run_unit(self, fn, mode):
        s = self.streams[mode]
        with self.torch.cuda.stream(s):
            fn()
            ev = self.torch.cuda.Event()
            ev.record(s)
        return ev

    def wait(self, ev):
        ev.synchronize()
