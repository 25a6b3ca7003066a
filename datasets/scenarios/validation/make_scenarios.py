"""Writes the validation set's modeled scenarios (issue 14): one file per pair and HP load,
<pair>-<load>.json, tenants at the paper's shapes (../../paper_shapes.py). `lithos validate`
reads them, replaces each HP tenant's `load` by the real run's arrival rate (rate_rps) and picks
the policy per mechanism; `lithos run` runs them as they are.

Run from this folder: python3 make_scenarios.py

PAPER_SHAPES_IN_TRACES: the measured traces (datasets/traces) were taken at other batch sizes
(PROVENANCE.md: ResNet-50 inference batch 32, MobileNetV2 training batch 64, ...), and the
model zoo loads a trace only at its measured batch (no `batchSize`) on the modeled H100. Once
the zoo selects batch sizes, knows the "h200" GPU and builds whole LLM requests, set this to
True (and GPU to "h200") and re-run: the files then name the paper's shapes. Nothing in the Java
code changes: it takes the GPU and shapes from these files.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from paper_shapes import INFERENCE, TRAINING  # noqa: E402

PAPER_SHAPES_IN_TRACES = True
# Once scenarios take "launch" (graph | eager): the harness replays HP requests as CUDA graphs and
# runs every BE job eagerly from Python (validation/README.md), so say so; True needs that field.
LAUNCH_MODES = True
GPU = "h200" if PAPER_SHAPES_IN_TRACES else "h100-sxm"
LOADS = [0.2, 0.4, 0.6]

# Tenant names are the harness's (results/validation/real/*.jsonl "tenant").
PAIRS = {
    "resnet50+mobilenetv2": [("resnet50", "HP", "inference", "resnet50"),
                             ("mobilenetv2", "BE", "training", "mobilenetv2")],
    "retinanet+dlrm": [("retinanet", "HP", "inference", "retinanet"),
                       ("dlrm", "BE", "training", "dlrm")],
    "bert-large+bert-large-train": [("bert-large", "HP", "inference", "bert-large"),
                                    ("bert-large-train", "BE", "training", "bert-large")],
    "resnet50+bert-large+gptj-6b": [("resnet50", "HP", "inference", "resnet50"),
                                    ("bert-large", "HP", "inference", "bert-large"),
                                    ("gptj-6b", "BE", "inference", "gptj-6b")],
}


def tenant(name, prio, kind, model, load):
    shape = (INFERENCE if kind == "inference" else TRAINING)[model]
    t = {"name": name, "priority": prio, "type": kind}
    if PAPER_SHAPES_IN_TRACES:
        t["model"] = model
        t["batchSize"] = shape["batch"]
    else:
        # until then: the traced shapes; GPT-J has only per-step traces, decode is most of a request
        t["model"] = "gptj-6b-decode" if model == "gptj-6b" else model
    if LAUNCH_MODES:
        t["launch"] = "graph" if prio == "HP" else "eager"
    if prio == "HP":
        t["load"] = load
        t["sloMs"] = shape["slo_ms"]
    elif kind == "inference":
        t["arrivals"] = "closed"  # a BE inference job serves requests back to back
    return t


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for pair, tenants in PAIRS.items():
        for load in LOADS:
            s = {
                "name": f"validation-{pair}-{load}",
                "gpu": GPU,
                "durationMs": 6000,
                "warmupMs": 1000,
                "seed": 1,
                "policy": {"name": "mps"},
                "perPolicy": {"mig": {"partitionBandwidth": False, "splitByTpcQuota": True}},
                "tenants": [tenant(n, p, k, m, load) for n, p, k, m in tenants],
            }
            with open(os.path.join(here, f"{pair}-{load}.json"), "w") as f:
                json.dump(s, f, indent=2)
                f.write("\n")


if __name__ == "__main__":
    main()
