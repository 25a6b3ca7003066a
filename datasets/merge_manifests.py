#!/usr/bin/env python3
"""Merges the manifests of one collection that ran as several collect_traces.py processes (see
datasets/traces/PROVENANCE.md, "H200") into the one raw folder TraceDatasetBuilder reads:
manifest.json = the first full run's, with the models of the other full runs added (each keeps its
own record; the other runs' environments go under "other_runs"); the occupy/partial manifests are
copied as manifest-<part>.json. Every model gets the paper's shape fields from paper_shapes.py
(paper_shape, and for the LLM phases the whole request's prompt/decode/context lengths).

Usage: merge_manifests.py <raw folder> <main manifest> [<other full manifest>...] [--part NAME=FILE...]
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import paper_shapes as PS  # noqa: E402


def shape_fields(wid, rec):
    kind, name = rec.get("kind"), rec.get("model")
    table = PS.TRAINING if kind == "training" else PS.INFERENCE
    s = table.get(name)
    out = {}
    if s is None:
        return out
    phase = "prefill" if "-prefill-" in wid else "decode" if "-decode-" in wid else None
    if phase is None:
        out["paper_shape"] = rec.get("batch") == s["batch"] and rec.get("seq", s.get("seq")) == s.get("seq")
    else:
        out["phase"] = phase
        out["paper_shape"] = (rec.get("seq") == s["prompt_tokens"]) if phase == "prefill" else (
            rec.get("batch") == s["batch"] and rec.get("context") == s["context_tokens"])
        out["request_prompt_tokens"] = s["prompt_tokens"]
        out["request_decode_steps"] = s["decode_steps"]
        out["request_context_tokens"] = s["context_tokens"]
    return out


def main():
    args = sys.argv[1:]
    parts = [a for a in args if a.startswith("--part")]
    files = [a for a in args if not a.startswith("--part")]
    raw, main_file, others = files[0], files[1], files[2:]
    with open(main_file) as f:
        m = json.load(f)
    m["other_runs"] = []
    for o in others:
        with open(o) as f:
            om = json.load(f)
        m["other_runs"].append({"env": om["env"], "settings": om["settings"], "models": sorted(om["models"]),
                                "wall_s": om.get("wall_s")})
        m["models"].update(om["models"])
    for wid, rec in m["models"].items():
        rec.update(shape_fields(wid, rec))
    with open(os.path.join(raw, "manifest.json"), "w") as f:
        json.dump(m, f, indent=1)
    for p in parts:
        name, src = p.split("=", 1)[0][len("--part"):].lstrip(":"), p.split("=", 1)[1]
        with open(src) as f:
            pm = json.load(f)
        with open(os.path.join(raw, f"manifest-{name}.json"), "w") as f:
            json.dump(pm, f, indent=1)


if __name__ == "__main__":
    main()
