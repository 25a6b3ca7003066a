#!/usr/bin/env python3
"""Merges the JSONL files of several device calls into results/validation/real/<pair>.jsonl, in
call order, dropping `setup` rows of a pair that later ran, and brings rows written under
stability rule v1 (first call: latency growth alone) to rule v2 where the row's numbers decide it.

Rule v2 (stack_harness.summarize_hp): unstable iff unfinished_share > 0.05, or latency_growth > 2
and the median latency of the last third > 10 x solo service. v1 rows lack the last third's median,
so it is bounded: it is at most the window's p90 (half of the last third, a sixth of all requests,
lie at or above it; the thirds hold about equal numbers of Poisson arrivals), and at least
latency_growth x 0.9 x solo service (the first third's median is not below ~the service time).
Rows these bounds do not decide keep their v1 verdict, marked as such.

  python3 validation/merge_real.py OUT_DIR_OF_CALL_1 [OUT_DIR_OF_CALL_2 ...] --to results/validation/real
"""
import argparse
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stack_harness import MAX_LATENCY_GROWTH, MAX_UNFINISHED_SHARE, QUEUE_LATENCY_FACTOR  # noqa: E402


def v2_from_v1(h):
    solo = h["solo_service_ms"]
    share, g = h.get("unfinished_share"), h.get("latency_growth")
    if h.get("p50_ms") is None:
        return h
    if share is not None and share > MAX_UNFINISHED_SHARE:
        verdict, how = False, "v2 (unfinished share)"
    elif g is None or (g != "inf" and g <= MAX_LATENCY_GROWTH):
        verdict, how = True, "v2 (no growth)"
    elif g != "inf" and h["p90_ms"] <= QUEUE_LATENCY_FACTOR * solo:
        verdict, how = True, "v2 (from v1: last third's median <= p90 <= 10x solo)"
    elif g == "inf" or g * 0.9 * solo > QUEUE_LATENCY_FACTOR * solo:
        verdict, how = False, "v2 (from v1: last third's median >= growth x 0.9 x solo > 10x solo)"
    else:
        verdict, how = h["stable"], "v1 (v2 undetermined by the row's numbers)"
    if verdict != h["stable"]:
        h["stable_v1"] = h["stable"]
    h["stable"], h["stability_rule"] = verdict, how
    return h


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--to", default="results/validation/real")
    ap.add_argument("--table", action="store_true", help="print a markdown summary of the merged rows")
    a = ap.parse_args()
    rows = {}
    for d in a.dirs:
        for f in sorted(glob.glob(os.path.join(d, "*.jsonl"))):
            for line in open(f):
                r = json.loads(line)
                for h in r["hp"]:
                    if "stability_rule" not in h:
                        v2_from_v1(h)
                rows.setdefault(os.path.basename(f), []).append(r)
    os.makedirs(a.to, exist_ok=True)
    for name, rs in rows.items():
        ran = any(r["mechanism"] != "setup" for r in rs)
        rs = [r for r in rs if not (ran and r["mechanism"] == "setup")]
        with open(os.path.join(a.to, name), "w") as f:
            for r in rs:
                f.write(json.dumps(r) + "\n")
        changed = sum(1 for r in rs for h in r["hp"] if "stable_v1" in h)
        print(f"{name}: {len(rs)} rows, {changed} HP verdicts changed from v1 to v2")
    if a.table:
        print(table([r for rs in rows.values() for r in rs]))


def table(rows):
    """Markdown summary: per pair, load, mechanism, repetition: HP p50 and p99 over the HP-alone run
    of the same load and repetition, stability, BE retained."""
    alone = {(r["pair"], r["load"], r["rep"], h["tenant"]): h for r in rows if r["mechanism"] == "alone"
             for h in r["hp"]}
    out = ["| pair | load | mechanism | rep | HP: p50/solo, p99/solo (stable) | BE retained | error |",
           "|---|---|---|---|---|---|---|"]
    for r in rows:
        if r["mechanism"] in ("alone", "setup") and not r["error"]:
            continue
        hp = []
        for h in r["hp"]:
            s = alone.get((r["pair"], r["load"], r["rep"], h["tenant"]))
            if s and h["p50_ms"] is not None and s["p50_ms"]:
                hp.append(f"{h['tenant']} {h['p50_ms'] / s['p50_ms']:.2f}, {h['p99_ms'] / s['p99_ms']:.2f}"
                          f" ({'stable' if h['stable'] else 'UNSTABLE'})")
        be = ", ".join(f"{b['retained']:.3f}" if b.get("retained") is not None else "-" for b in r["be"])
        err = (r["error"] or "").strip().splitlines()[-1][:80] if r["error"] else ""
        out.append(f"| {r['pair']} | {r['load']} | {r['mechanism']} | {r['rep']} | {'; '.join(hp)} | {be} | {err} |")
    return "\n".join(out)


if __name__ == "__main__":
    main()
