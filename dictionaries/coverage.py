#!/usr/bin/env python3
"""How well the committed lexicon covers text it was not built from.

usage: python3 dictionaries/coverage.py [--shared ../shared]

On the held-out law files (dictionaries/heldout.txt) and the hand-written admin texts of fixtures/eval:
- syllable coverage: share of Vietnamese-letter tokens (lowercased, re-toned) found in syllables.tsv,
  protected.tsv or as a name syllable;
- bigram coverage: share of adjacent syllable pairs (same run rules as build.py) found in bigrams.tsv;
- skeleton share in the eng OCR of fixtures/eval: share of truth syllables whose OCR token is exactly the
  truth with its marks removed (pure mark loss, which syllables + bigrams alone can undo) — the rest needs
  the channel model (6→ố, ctia→của).
"""
import argparse
import os
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import build  # noqa: E402
import vn  # noqa: E402


def load(name, key=0):
    with open(os.path.join(build.DATA, name), encoding="utf-8") as f:
        return {line.rstrip("\n").split("\t")[key] for line in f}


def strip(s):
    d = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in d if not unicodedata.combining(ch))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "shared"))
    a = ap.parse_args()
    syl = load("syllables.tsv")
    bi = load("bigrams.tsv")
    prot = {p.lower() for p in load("protected.tsv")}
    names = {w.lower() for n in load("names.tsv") for w in n.split()}
    texts = {}
    for fname in sorted(build.heldout_names()):
        with open(os.path.join(a.shared, "corpora", "vlc", fname), encoding="utf-8") as f:
            texts[fname] = f.read()
    ev = os.path.join(os.path.dirname(HERE), "fixtures", "eval")
    for n in sorted(os.listdir(ev)):
        if n.startswith("admin-") and n.endswith(".gt.txt"):
            with open(os.path.join(ev, n), encoding="utf-8") as f:
                texts[n] = f.read()
    for label, group in (("held-out laws", [k for k in texts if k.endswith(".txt") and not k.startswith("admin-")]),
                         ("admin texts", [k for k in texts if k.startswith("admin-")])):
        tok = hit = pairs = bhit = 0
        missing = {}
        for k in group:
            for r in build.runs(texts[k]):
                for t in r:
                    if t == "<num>" or not t.isalpha():
                        continue
                    tok += 1
                    if t in syl or t in prot or t in names:
                        hit += 1
                    else:
                        missing[t] = missing.get(t, 0) + 1
                for x, y in zip(r, r[1:]):
                    if (x in syl or x == "<num>") and (y in syl or y == "<num>"):
                        pairs += 1
                        bhit += f"{x} {y}" in bi
        top = sorted(missing.items(), key=lambda kv: -kv[1])[:12]
        print(f"{label}: syllable coverage {hit}/{tok} = {hit / max(tok, 1):.4f}; "
              f"bigram coverage {bhit}/{pairs} = {bhit / max(pairs, 1):.4f}; most frequent misses {top}")
    same = total = 0
    for n in sorted(os.listdir(ev)):
        if not n.endswith(".gt.txt"):
            continue
        with open(os.path.join(ev, n), encoding="utf-8") as f:
            gt = f.read().split("\n")
        with open(os.path.join(ev, n[:-7] + ".eng.txt"), encoding="utf-8") as f:
            ocr = f.read().split("\n")
        for g, o in zip(gt, ocr):
            gs, os_ = g.split(), o.split()
            if len(gs) != len(os_):
                continue
            for x, y in zip(gs, os_):
                if vn.canon_syllable(x.strip(".,;:()").lower()):
                    total += 1
                    same += strip(x) == y
    print(f"eng OCR of fixtures/eval, lines with as many tokens as the truth: {same}/{total} = "
          f"{same / max(total, 1):.4f} of syllables are the truth minus its marks")


if __name__ == "__main__":
    main()
