"""Vietnamese syllable structure: parsing, validity by phonotactics, and tone placement.

Used by build.py (dictionary building), channel.py and fixtures/eval/make.py.
The project writes the "new" tone placement of its charter: hòa, ủy, thủy (the mark on the first vowel of an
open oa/oe/uy rime), and accepts both spellings on input (hoà → hòa, uỷ → ủy).
"""
import re
import unicodedata

# tone marks as combining characters (NFD)
GRAVE, ACUTE, HOOK, TILDE, DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
TONES = (GRAVE, ACUTE, HOOK, TILDE, DOT)
TONE_SET = set(TONES)

ONSETS = {
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh",
    "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
}
CODAS = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t"}
STOPS = {"c", "ch", "p", "t"}
# vowel clusters (toneless) that may form a nucleus, with or without glides
CLUSTERS = set(
    "a ă â e ê i o ô ơ u ư y "
    "ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ôô ua uâ uê ui uô uơ ưa ưi ươ ưu uy yê "
    "iêu oai oao oay oeo uây uôi ươi ươu uya uyê uyu yêu".split()
)
# clusters that must be followed by a consonant coda
NEED_CODA = {"ă", "â", "iê", "yê", "uô", "ươ", "oă", "uâ", "uyê", "oo", "ôô"}
# clusters ending in a glide: no consonant coda may follow (uy takes ch/nh/t/n: huých, huỳnh, huýt)
GLIDE_END = {c for c in CLUSTERS if len(c) > 1 and c[-1] in "iyou" and c not in {"oo", "ôô", "uy"}}
VOWELS = set("aăâeêioôơuưy")
MARKED = set("ăâêôơư")

_LETTER_RE = re.compile(r"^[a-zđăâêôơư]+$")


def nfc(s: str) -> str:
    """NFC-normalise."""
    return unicodedata.normalize("NFC", s)


def split_tone(syl: str):
    """Split a lowercase syllable into (toneless NFC base, tone combining char or '')."""
    d = unicodedata.normalize("NFD", syl)
    tone = ""
    base = []
    for ch in d:
        if ch in TONE_SET:
            if tone and tone != ch:
                return None, None  # two different tones: not a syllable
            tone = ch
        else:
            base.append(ch)
    return nfc("".join(base)), tone


def parse(base: str):
    """Parse a toneless lowercase syllable into (onset, cluster, coda) or None."""
    if not base or not _LETTER_RE.match(base):
        return None
    i = 0
    while i < len(base) and base[i] not in VOWELS:
        i += 1
    onset = base[:i]
    rest = base[i:]
    # qu and gi: the u / i belongs to the onset when a vowel follows
    if onset == "q":
        if rest.startswith("u") and len(rest) > 1 and rest[1] in VOWELS:
            onset, rest = "qu", rest[1:]
        else:
            return None
    elif onset == "g" and rest.startswith("i") and len(rest) > 1 and rest[1] in VOWELS:
        # gi + vowel (già, giữ, giêng) but not gi + ê... when it is the i-ê cluster with no onset? (giêng = gi+ê+ng)
        onset, rest = "gi", rest[1:]
    j = 0
    while j < len(rest) and rest[j] in VOWELS:
        j += 1
    cluster, coda = rest[:j], rest[j:]
    if onset not in ONSETS or coda not in CODAS or cluster not in CLUSTERS:
        return None
    return onset, cluster, coda


def valid_base(onset: str, cluster: str, coda: str) -> bool:
    """Phonotactic and spelling checks for a parsed toneless syllable."""
    if cluster in NEED_CODA and not coda:
        # exception: gi + ê... never occurs open; 'uô' open no; keep strict
        return False
    if coda and cluster in GLIDE_END:
        return False
    if cluster in {"ia", "ua", "ưa", "uya"} and coda:
        return False
    if cluster == "uy" and coda not in {"", "ch", "nh", "t", "n"}:
        return False
    first = cluster[0]
    # spelling rules: k/gh/ngh only before front vowels, c/g/ng never before them
    front = first in "ieêy"
    if onset in {"k", "gh", "ngh"} and not front:
        return False
    if onset in {"c", "ng"} and front:
        return False
    if onset == "g" and first in "eê":
        return False
    if onset == "qu" and cluster[0] in "uo":
        return False
    if coda in {"ch", "nh"} and cluster[-1] not in "aêiy":
        return False
    full = "i" + cluster if onset == "gi" else cluster  # giếng behaves like iêng
    if coda in {"ng", "c"} and full[-1] in "iêy" and full not in {"iê", "yê", "uyê"}:
        return False
    return True


def place_tone(onset: str, cluster: str, coda: str, tone: str) -> str:
    """Write a syllable with the tone mark where the project's convention puts it (hòa, ủy, thủy)."""
    if not tone:
        return nfc(onset + cluster + coda)
    idx = None
    marked = [k for k, ch in enumerate(cluster) if ch in MARKED]
    if marked:
        idx = marked[-1]  # ươ → ơ, uô → ô, iê → ê
    elif len(cluster) == 1:
        idx = 0
    elif coda:
        idx = len(cluster) - 1  # hoàn, huýt, hoạch
    elif len(cluster) == 2:
        idx = 0  # hòa, thủy, mía, múa, hái
    else:
        idx = 1  # oái, khuỷu, ngoẹo
    chars = list(cluster)
    chars[idx] = nfc(chars[idx] + tone)
    return nfc(onset + "".join(chars) + coda)


def canon_syllable(tok: str):
    """Lowercase Vietnamese syllable in canonical form (NFC, project tone placement), or None if the token
    is not a valid Vietnamese syllable."""
    low = nfc(tok).lower()
    base, tone = split_tone(low)
    if base is None:
        return None
    p = parse(base)
    if p is None or not valid_base(*p):
        return None
    onset, cluster, coda = p
    if coda in STOPS and tone not in ("", ACUTE, DOT):
        return None
    if coda in STOPS and tone == "":
        return None
    return place_tone(onset, cluster, coda, tone)


def rime_of(syl: str):
    """Toneless rime (cluster + coda) of a canonical syllable, or None."""
    base, _ = split_tone(syl)
    if base is None:
        return None
    p = parse(base)
    return None if p is None else p[1] + p[2]


def retone_token(tok: str) -> str:
    """Rewrite one token (any case) with the project's tone placement, keeping its case; tokens that are
    not syllables come back unchanged (NFC)."""
    t = nfc(tok)
    c = canon_syllable(t)
    if c is None:
        return t
    if t.isupper() and len(t) > 1:
        return c.upper()
    if t[:1].isupper():
        return c[:1].upper() + c[1:]
    return c


_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)


def retone_text(text: str) -> str:
    """Rewrite every syllable of a text with the project's tone placement (NFC)."""
    return _WORD_RE.sub(lambda m: retone_token(m.group(0)), nfc(text))
