#!/usr/bin/env python3
"""Counts the parts of document symbols cited in the training corpora (`NĐ`, `CP`, `TTg`, `QH15`,
`BTC`, `UBND`, …) into data/symbols.tsv, for vanban's repair of cited numbers that OCR damaged
(`131/CĐ-TTeg` → `131/CĐ-TTg`, `23/2004QHI1` → `23/2004/QH11`).

    python3 dictionaries/symbols.py --shared ../shared

Reads the same training documents as build.py (vlc laws, viwiki, shared/corpora/legal minus the
held-out documents); writes `part⇥count` for every part seen at least MIN_COUNT times, sorted by count
then part. Deterministic.
"""
import argparse
import collections
import os
import re

import build

HERE = os.path.dirname(os.path.abspath(__file__))
MIN_COUNT = 5
# `số 12/2024/TT-BTC`, `Nghị định 81/2019/NĐ-CP`, `Công văn 5633/VPCP-KSTT`, `212-TB/TU`.
NUMBER = re.compile(
    r"(?<![\w/])\d{1,5}(?:/\d{4})?[/-]((?:[A-ZĐ][A-ZĐa-z0-9]*)(?:[-/][A-ZĐ][A-ZĐa-z0-9]*)*)"
)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", required=True)
    a = ap.parse_args()
    parts = collections.Counter()
    for _, text in build.corpus_texts(a.shared):
        for m in NUMBER.finditer(text):
            for p in re.split(r"[-/]", m.group(1)):
                if len(p) >= 2:
                    parts[p] += 1
    rows = sorted(((p, c) for p, c in parts.items() if c >= MIN_COUNT), key=lambda r: (-r[1], r[0]))
    out = os.path.join(HERE, "data", "symbols.tsv")
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        for p, c in rows:
            f.write(f"{p}\t{c}\n")
    print(f"wrote {out}: {len(rows)} parts")


if __name__ == "__main__":
    main()
