#!/usr/bin/env python3
"""OCR channel model: which printed characters Tesseract turns into which output, measured on rendered scans.

usage: python3 dictionaries/channel.py [--shared ../shared] [--pages 96]      # normal scans, replaces the store
       python3 dictionaries/channel.py --heavy --pages 24                     # degraded scans, appended
       python3 dictionaries/channel.py --count-only                           # recount channel.tsv

1. Training lines (never from dictionaries/heldout.txt): law text, Wikipedia text, and administrative lines
   made from Decree 30 templates (headings, numbers and symbols, dates, I./1./a) numbering), a share of them
   in capitals as in headings.
2. Each page of 40 lines is rendered one line per image line (scanrender.py) with a varying font, size,
   resolution, blur, noise, rotation and JPEG quality, and read by Tesseract's `eng` and `vie` models.
   Raw results go to data/channel_ocr.jsonl.gz so the counts can be redone without Tesseract.
3. OCR lines are aligned with truth lines, then characters by Levenshtein alignment. Each maximal run of
   edits between two matching characters whose sides are both at most 3 characters long is one confusion
   (`rn`→`m`, `6`→`ố`, ``→`.`); longer runs are counted edit by edit. Matching characters are counted too
   (ocr = truth), so that count(ocr|truth) / count(truth) is a probability. Whole tokens that are not plain
   lowercase words (codes, numerals, symbols: `11.`→`II.`, `ND-CP`→`NĐ-CP`, `&`→`ở`) are also counted as
   whole-token rows.
Output: data/channel.tsv, `model<TAB>ocr<TAB>truth<TAB>count`, sorted by model then count.
"""
import argparse
import collections
import gzip
import json
import os
import random
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import vn  # noqa: E402

DATA = os.path.join(HERE, "data")
RAW = os.path.join(DATA, "channel_ocr.jsonl.gz")
LINES_PER_PAGE = 40
MAX_LINE = 72

PROVINCES = ["Hà Nội", "Hải Phòng", "Bình Phước", "Đắk Lắk", "Quảng Ninh", "Thừa Thiên Huế", "Cần Thơ",
             "Thanh Hóa", "Nghệ An", "Bắc Kạn", "Lâm Đồng", "Sóc Trăng", "Hòa Bình", "Phú Yên", "Kon Tum"]
AGENCIES = ["SỞ NỘI VỤ", "SỞ NGOẠI VỤ", "SỞ TÀI CHÍNH", "SỞ KẾ HOẠCH VÀ ĐẦU TƯ", "SỞ Y TẾ",
            "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "BAN QUẢN LÝ KHU KINH TẾ", "VĂN PHÒNG UBND", "SỞ TƯ PHÁP",
            "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "THANH TRA TỈNH", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"]
DOCTYPES = [("KẾ HOẠCH", "KH"), ("QUYẾT ĐỊNH", "QĐ"), ("BÁO CÁO", "BC"), ("THÔNG BÁO", "TB"),
            ("TỜ TRÌNH", "TTr"), ("HƯỚNG DẪN", "HD"), ("CHỈ THỊ", "CT"), ("NGHỊ QUYẾT", "NQ"),
            ("CHƯƠNG TRÌNH", "CTr"), ("GIẤY MỜI", "GM")]
ISSUERS = ["UBND", "SNV", "SNgV", "STC", "SKHĐT", "SYT", "BQL", "VP", "STP", "STTTT", "TTr", "HĐND"]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
NAMES = ["Nguyễn Văn Hùng", "Trần Thị Thủy", "Lê Minh Đức", "Phạm Quốc Khánh", "Hoàng Minh Cường",
         "Võ Thị Hồng Nhung", "Đặng Ngọc Ánh", "Bùi Xuân Trường", "Huỳnh Thanh Tùng", "Đỗ Thị Lệ Quyên"]
PHRASES = ["Chỉ số cải cách hành chính (PAR Index)", "Chỉ số hài lòng của người dân (SIPAS)",
           "Chỉ số hiệu quả quản trị và hành chính công (PAPI)", "thủ tục hành chính (TTHC)",
           "cải cách hành chính (CCHC)", "Hệ thống quản lý chất lượng ISO 9001:2015",
           "Cổng dịch vụ công trực tuyến", "dịch vụ công trực tuyến toàn trình", "chuyển đổi số",
           "Trung tâm Phục vụ hành chính công", "email: sonv@binhphuoc.gov.vn",
           "website: https://snv.haiphong.gov.vn", "phần mềm quản lý văn bản và điều hành"]


def admin_lines(rng, n):
    """Lines in the shape of Decree 30 documents."""
    out = []
    while len(out) < n:
        p = rng.choice(PROVINCES)
        dt, ab = rng.choice(DOCTYPES)
        iss = rng.choice(ISSUERS)
        d, m, y = rng.randint(1, 31), rng.randint(1, 12), rng.randint(2015, 2024)
        num = rng.randint(1, 4999)
        kind = rng.randrange(14)
        if kind == 0:
            out += ["UBND TỈNH " + p.upper(), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
        elif kind == 1:
            out += [rng.choice(AGENCIES), "Độc lập - Tự do - Hạnh phúc"]
        elif kind == 2:
            dd = f"{d:02d}" if rng.random() < 0.6 else str(d)
            out.append(f"Số: {num}/{ab}-{iss}        {p}, ngày {dd} tháng {m:02d} năm {y}")
        elif kind == 3:
            out.append(f"{rng.choice(ROMAN)}. {rng.choice(['MỤC ĐÍCH, YÊU CẦU', 'NỘI DUNG', 'TỔ CHỨC THỰC HIỆN', 'NHIỆM VỤ VÀ GIẢI PHÁP', 'KẾT QUẢ ĐẠT ĐƯỢC', 'ĐÁNH GIÁ CHUNG'])}")
        elif kind == 4:
            out.append(f"Căn cứ Nghị định số {rng.randint(10, 199)}/{y}/NĐ-CP ngày {d}/{m}/{y} của Chính phủ;")
        elif kind == 5:
            out.append(f"Thực hiện {dt.capitalize()} số {num}/{ab}-UBND ngày {d:02d}/{m:02d}/{y} của UBND tỉnh;")
        elif kind == 6:
            out.append(f"{rng.randint(1, 9)}.{rng.randint(1, 9)}. {rng.choice(PHRASES)}")
        elif kind == 7:
            out.append(f"{rng.choice('abcdđe')}) Nâng cao {rng.choice(PHRASES)} năm {y};")
        elif kind == 8:
            out += ["Nơi nhận:", "- Như trên;", f"- {rng.choice(['Chủ tịch', 'Phó Chủ tịch'])} UBND tỉnh;",
                    "- Lưu: VT, " + iss + "."]
        elif kind == 9:
            out += [rng.choice(["KT. GIÁM ĐỐC", "KT. CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN", "TL. CHỦ TỊCH"]),
                    rng.choice(["PHÓ GIÁM ĐỐC", "PHÓ CHỦ TỊCH", "CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]), rng.choice(NAMES)]
        elif kind == 10:
            out.append(f"- Tỷ lệ hồ sơ giải quyết đúng hạn đạt {rng.randint(80, 100)}%; {rng.randint(1, 300)} hồ sơ.")
        elif kind == 11:
            out.append(f"(Kèm theo {dt.capitalize()} số {num}/{ab}-{iss} ngày {d}/{m}/{y} của {rng.choice(AGENCIES).title()})")
        elif kind == 12:
            out.append(dt)
        else:
            out.append(f"V/v triển khai {rng.choice(PHRASES)} năm {y}")
    return out[:n]


def chunks(text, rng):
    """Cut paragraphs into printed lines of at most MAX_LINE characters."""
    for para in text.split("\n"):
        words = para.split()
        cur = ""
        width = rng.randint(45, MAX_LINE)
        for w in words:
            if len(cur) + 1 + len(w) > width and cur:
                yield cur
                cur = w
            else:
                cur = (cur + " " + w).strip()
        if cur:
            yield cur


def training_lines(shared, n, seed):
    """n training lines: ~55% law, ~20% Wikipedia, ~25% administrative templates, ~12% upper-cased."""
    rng = random.Random(seed)
    with open(os.path.join(HERE, "heldout.txt"), encoding="utf-8") as f:
        held = {ln.strip() for ln in f if ln.strip() and not ln.startswith(("#", "legal/"))}
    vlc = os.path.join(shared, "corpora", "vlc")
    laws = [x for x in sorted(os.listdir(vlc)) if x not in held]
    law_lines = []
    for name in rng.sample(laws, 30):
        with open(os.path.join(vlc, name), encoding="utf-8") as f:
            ls = [ln for ln in chunks(vn.retone_text(f.read()), rng) if len(ln) > 8]
        start = rng.randrange(max(1, len(ls) - 200))
        law_lines += ls[start:start + 200]
    wiki_lines = []
    with gzip.open(os.path.join(shared, "corpora", "viwiki", "viwiki.txt.gz"), "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i % 97 == 0 and not line.startswith(("###", "==")) and len(line) > 40:
                wiki_lines += list(chunks(vn.retone_text(line), rng))[:3]
            if len(wiki_lines) > n:
                break
    rng.shuffle(law_lines)
    rng.shuffle(wiki_lines)
    n_law, n_wiki = int(n * 0.55), int(n * 0.2)
    lines = law_lines[:n_law] + wiki_lines[:n_wiki] + admin_lines(rng, n - n_law - n_wiki)
    rng.shuffle(lines)
    return [ln.upper() if rng.random() < 0.12 else ln for ln in lines]


CONFIGS = [  # font, pt, dpi, noise, blur, rotate, jpeg
    ("serif", 13, 300, 0.2, 0.4, 0.3, 0),
    ("serif", 13, 200, 0.4, 0.6, 0.5, 75),
    ("serif", 12, 150, 0.5, 0.7, 0.4, 60),
    ("serif-bold", 13, 300, 0.3, 0.5, 0.2, 0),
    ("serif", 14, 300, 0.6, 1.0, 0.6, 50),
    ("dejavu-serif", 12, 200, 0.3, 0.5, 0.3, 0),
    ("sans", 12, 300, 0.3, 0.4, 0.2, 0),
    ("serif", 11, 200, 0.2, 0.3, 0.0, 80),
    ("serif-italic", 13, 300, 0.2, 0.4, 0.2, 0),
    ("serif", 13, 150, 0.7, 0.9, 0.8, 40),
    ("dejavu-sans", 12, 200, 0.4, 0.6, 0.3, 70),
    ("serif", 12, 300, 0.0, 0.0, 0.0, 0),
]


HEAVY = [  # degraded scans (photocopies, low resolution): appended with --heavy
    ("serif", 12, 150, 0.9, 2.2, 0.5, 40),
    ("serif", 11, 150, 1.0, 2.4, 0.6, 35),
    ("serif", 13, 200, 0.9, 2.0, 0.5, 40),
    ("serif-bold", 12, 150, 0.8, 2.0, 0.4, 50),
    ("dejavu-serif", 11, 150, 0.9, 2.0, 0.3, 40),
    ("serif", 12, 300, 1.0, 2.5, 0.8, 30),
]


def run_ocr(shared, pages, seed, heavy=False):
    """OCR `pages` new pages; with heavy, use the degraded settings and append to the stored pages."""
    import scanrender
    configs = HEAVY if heavy else CONFIGS
    lines = training_lines(shared, pages * LINES_PER_PAGE, seed + (1000 if heavy else 0))
    os.makedirs(DATA, exist_ok=True)
    tmp = RAW + ".part"
    first = 0
    with gzip.open(tmp, "wt", encoding="utf-8") as out:
        if heavy:
            if not os.path.exists(RAW):
                sys.exit(f"{RAW}: missing; --heavy appends to a normal run")
            with gzip.open(RAW, "rt", encoding="utf-8") as f:
                for line in f:
                    out.write(line)
                    first += 1
        for k in range(pages):
            p = first + k
            truth = lines[k * LINES_PER_PAGE:(k + 1) * LINES_PER_PAGE]
            cfg = configs[k % len(configs)]
            font, pt, dpi, noise, blur, rot, jpeg = cfg
            img = scanrender.render(truth, font=font, pt=pt, dpi=dpi, noise=noise, blur=blur * dpi / 300,
                                    rotate=random.Random(p).uniform(-rot, rot), jpeg=jpeg, seed=seed + p)
            rec = {"page": p, "config": cfg, "truth": truth}
            for model in ("eng", "vie"):
                rec[model] = scanrender.ocr(img, model, dpi=dpi)
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            out.flush()
            print(f"page {k + 1}/{pages} {font} {dpi}dpi: truth {len(truth)} lines, eng {len(rec['eng'])}, "
                  f"vie {len(rec['vie'])}", file=sys.stderr, flush=True)
    os.replace(tmp, RAW)


# ---------------------------------------------------------------- alignment

def lev_ops(a, b):
    """Levenshtein alignment of sequences a (ocr) and b (truth): list of (x, y) pairs where x/y are
    elements or None (insertion/deletion)."""
    n, m = len(a), len(b)
    d = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        d[i][0] = i
    for j in range(m + 1):
        d[0][j] = j
    for i in range(1, n + 1):
        ai, di, dp = a[i - 1], d[i], d[i - 1]
        for j in range(1, m + 1):
            c = dp[j - 1] + (ai != b[j - 1])
            if dp[j] + 1 < c:
                c = dp[j] + 1
            if di[j - 1] + 1 < c:
                c = di[j - 1] + 1
            di[j] = c
    ops, i, j = [], n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0 and d[i][j] == d[i - 1][j - 1] + (a[i - 1] != b[j - 1]):
            ops.append((a[i - 1], b[j - 1]))
            i, j = i - 1, j - 1
        elif i > 0 and d[i][j] == d[i - 1][j] + 1:
            ops.append((a[i - 1], None))
            i -= 1
        else:
            ops.append((None, b[j - 1]))
            j -= 1
    ops.reverse()
    return ops, d[n][m]


def align_lines(ocr_lines, truth_lines):
    """Pair OCR lines with truth lines (index-wise when the counts agree, else by a line-level DP)."""
    if len(ocr_lines) == len(truth_lines):
        return list(zip(ocr_lines, truth_lines))
    import difflib

    def cost(o, t):
        return 1.0 - difflib.SequenceMatcher(None, o, t, autojunk=False).ratio()
    n, m = len(ocr_lines), len(truth_lines)
    INF = float("inf")
    d = [[INF] * (m + 1) for _ in range(n + 1)]
    d[0] = [0.8 * j for j in range(m + 1)]
    for i in range(1, n + 1):
        d[i][0] = 0.8 * i
        for j in range(1, m + 1):
            d[i][j] = min(d[i - 1][j - 1] + cost(ocr_lines[i - 1], truth_lines[j - 1]),
                          d[i - 1][j] + 0.8, d[i][j - 1] + 0.8)
    pairs, i, j = [], n, m
    while i > 0 and j > 0:
        if d[i][j] == d[i - 1][j - 1] + cost(ocr_lines[i - 1], truth_lines[j - 1]):
            pairs.append((ocr_lines[i - 1], truth_lines[j - 1]))
            i, j = i - 1, j - 1
        elif d[i][j] == d[i - 1][j] + 0.8:
            i -= 1
        else:
            j -= 1
    pairs.reverse()
    return pairs


def plain_word(tok):
    """A Vietnamese syllable in any case (its errors are counted character by character)."""
    core = tok.strip(".,;:!?()[]\"'“”‘’…")
    return core.isalpha() and vn.canon_syllable(core) is not None


def count_line(ocr, truth, chars, tokens):
    o, t = unicodedata.normalize("NFC", " ".join(ocr.split())), unicodedata.normalize("NFC", " ".join(truth.split()))
    ops, dist = lev_ops(o, t)
    if dist > 0.6 * max(len(t), 1):  # a mis-paired or garbage line teaches nothing
        return False
    run_o, run_t = [], []

    def flush():
        if not run_o and not run_t:
            return
        so, st = "".join(run_o), "".join(run_t)
        if len(so) != len(st) and len(so) <= 3 and len(st) <= 3:
            chars[(so, st)] += 1  # rn→m, ườ→o, a dropped or added character
        else:
            for x, y in zip(run_pairs_o, run_pairs_t):
                chars[(x or "", y or "")] += 1
        run_o.clear(), run_t.clear(), run_pairs_o.clear(), run_pairs_t.clear()
    run_pairs_o, run_pairs_t = [], []
    for x, y in ops:
        if x == y:
            flush()
            chars[(x, y)] += 1
        else:
            if x:
                run_o.append(x)
            if y:
                run_t.append(y)
            run_pairs_o.append(x)
            run_pairs_t.append(y)
    flush()
    # whole tokens
    tops, _ = lev_ops(o.split(), t.split())
    for x, y in tops:
        if x and y and x != y and len(x) <= 24 and len(y) <= 24 and not (plain_word(y) and plain_word(x)):
            # a code, numeral or symbol misread (not two unrelated tokens paired by the alignment)
            if (not plain_word(y) or len(x) == 1) and lev_ops(x, y)[1] <= max(1, len(y) // 2):
                xs, ys = x.split("/"), y.split("/")
                if len(xs) > 1 and len(xs) == len(ys):
                    # number and symbol: count the symbol parts (2045/QD-UBND → QD-UBND→QĐ-UBND)
                    for xp, yp in zip(xs, ys):
                        if xp != yp and len(yp) <= 12:
                            tokens[(xp, yp)] += 1
                elif len(y) <= 12:
                    tokens[(x, y)] += 1
    return True


def read_right(model, ocr_lines, rows):
    """Rows `ocr = truth` for every OCR side longer than one character: how often OCR wrote that
    string and it was right, so that the restorer's P(truth | ocr) has the right denominator.
    Single characters get theirs from the alignment; a string such as `tr` was only counted when it
    was wrong, so a lone `tr`→`n` made `tr` read as `n` for sure. Its occurrences in the OCR lines
    used, less the times it was read for something else, are the times it was right (`tr` is
    written thousands of times, and `n` was meant once)."""
    wrong = collections.Counter()
    for m, o, t, n in rows:
        if m == model and len(o) > 1 and o != t:
            wrong[o] += n
    short = {o for o in wrong if len(o) <= 3}
    seen = collections.Counter()
    for line in ocr_lines:
        for k in (2, 3):
            for i in range(len(line) - k + 1):
                w = line[i:i + k]
                if w in short:
                    seen[w] += 1
        for tok in line.split():
            if tok in wrong and tok not in short:
                seen[tok] += 1
    return [(model, o, o, seen[o] - n) for o, n in wrong.items() if seen[o] > n]


def count(min_token=1):
    chars = {"eng": collections.Counter(), "vie": collections.Counter()}
    tokens = {"eng": collections.Counter(), "vie": collections.Counter()}
    used = {"eng": [], "vie": []}
    stats = collections.Counter()
    with gzip.open(RAW, "rt", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            for model in ("eng", "vie"):
                for o, t in align_lines(rec[model], rec["truth"]):
                    ok = count_line(o, t, chars[model], tokens[model])
                    stats[(model, ok)] += 1
                    if ok:
                        used[model].append(unicodedata.normalize("NFC", " ".join(o.split())))
    rows = []
    for model in ("eng", "vie"):
        for (o, t), n in chars[model].items():
            rows.append((model, o, t, n))
        for (o, t), n in tokens[model].items():
            if n >= min_token and (len(o) > 3 or len(t) > 3):
                rows.append((model, o, t, n))
        rows += read_right(model, used[model], rows)
    rows.sort(key=lambda r: (r[0], -r[3], r[2], r[1]))
    path = os.path.join(DATA, "channel.tsv")
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for r in rows:
            if "\t" in r[1] or "\n" in r[1]:
                continue
            out.write("\t".join(str(x) for x in r) + "\n")
    print(f"wrote {path}: {len(rows)} rows; line pairs used/skipped: {dict(stats)}", file=sys.stderr)


def coverage(eval_dir):
    """Share of the confusions in held-out OCR (fixtures/eval NAME.MODEL.txt vs NAME.gt.txt) that
    channel.tsv has measured: the recall ceiling of candidates drawn from it."""
    table = set()
    with open(os.path.join(DATA, "channel.tsv"), encoding="utf-8") as f:
        for line in f:
            m, o, t, _ = line.rstrip("\n").split("\t")
            table.add((m, o, t))
    for model in ("eng", "vie"):
        seen = collections.Counter()
        for name in sorted(os.listdir(eval_dir)):
            if not name.endswith(".gt.txt"):
                continue
            hyp = os.path.join(eval_dir, name[:-7] + f".{model}.txt")
            if not os.path.exists(hyp):
                continue
            with open(os.path.join(eval_dir, name), encoding="utf-8") as f:
                truth = f.read().split("\n")
            with open(hyp, encoding="utf-8") as f:
                ocr = f.read().split("\n")
            for o, t in zip(ocr, truth):
                chars, toks = collections.Counter(), collections.Counter()
                count_line(o, t, chars, toks)
                for (x, y), n in chars.items():
                    if x != y:
                        seen[(x, y) if (model, x, y) in table else None] += n
        total = sum(seen.values())
        miss = seen[None]
        print(f"{model}: {total} character confusions in {eval_dir}, {total - miss} "
              f"({(total - miss) / max(total, 1):.1%}) of them measured in channel.tsv")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "shared"))
    ap.add_argument("--pages", type=int, default=80)
    ap.add_argument("--seed", type=int, default=30)
    ap.add_argument("--count-only", action="store_true", help="recount from data/channel_ocr.jsonl.gz")
    ap.add_argument("--heavy", action="store_true", help="append pages of degraded scans to the stored ones")
    ap.add_argument("--coverage", metavar="EVAL_DIR", help="report how much of the held-out OCR errors "
                    "channel.tsv covers (e.g. fixtures/eval), then stop")
    a = ap.parse_args()
    if a.coverage:
        coverage(a.coverage)
        return
    if not a.count_only:
        if not os.path.isdir(os.path.join(a.shared, "corpora")):
            sys.exit(f"{a.shared}: no corpora/ here; pass --shared PATH_TO_SHARED")
        run_ocr(a.shared, a.pages, a.seed, a.heavy)
    if not os.path.exists(RAW):
        sys.exit(f"{RAW}: missing; run without --count-only first")
    count()


if __name__ == "__main__":
    main()
