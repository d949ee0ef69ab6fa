#!/usr/bin/env python3
"""Counts the document numbers and whole symbols cited in the training corpora into
data/citations.tsv, for vanban's choice between readings of a cited number that OCR read weakly
(`43/2014/QH13` never cited, `48/2014/QH13` cited 59 times; `131/CĐ-TT` never, `131/CĐ-TTg`).

    python3 dictionaries/citations.py --shared ../shared
    python3 dictionaries/citations.py --shared ../shared --coverage   # the held-out figures, ~5 s

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
import gzip
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


# Look-alike digits and the thresholds of vanban's rule (crates/extract/src/citations.rs).
PAIRS = [("3", "8"), ("3", "2"), ("3", "5"), ("5", "6"), ("6", "8"), ("8", "9"), ("0", "8"), ("0", "6"),
         ("0", "9"), ("1", "7"), ("1", "4")]
MIN_COUNT = 20
NATIONAL = re.compile(r"/(QH\d+|NĐ-CP|QĐ-TTg|NQ-CP|UBTVQH\d+)$")


def look_alike(table, n):
    """What vanban's digit rule makes of `n` read weakly: the one cited look-alike, else None."""
    seq, rest = n.split("/", 1)
    if table.get(n, 0) > 0:
        return None
    cited = set()
    for i, b in enumerate(seq):
        for x, y in PAIRS:
            to = y if b == x else x if b == y else None
            if to is None or (i == 0 and to == "0" and len(seq) > 1 and b != "0"):
                continue
            v = seq[:i] + to + seq[i + 1:] + "/" + rest
            if table.get(v, 0) > 0:
                cited.add(v)
    if len(cited) == 1:
        v = cited.pop()
        if table[v] >= MIN_COUNT:
            return v
    return None


def coverage(shared):
    """The table against the held-out documents (heldout.txt), which it was not counted from."""
    table = {}
    with open(os.path.join(HERE, "data", "citations.tsv"), encoding="utf-8") as f:
        for ln in f:
            kind, key, count = ln.rstrip("\n").split("\t")
            if kind == "n":
                table[key] = int(count)
    texts = [open(os.path.join(shared, "corpora", "vlc", n), encoding="utf-8").read()
             for n in sorted(build.heldout_names())]
    held = build.heldout_legal()
    folder = os.path.join(shared, "corpora", "legal")
    for fname in sorted(os.listdir(folder)):
        with gzip.open(os.path.join(folder, fname), "rt", encoding="utf-8") as f:
            buf, title = [], None
            for line in f:
                if line.startswith("### "):
                    if (fname, title) in held:
                        texts.append("".join(buf))
                    buf, title = [], line[4:].strip()
                    continue
                buf.append(line)
            if (fname, title) in held:
                texts.append("".join(buf))
    numbers = sorted({m.group(0) for t in texts for m in NUMBER.finditer(unicodedata.normalize("NFC", t))})
    seen = [n for n in numbers if table.get(n, 0) > 0]
    national = [n for n in numbers if NATIONAL.search(n)]
    unseen_fired = [n for n in numbers if table.get(n, 0) == 0 and look_alike(table, n)]
    right = wrong = kept = 0
    for n in numbers:
        seq, rest = n.split("/", 1)
        for i, b in enumerate(seq):
            for x, y in PAIRS:
                to = y if b == x else x if b == y else None
                if to is None:
                    continue
                m = seq[:i] + to + seq[i + 1:] + "/" + rest
                if table.get(m, 0) > 0:
                    continue
                r = look_alike(table, m)
                right += r == n
                wrong += r is not None and r != n
                kept += r is None
    print(f"held-out documents {len(texts)}: {len(numbers)} distinct numbers with a year, {len(seen)} in the table "
          f"({len(seen) / max(1, len(numbers)):.0%}); national {sum(table.get(n, 0) > 0 for n in national)}/{len(national)}; "
          f"the digit rule changes {len(unseen_fired)} of the {len(numbers) - len(seen)} not in it")
    print(f"each held-out number with one look-alike digit misread (into a number never cited): "
          f"put right {right}, made another wrong number {wrong}, left as read {kept}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", required=True)
    ap.add_argument("--coverage", action="store_true", help="measure the table on the held-out documents")
    a = ap.parse_args()
    if a.coverage:
        coverage(a.shared)
        return
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
