#!/usr/bin/env python3
"""A small reference restorer over the committed data, to measure what the data alone allows.

usage: python3 dictionaries/baseline.py NAME.MODEL.txt [--model eng] [--lm 1.5] > restored.txt
       python3 dictionaries/baseline.py --eval fixtures/eval        # restore and score every fixture

Per token: protected tokens, numbers and tokens without letters are kept; every other token gets the
candidates of candidates.py (channel.tsv weighted edit distance) and a Viterbi pass over each run of
tokens picks the sequence with the lowest channel cost + `lm` × bigram cost (bigrams.tsv, interpolated
with the unigram counts of syllables.tsv). Case is copied from the OCR token. This is a yardstick for
crates/restore, not the product: no word bonus, no trigrams, no token splitting or merging.
"""
import argparse
import math
import os
import re
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import candidates as cand  # noqa: E402

DATA = cand.DATA
# edge punctuation only: ¢ & @ © at a word's edge are misread letters (S¢ = Sở, k&é = kế), not punctuation
EDGE = re.compile(r"^([\"'“”‘’(\[{«*•·-]*)(.*?)([.,;:!?…\"'“”‘’)\]}»*-]*)$", re.UNICODE)


class Model:
    def __init__(self, model, lm, k=30, word_bonus=0.0):
        self.uni, self.prefixes = cand.load_syllables()
        self.rules = cand.load_rules(model)
        self.lm = lm
        self.k = k
        self.counts = {}
        with open(os.path.join(DATA, "syllables.tsv"), encoding="utf-8") as f:
            for line in f:
                s, n, _ = line.rstrip("\n").split("\t")
                self.counts[s] = int(n)
        self.bi = {}
        with open(os.path.join(DATA, "bigrams.tsv"), encoding="utf-8") as f:
            for line in f:
                k, n = line.rstrip("\n").split("\t")
                self.bi[k] = int(n)
        self.total = sum(self.counts.values())
        # adjacent syllables inside a dictionary word or name get a bonus (tổ chức, Quảng Trị)
        self.word_pairs = set()
        for fname in ("words.tsv", "names.tsv"):
            with open(os.path.join(DATA, fname), encoding="utf-8") as f:
                for line in f:
                    w = line.split("\t")[0].lower().split()
                    self.word_pairs.update(zip(w, w[1:]))
        self.word_bonus = word_bonus
        self.protected = set()
        with open(os.path.join(DATA, "protected.tsv"), encoding="utf-8") as f:
            for line in f:
                tok, kind = line.rstrip("\n").split("\t")
                if kind not in ("ambiguous", "letter"):
                    self.protected.add(tok)
        # codes in any case (Sipas, Papi), but not English words (Index stays exact)
        self.protected_upper = {t.upper() for t in self.protected if not t.islower() and len(t) > 1}
        self.cache = {}

    def bigram_cost(self, a, b):
        pu = (self.counts.get(b, 0) + 1) / (self.total + len(self.counts))
        ca = self.counts.get(a, 0)
        pb = self.bi.get(f"{a} {b}", 0) / ca if ca else 0.0
        c = -math.log(0.8 * pb + 0.2 * pu) if ca else -math.log(pu)
        return c - self.word_bonus if (a, b) in self.word_pairs else c

    def options(self, core):
        """[(output text, LM symbol or None, channel cost)] for one token core."""
        if not core or core in self.protected or (core[:1].isupper() and core.upper() in self.protected_upper):
            return [(core, None, 0.0)]
        if ("://" in core or core.startswith("www.") or re.fullmatch(r"[\w.\-]+@[\w\-]+\.[\w.\-]+", core)
                or re.fullmatch(r"[A-Za-z]{1,3}/[A-Za-z]{1,3}", core)):
            return [(core, None, 0.0)]  # web and e-mail addresses, b/c, V/v
        if any(ch.isdigit() for ch in core) and ("/" in core or "-" in core or not any(ch.isalpha() for ch in core)):
            return [(core, "<num>", 0.0)]  # numbers, dates, number/symbol codes
        low = core.lower()
        if low not in self.cache:
            self.cache[low] = cand.candidates(low, self.rules, self.prefixes, self.uni, prior=0.0, k=self.k)
        cs = self.cache[low]
        if not cs:
            return [(core, None, 0.0)]
        return [(s, s, c) for s, c in cs]

    def restore_line(self, line):
        out = []
        toks = line.split()
        parsed = [EDGE.match(t).groups() for t in toks]
        # Viterbi over runs; a None symbol or punctuation at the edges breaks the run
        i = 0
        while i < len(parsed):
            run = [i]
            while (run[-1] + 1 < len(parsed) and not parsed[run[-1]][2] and not parsed[run[-1] + 1][0]):
                run.append(run[-1] + 1)
            out += self.viterbi([parsed[k] for k in run])
            i = run[-1] + 1
        return " ".join(out)

    def viterbi(self, toks):
        layers = [self.options(core) for _, core, _ in toks]
        best = [{} for _ in layers]
        for j, (text, sym, c) in enumerate(layers[0]):
            best[0][j] = (c + self.lm * (self.bigram_cost(None, sym) if sym else 0.0), None)
        for i in range(1, len(layers)):
            for j, (text, sym, c) in enumerate(layers[i]):
                bc, bp = math.inf, None
                for pj, (pc, _) in best[i - 1].items():
                    psym = layers[i - 1][pj][1]
                    lmc = self.bigram_cost(psym, sym) if sym else 0.0
                    v = pc + c + self.lm * lmc
                    if v < bc:
                        bc, bp = v, pj
                best[i][j] = (bc, bp)
        j = min(best[-1], key=lambda k: best[-1][k][0])
        path = []
        for i in range(len(layers) - 1, -1, -1):
            path.append(j)
            j = best[i][j][1]
        path.reverse()
        out = []
        for i, ((pre, core, post), j) in enumerate(zip(toks, path)):
            text = layers[i][j][0]
            if core.isupper() and len(core) > 1:
                text = text.upper()
            elif core[:1].isupper():
                text = text[:1].upper() + text[1:]
            out.append(pre + text + post)
        return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", nargs="?")
    ap.add_argument("--model", default="eng")
    ap.add_argument("--lm", type=float, default=1.5)
    ap.add_argument("--word-bonus", type=float, default=0.5, help="LM cost taken off inside a words.tsv word")
    ap.add_argument("--eval")
    ap.add_argument("--out", default="/tmp/vanban-baseline")
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "shared"))
    a = ap.parse_args()
    if a.input:
        m = Model(a.model, a.lm, word_bonus=a.word_bonus)
        with open(a.input, encoding="utf-8") as f:
            for line in f:
                print(m.restore_line(unicodedata.normalize("NFC", line.rstrip("\n"))))
        return
    if not a.eval:
        sys.exit("give an input file or --eval DIR")
    os.makedirs(a.out, exist_ok=True)
    score = os.path.join(a.shared, "tools", "score.py")
    for model in ("eng", "vie"):
        m = Model(model, a.lm, word_bonus=a.word_bonus)
        for name in sorted(os.listdir(a.eval)):
            if not name.endswith(".gt.txt"):
                continue
            base = name[:-7]
            src = os.path.join(a.eval, f"{base}.{model}.txt")
            dst = os.path.join(a.out, f"{base}.{model}.restored.txt")
            with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as g:
                for line in f:
                    g.write(m.restore_line(unicodedata.normalize("NFC", line.rstrip("\n"))) + "\n")
            gt = os.path.join(a.eval, name)
            raw = subprocess.run([sys.executable, score, gt, src], capture_output=True, text=True).stdout.strip()
            new = subprocess.run([sys.executable, score, gt, dst], capture_output=True, text=True).stdout.strip()
            print(f"{base:14s} {model}: raw {raw.split()[0]}  restored {new.split()[0]}", flush=True)


if __name__ == "__main__":
    main()
