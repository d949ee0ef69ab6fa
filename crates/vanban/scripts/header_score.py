#!/usr/bin/env python3
"""Token accuracy of the Decree 30 header only (issue 11 item 1).

usage: header_score.py OUT_DIR TRUTH_DIR [SHARED_TOOLS_DIR]

For every `TRUTH_DIR/<stem>.gt.txt`, the header is the truth's lines up to its date line (the first
of its first 16 lines that reads `ngày … tháng … năm`; in Decree 30 order that closes both header
columns). Its tokens are aligned with the tokens of page 1 of `OUT_DIR/<stem>.txt`, anywhere in it
(an alignment free at both ends of the page's text), with the tokens and their comparison of
`shared/tools/score.py`. Prints each document's header accuracy and the mean.
"""
import os, re, sys

out_dir, truth_dir = sys.argv[1], sys.argv[2]
tools = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), "../../../../shared/tools")
sys.path.insert(0, tools)
from score import toks  # noqa: E402


def header_lines(gt):
    lines = gt.splitlines()
    for i, l in enumerate(lines[:16]):
        if re.search(r"ngày.*tháng.*năm", l):
            return lines[: i + 1]
    return None


def semi_global(gt, hyp):
    """Least edits turning gt into some stretch of hyp."""
    m = len(hyp)
    prev = [0] * (m + 1)  # free start anywhere in hyp
    for i in range(1, len(gt) + 1):
        cur = [i] + [0] * m
        for j in range(1, m + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (hyp[j - 1] not in gt[i - 1]))
        prev = cur
    return min(prev)  # free end


accs = []
for name in sorted(os.listdir(truth_dir)):
    if not name.endswith(".gt.txt"):
        continue
    stem = name[: -len(".gt.txt")]
    head = header_lines(open(os.path.join(truth_dir, name), encoding="utf-8").read())
    hyp_path = os.path.join(out_dir, stem + ".txt")
    if head is None or not os.path.exists(hyp_path):
        continue
    hyp = open(hyp_path, encoding="utf-8").read().split("\x0c")[0]
    gt_t, hyp_t = toks("\n".join(head), alts=True), toks(hyp)
    e = semi_global(gt_t, hyp_t)
    acc = 1 - e / len(gt_t)
    accs.append(acc)
    print(f"header {stem:<28} acc={acc:.4f} errors={e} tokens={len(gt_t)}")
if accs:
    print(f"header mean {sum(accs) / len(accs):.4f} over {len(accs)} documents")
