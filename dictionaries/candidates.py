#!/usr/bin/env python3
"""Candidate syllables for an OCR token by a weighted edit distance over channel.tsv, and their recall.

usage: python3 dictionaries/candidates.py [--eval fixtures/eval] [--k 1,5,20] [--show N]
       python3 dictionaries/candidates.py --token ctia --model eng

A reference for the restorer (crates/restore) and a measure of the channel model: the OCR token is rewritten
left to right by rules `ocr segment → truth segment` (0–3 characters each side, from channel.tsv, cost
-ln P(truth | ocr)), keeping only truth prefixes of syllables.tsv entries (a beam over a prefix set).
The score of a candidate is its channel cost plus the unigram cost -ln P(syllable) times `--prior`.
Recall@k on fixtures/eval: for OCR tokens paired with a truth syllable (lines with as many tokens as the
truth), how often the truth is among the k best candidates.
"""
import argparse
import collections
import math
import os
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
PUNCT = ".,;:!?()[]\"'“”‘’…"


def load_syllables():
    counts = {}
    with open(os.path.join(DATA, "syllables.tsv"), encoding="utf-8") as f:
        for line in f:
            s, n, _ = line.rstrip("\n").split("\t")
            counts[s] = int(n)
    total = sum(counts.values()) + len(counts)
    uni = {s: -math.log((n + 1) / total) for s, n in counts.items()}
    prefixes = {s[:i] for s in counts for i in range(len(s) + 1)}
    return uni, prefixes


def load_rules(model, min_count=2, min_multi=5, per_seg=40):
    """{ocr segment: [(truth segment, cost)]}, lowercase, from channel.tsv (single-token rows only);
    rules with more than one character on a side need min_multi observations (alignment noise)."""
    by_ocr = collections.defaultdict(collections.Counter)
    with open(os.path.join(DATA, "channel.tsv"), encoding="utf-8") as f:
        for line in f:
            m, o, t, n = line.rstrip("\n").split("\t")
            if m != model or len(o) > 3 or len(t) > 3 or " " in o or " " in t:
                continue
            by_ocr[o.lower()][t.lower()] += int(n)
    rules = {}
    for o, c in by_ocr.items():
        total = sum(c.values())
        rules[o] = [(t, -math.log(n / total)) for t, n in c.most_common(per_seg)
                    if n >= (min_multi if max(len(o), len(t)) > 1 else min_count)]
    return rules


def candidates(token, rules, prefixes, uni, prior=0.3, beam=300, k=20):
    """The k best (syllable, score) for one OCR token (lowercase, no edge punctuation)."""
    n = len(token)
    # states[i] = {truth prefix: cost} after consuming token[:i]
    states = [dict() for _ in range(n + 1)]
    states[0][""] = 0.0
    ins = rules.get("", [])
    for i in range(n + 1):
        layer = states[i]
        if not layer:
            continue
        if len(layer) > beam:
            layer = dict(sorted(layer.items(), key=lambda kv: kv[1])[:beam])
            states[i] = layer
        # one insertion at most between two consumed segments (a lost letter or mark-bearing vowel)
        extra = {}
        for pre, c in layer.items():
            for t, rc in ins:
                p = pre + t
                if p in prefixes and c + rc < extra.get(p, math.inf) and c + rc < layer.get(p, math.inf):
                    extra[p] = c + rc
        for p, c in extra.items():
            layer[p] = c
        for j in range(i + 1, min(n, i + 3) + 1):
            seg = token[i:j]
            options = rules.get(seg)
            if options is None:
                options = [(seg, 0.0)] if j == i + 1 else []
            nxt = states[j]
            for pre, c in layer.items():
                for t, rc in options:
                    p = pre + t
                    if p in prefixes and c + rc < nxt.get(p, math.inf):
                        nxt[p] = c + rc
    out = [(s, c + prior * uni[s]) for s, c in states[n].items() if s in uni]
    out.sort(key=lambda kv: kv[1])
    return out[:k]


def pairs(eval_dir, model, uni):
    for name in sorted(os.listdir(eval_dir)):
        if not name.endswith(".gt.txt"):
            continue
        with open(os.path.join(eval_dir, name), encoding="utf-8") as f:
            gt = f.read().split("\n")
        with open(os.path.join(eval_dir, name[:-7] + f".{model}.txt"), encoding="utf-8") as f:
            ocr = f.read().split("\n")
        for g, o in zip(gt, ocr):
            gs, os_ = g.split(), o.split()
            if len(gs) != len(os_):
                continue
            for x, y in zip(os_, gs):
                t = unicodedata.normalize("NFC", y.strip(PUNCT).lower())
                w = unicodedata.normalize("NFC", x.strip(PUNCT).lower())
                if t in uni and w:
                    yield w, t


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval", default=os.path.join(os.path.dirname(HERE), "fixtures", "eval"))
    ap.add_argument("--k", default="1,5,20")
    ap.add_argument("--prior", type=float, default=0.3)
    ap.add_argument("--token")
    ap.add_argument("--model", default="eng")
    ap.add_argument("--show", type=int, default=0, help="print N misses per model")
    a = ap.parse_args()
    uni, prefixes = load_syllables()
    ks = [int(x) for x in a.k.split(",")]
    if a.token:
        rules = load_rules(a.model)
        for s, c in candidates(a.token.lower(), rules, prefixes, uni, a.prior, k=max(ks)):
            print(f"{s}\t{c:.2f}")
        return
    for model in ("eng", "vie"):
        rules = load_rules(model)
        hits = collections.Counter()
        total = changed = 0
        misses = []
        for w, t in pairs(a.eval, model, uni):
            total += 1
            changed += w != t
            cands = [s for s, _ in candidates(w, rules, prefixes, uni, a.prior, k=max(ks))]
            for k in ks:
                hits[k] += t in cands[:k]
            if t not in cands[:1] and len(misses) < a.show:
                misses.append((w, t, cands[:3]))
        rec = ", ".join(f"recall@{k} {hits[k] / max(total, 1):.4f}" for k in ks)
        print(f"{model}: {total} tokens ({changed} misread): {rec}")
        for m in misses:
            print("   ", m)


if __name__ == "__main__":
    main()
