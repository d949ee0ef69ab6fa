#!/usr/bin/env python3
"""Counts the document numbers and whole symbols cited in the training corpora into
data/citations.tsv, for vanban's choice between readings of a cited number that OCR read weakly
(`43/2014/QH13` never cited, `48/2014/QH13` cited 59 times; `131/CĐ-TT` never, `131/CĐ-TTg`).

    python3 dictionaries/citations.py --shared ../shared

Reads the same training documents as build.py and symbols.py (vlc laws, viwiki, shared/corpora/legal
minus the held-out documents). Writes two kinds of rows, `kind⇥key⇥count`:

- `n`: a whole number with a year, `seq/yyyy/SYMBOL` (`35/2018/QH14`, `81/2019/NĐ-CP`), every one seen
  (count ≥ 1), so that a number the corpora never cite can be told from one they do;
- `s`: a whole symbol of two parts or more without its numbers (`CĐ-TTg`, `TTr-UBND`), seen at least
  MIN_SYMBOL times.

Sorted by kind, then count (most first), then key. Deterministic.
"""
import argparse
import collections
import os
import re
import unicodedata

import build

HERE = os.path.dirname(os.path.abspath(__file__))
MIN_SYMBOL = 2
PART = r"[A-ZĐ][A-ZĐa-z0-9]*"
# `số 12/2024/TT-BTC`, `Nghị định 81/2019/NĐ-CP`, `Luật số 48/2014/QH13`.
NUMBER = re.compile(rf"(?<![\w/])\d{{1,5}}/\d{{4}}/{PART}(?:-{PART})*(?![\w/])")
# `5633/VPCP-KSTT`, `131/CĐ-TTg`, `12/2024/QĐ-UBND` → the symbol after the numbers.
SYMBOL = re.compile(rf"(?<![\w/])\d{{1,5}}(?:/\d{{4}})?/({PART}(?:-{PART})+)(?![\w/])")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", required=True)
    a = ap.parse_args()
    numbers = collections.Counter()
    symbols = collections.Counter()
    for _, text in build.corpus_texts(a.shared):
        text = unicodedata.normalize("NFC", text).replace("Ð", "Đ")
        for m in NUMBER.finditer(text):
            numbers[m.group(0)] += 1
        for m in SYMBOL.finditer(text):
            symbols[m.group(1)] += 1
    rows = [("n", k, c) for k, c in numbers.items()]
    rows += [("s", k, c) for k, c in symbols.items() if c >= MIN_SYMBOL]
    rows.sort(key=lambda r: (r[0], -r[2], r[1]))
    out = os.path.join(HERE, "data", "citations.tsv")
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        for kind, k, c in rows:
            f.write(f"{kind}\t{k}\t{c}\n")
    print(f"wrote {out}: {sum(r[0] == 'n' for r in rows)} numbers, {sum(r[0] == 's' for r in rows)} symbols")


if __name__ == "__main__":
    main()
