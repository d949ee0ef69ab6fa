//! The decoder: one line at a time, a lattice of candidate readings per token, scored by the
//! syllable bigram model plus the channel cost, best path found by Viterbi, confidence from
//! max-marginals (forward + backward best-path costs through each candidate).
//!
//! Tokens are classified first: punctuation, numbers and acronyms (the `<num>` and `<abbr>`
//! states of the language model), protected tokens and codes (kept, with known code repairs such
//! as `ND-CP` → `NĐ-CP`), and words, which get candidates. A line that is a person's name alone
//! (`Pham Thi Anh Thu` under a signature) is read with the person-name model instead of the
//! word-sequence model, which knows `vi phạm thì` but not the name `Phạm Thị`. A line in which
//! most words already are accented syllables is treated as correct text: its valid syllables
//! keep their reading unless the evidence against them is strong. All costs are scaled integers; the [`Worker`] keeps its buffers between lines,
//! and the [`Cache`] (one per restorer, shared by its threads) keeps the candidate list of every
//! word already seen: archives repeat their words massively.

use crate::channel::Plan;
use crate::lexicon::COST_SCALE;
use crate::model::{FxHasher, FxMap, Model};
use crate::text::{
    case_of, has_marks, is_vowel_letter, normalize_word, push_cased, skeleton, skeleton_into,
    split_edges, Case,
};
use crate::trie::Trie;
use crate::Token;
use std::hash::{BuildHasher, BuildHasherDefault};
use std::sync::{Arc, PoisonError, RwLock};

/// Weight of the channel cost against the language model, in percent.
const CHANNEL_WEIGHT: i32 = 120;
/// Penalty on moving away from a valid syllable in a line of accented text.
const KEEP_ACCENTED: i32 = 500;
/// Further penalty on re-marking a capitalised marked syllable in a line of accented text.
const KEEP_NAME: i32 = 500;
/// Penalty on re-marking an unmarked valid syllable in a line of accented text.
const KEEP_PLAIN: i32 = 400;
/// Language-model cost of a lowercase word the dictionary does not know.
const OOV_LOWER: i32 = 1500;
/// Language-model cost of a capitalised word the dictionary does not know (names, acronyms).
const OOV_UPPER: i32 = 1100;
/// Language-model cost of keeping a word with digits or symbols among its letters (`s6`, `K&`).
const OOV_GARBLED: i32 = 2000;
/// Extra cost of keeping a lone digit or symbol as it is (a lone `6` in OCR text is more often `ở`).
const LONE_GLYPH: i32 = 200;
/// Bonus for two capitalised tokens that spell a known name together.
const NAME_BONUS: i32 = 300;
/// Cost of a reading that is not a syllable on a person-name line (a kept unknown word).
const NAME_OOV: i32 = 1500;
/// Bonus for a clerk-confirmed word.
const USER_BONUS: i32 = 500;
/// Extra channel cost of reading a capital `I` as a lowercase `l` (none: on fixtures/dev the
/// language model alone tells `Idn` = `lớn` from `In` = `In`).
const L_FOR_I: i32 = 0;
/// Words longer than this (in characters) get no candidates (the longest syllable has 7 letters).
const MAX_WORD_CHARS: usize = 24;
/// Skeletons dearer than the cheapest by more than this are not scored.
const SKELETON_MARGIN: i32 = 500;
/// Most skeletons scored per token.
const MAX_SKELETONS: usize = 16;
/// Candidates dearer (channel + unigram) than the best by more than this are dropped.
const CAND_MARGIN: i32 = 900;
/// Most candidates kept per token.
const MAX_CANDS: usize = 16;
/// Candidates whose best first-order path is dearer than the slot's best by more than this are
/// left out of the second-order search.
const PRUNE_MARGIN: i32 = 700;
/// Changes below this confidence are flagged uncertain.
pub const UNCERTAIN_BELOW: f32 = 0.7;
/// Softness of the confidence (cost units per e-fold).
const CONF_TEMP: f32 = COST_SCALE;

/// How a candidate is written out.
#[derive(Debug, Clone)]
enum Out {
    /// The raw core, unchanged.
    Keep,
    /// A fixed replacement of the core (code repair).
    Fixed(String),
    /// A dictionary syllable, to be cased like the input.
    Syl(u32),
    /// A lowercase clerk-confirmed word, to be cased like the input.
    Word(String),
}

/// One candidate reading of a token.
#[derive(Debug, Clone)]
pub struct Cand {
    out: Out,
    /// Language-model state; `None` for a word outside the model.
    id: Option<u32>,
    /// Channel and penalty cost.
    local: i32,
    /// Language-model cost when the word is outside the model.
    oov: i32,
    /// The reading takes in the glyph after the word's core (`t?` for `ử`), which is then
    /// dropped from the punctuation written after it.
    glued: bool,
    /// The reading takes the word's capital `I` for a lowercase `l` (`Idi` for `lợi`).
    lowered: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Nothing to restore, not part of the language model (punctuation, codes, protected).
    Inert,
    /// A token the model knows by its class only: a number (`<num>`) or an acronym (`<abbr>`).
    Class,
    /// A word with candidates.
    Word,
}

#[derive(Debug, Clone)]
struct Slot {
    kind: Kind,
    /// The token starts with a capital (names are looked for between such tokens).
    cap: bool,
    /// Context is cut before this token.
    cut_before: bool,
    /// On a person-name line: the slot's part of the name (0 surname, 1 middle, 2 given), whose
    /// cost replaces the language model's.
    name_part: Option<u8>,
    start: usize,
    end: usize,
}

/// Candidate lists of the words seen so far, keyed by the lowercase word and the line flags that
/// shape the list; sharded so that threads rarely wait on one another. A shard that grows past
/// its bound is emptied (the cache only saves work, it never changes a result).
#[derive(Debug)]
pub struct Cache {
    shards: Vec<Shard>,
}

/// Line flags (keep, clean, lowercase) and the word's case (all capitals) a candidate list
/// depends on: 4 bits.
const FLAG_SETS: usize = 16;

/// One shard of the candidate cache: lowercase word → candidate list per set of line flags.
type Shard = RwLock<FxMap<Box<str>, [Option<Arc<[Cand]>>; FLAG_SETS]>>;

/// Shards of the candidate cache.
const CACHE_SHARDS: usize = 16;
/// Entries a cache shard holds before it is emptied.
const CACHE_SHARD_MAX: usize = 1 << 14;

impl Default for Cache {
    fn default() -> Cache {
        Cache {
            shards: (0..CACHE_SHARDS).map(|_| RwLock::default()).collect(),
        }
    }
}

impl Cache {
    fn shard(&self, word: &str) -> &Shard {
        let h = BuildHasherDefault::<FxHasher>::default().hash_one(word);
        &self.shards[(h >> 7) as usize % CACHE_SHARDS]
    }

    fn get(&self, word: &str, flags: u8) -> Option<Arc<[Cand]>> {
        let shard = self
            .shard(word)
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        shard.get(word)?[flags as usize % FLAG_SETS].clone()
    }

    fn insert(&self, word: &str, flags: u8, list: Arc<[Cand]>) {
        let mut shard = self
            .shard(word)
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(lists) = shard.get_mut(word) {
            lists[flags as usize % FLAG_SETS] = Some(list);
            return;
        }
        if shard.len() >= CACHE_SHARD_MAX {
            shard.clear();
        }
        let mut lists: [Option<Arc<[Cand]>>; FLAG_SETS] = Default::default();
        lists[flags as usize % FLAG_SETS] = Some(list);
        shard.insert(word.into(), lists);
    }

    /// Forgets every list (the next pass over a text is a cold one again).
    pub fn clear(&self) {
        for s in &self.shards {
            s.write().unwrap_or_else(PoisonError::into_inner).clear();
        }
    }

    /// Number of words cached.
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.read().unwrap_or_else(PoisonError::into_inner).len())
            .sum()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Per-thread decoding state, reused from line to line.
#[derive(Debug, Default)]
pub struct Worker {
    cands: Vec<Cand>,
    slots: Vec<Slot>,
    alpha: Vec<i32>,
    beta: Vec<i32>,
    plan: Plan,
    dp: crate::channel::Scratch,
    expand: FxMap<u32, i32>,
    seen: FxMap<u64, [i32; crate::channel::MAX_EDITS as usize + 1]>,
    delta: Vec<i32>,
    dback: Vec<u32>,
    pair_off: Vec<usize>,
    /// Per pair of candidates in context: the bigram cost less the name bonus.
    pair_cost: Vec<i32>,
    /// Per pair of candidates in context: the back-off cost of the triples the pair starts, or
    /// `u32::MAX` when the pair is not stored (no triple can follow it).
    pair_ctx: Vec<u32>,
    /// Pair costs between candidate lists met before, kept from line to line.
    pair_cache: crate::paircache::PairCache,
    /// Per slot: its candidate list's number in `pair_cache`.
    list_no: Vec<u32>,
    upper_line: bool,
    live: Vec<u32>,
    live_off: Vec<usize>,
    /// The normalised lowercase core of each token of the line.
    lowers: Vec<String>,
    /// Scratch: a skeleton.
    skel_buf: String,
    /// Scratch: skeleton nodes reached by generation, with their cost.
    nodes: Vec<(i32, u32)>,
    /// Scratch: candidates sorted by a cost.
    order: Vec<u64>,
    /// Cost of the best reading of the last line decoded (its context included).
    cost: i32,
    /// The last line decoded is mostly accented syllables the dictionary knows.
    accented_line: bool,
    /// Per token of the last line decoded: a word that spells no syllable the dictionary knows.
    unknown: Vec<bool>,
    /// Scratch: per candidate of a slot, the cost of the best path after it.
    rest: Vec<i32>,
    /// Per token of the next line to decode: a word OCR read unsurely, which a line of accented
    /// text does not hold to its reading (set by the caller; empty: none).
    pub weak: Vec<bool>,
}

fn is_number(core: &str) -> bool {
    core.bytes().any(|c| c.is_ascii_digit())
        && core
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b',' | b'/' | b':' | b'-' | b'%'))
}

/// Codes, dates, e-mails, URLs: separators between characters (`52/KH-SNgV`, `a@b.vn`, `3.5`).
fn is_code(core: &str) -> bool {
    core.contains(['/', '-', '.', ':', '_', '=', '⁄', '∕'])
        || core
            .find('@')
            .is_some_and(|i| core[i..].contains('.') && i > 0)
}

/// A word that starts with digits run into letters (`04tháng`, `82tháng`, `2025năm`), or a date
/// word with the number run into it (`ngày82tháng`, `ngày22`, `số15`): the number and the words apart when the letters spell a syllable, else the token as read (also when what
/// follows the digits is not letters: `9ð`). OCR misreads
/// single letters as digits (`1ớn`, `6ng`), so one digit is split off only before a word that
/// follows numbers in dates and times (`ngày`, `tháng`, `năm`, `giờ`, `phút`).
fn digits_glued(m: &Model, core: &str) -> Option<Out> {
    // most words hold no digit: they leave here, before any lowercasing
    if !core.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    const AFTER_NUMBERS: &[&str] = &["ngày", "tháng", "năm", "giờ", "phút"];
    // `ngày82tháng`, `ngày22`: a date word, a number written into the template's blank, and the
    // next date word
    if let Some(p) = AFTER_NUMBERS.iter().chain(&["số"]).find(|p| {
        core.len() > p.len()
            && core.is_char_boundary(p.len())
            && core[..p.len()].to_lowercase() == **p
    }) {
        let rest = &core[p.len()..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let after = &rest[digits..];
        if digits > 0
            && (after.is_empty() || AFTER_NUMBERS.contains(&after.to_lowercase().as_str()))
        {
            let head = &core[..p.len()];
            let num = &rest[..digits];
            return Some(Out::Fixed(if after.is_empty() {
                format!("{head} {num}")
            } else {
                format!("{head} {num} {after}")
            }));
        }
    }
    let digits = core.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &core[digits..];
    if digits == 0 || rest.is_empty() {
        return None;
    }
    if !rest.chars().all(crate::text::is_alpha) {
        // `9ð`, `0,5m`: digits first, then what is no word: kept as read
        return Some(Out::Keep);
    }
    let lower = rest.to_lowercase();
    let known = m.is_syllable(&lower);
    if digits == 1 {
        return (known && AFTER_NUMBERS.contains(&lower.as_str()))
            .then(|| Out::Fixed(format!("{} {rest}", &core[..digits])));
    }
    Some(if known {
        Out::Fixed(format!("{} {rest}", &core[..digits]))
    } else {
        Out::Keep
    })
}

/// A capital letter followed by letters and at least two digits in a row (`A03`, `B12`): a code
/// (OCR's misreadings of a letter as a digit come one at a time: `s6`, `d6ng`).
fn is_letter_digit_code(core: &str) -> bool {
    let b = core.as_bytes();
    b.first().is_some_and(u8::is_ascii_uppercase)
        && b.windows(2)
            .any(|w| w[0].is_ascii_digit() && w[1].is_ascii_digit())
        && core.chars().all(|c| c.is_ascii_alphanumeric())
}

/// A capitalised word with an apostrophe between letters (`D'Ran`, `K'Nàng`, `M'gar`,
/// `H'đing`): minority-language names, written so in the gazetteer.
fn is_apostrophe_name(core: &str) -> bool {
    let mut chars = core.chars();
    if !chars.next().is_some_and(char::is_uppercase) {
        return false;
    }
    let v: Vec<char> = core.chars().collect();
    v.len() >= 3
        && v.iter()
            .all(|&c| crate::text::is_alpha(c) || c == '\'' || c == '’')
        && (1..v.len() - 1).any(|i| {
            matches!(v[i], '\'' | '’')
                && crate::text::is_alpha(v[i - 1])
                && crate::text::is_alpha(v[i + 1])
        })
}

/// A single digit or symbol standing alone that the channel knows as a misread letter
/// (`6` or `@` for `ở`). Rule-like marks (`|`, `_`, `=`, dashes) standing alone are table ruling
/// lines or specks on a scan far more often than letters, so they are never taken for one.
fn is_lone_glyph(m: &Model, core: &str) -> bool {
    const RULES: &[char] = &['|', '_', '=', '-', '–', '—', '~', '¦'];
    let mut it = core.chars();
    matches!((it.next(), it.next()), (Some(c), None)
        if !crate::text::is_alpha(c) && !RULES.contains(&c) && m.channel.stands_for_letter(c))
}

/// A word written with a capital `I` and then lowercase letters (`Idi`, `Idn`): the English
/// model's reading of a lowercase `l`.
fn l_for_i(core: &str) -> bool {
    let mut it = core.chars();
    it.next() == Some('I') && core.len() >= 2 && it.all(|c| c.is_lowercase() || c.is_ascii_digit())
}

/// The glyph right after a word's letters that OCR may have made of a mark (`?` or `’` for the
/// hook or horn: `t?` for `ử`, `o’` for `ơ`), when there is one.
fn glue_glyph(core: &str, trail: &str) -> Option<char> {
    let g = trail.chars().next()?;
    (matches!(g, '?' | '’' | '\'')
        && !core.is_empty()
        && core.chars().all(crate::text::is_alpha)
        && core.chars().count() <= 6)
        .then_some(g)
}

/// Roman numerals that also spell a syllable (`VI` for `VỊ` in `ĐƠN VỊ`, `XI` for `XÍ`).
/// True when a token is an acronym the model knows as `<abbr>`: two or more capitals that spell
/// neither a syllable nor a Roman numeral (`UBND`, `NV`, `HĐND`); `lower` is the token's
/// lowercase form, already made for the line.
fn is_acronym(m: &Model, core: &str, lower: &str) -> bool {
    let mut n = 0;
    for c in core.chars() {
        if !c.is_uppercase() {
            return false;
        }
        n += 1;
    }
    n > 1
        && !core
            .chars()
            .all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C' | 'D' | 'M'))
        && !m.ids.contains_key(lower)
}

/// The part of a person's name the `i`-th of `n` words is: surname first, given name last.
fn name_part(i: usize, n: usize) -> usize {
    match i {
        0 => 0,
        _ if i + 1 == n => 2,
        _ => 1,
    }
}

fn roman_word(core: &str) -> bool {
    matches!(core, "VI" | "XI")
}

/// True when a token names a numbered part (`Chương`, `Mục`, `Phần`, `Điều`...) so that a Roman
/// numeral after it is a number.
fn after_heading_word(tok: &str) -> bool {
    let (_, core, _) = split_edges(tok);
    let sk = skeleton(core);
    matches!(
        sk.as_str(),
        "chuong"
            | "muc"
            | "phan"
            | "dieu"
            | "khoan"
            | "tiet"
            | "phu"
            | "luc"
            | "so"
            | "quyen"
            | "tap"
    ) || !core.chars().any(crate::text::is_alpha)
}

/// Roman numerals read with `1` and `l` for `I` (`11.` → `II.`).
fn roman_repair(core: &str) -> Option<String> {
    if core.is_empty() || core.len() > 4 || !core.contains(['1', 'l']) {
        return None;
    }
    if !core
        .chars()
        .all(|c| matches!(c, '1' | 'l' | 'I' | 'V' | 'X'))
    {
        return None;
    }
    if core == "1" {
        return None;
    }
    let fixed: String = core
        .chars()
        .map(|c| if c == '1' || c == 'l' { 'I' } else { c })
        .collect();
    let valid = [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII",
    ];
    valid.contains(&fixed.as_str()).then_some(fixed)
}

/// `Quý 11/2024` → `Quý II/2024`: a quarter is I–IV, so figures read for it after `Quý` are a
/// Roman numeral with `1` for `I` (cell OCR of the plan fixture's schedule column). A lone `1`
/// (`Quý 1/2024`, as some offices write quarters) is left alone.
fn quarter_repair(prev: &str, core: &str) -> Option<String> {
    let (_, before, _) = split_edges(prev);
    if skeleton(before) != "quy" {
        return None;
    }
    let (q, year) = match core.split_once('/') {
        Some((q, y)) if y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()) => (q, Some(y)),
        Some(_) => return None,
        None => (core, None),
    };
    let fixed = roman_repair(q).filter(|r| matches!(r.as_str(), "I" | "II" | "III" | "IV"))?;
    Some(match year {
        Some(y) => format!("{fixed}/{y}"),
        None => fixed,
    })
}

impl Worker {
    /// A fresh worker.
    pub fn new() -> Worker {
        Worker::default()
    }

    /// Restores the tokens `tokens[own]` of one line; the tokens around that range (the end of
    /// the line before, the start of the line after) only lend their context, and the line's
    /// statistics (accented, capitals, clean) are taken on its own tokens.
    pub fn restore_line(
        &mut self,
        m: &Model,
        cache: &Cache,
        tokens: &[&str],
        own: std::ops::Range<usize>,
    ) -> Vec<Token> {
        self.cands.clear();
        self.slots.clear();
        // each token's core, normalised and lowercased once
        // (the strings are kept from line to line and refilled)
        if self.lowers.len() < tokens.len() {
            self.lowers.resize_with(tokens.len(), String::new);
        }
        for (t, out) in tokens.iter().zip(&mut self.lowers) {
            let (_, core, _) = split_edges(t);
            out.clear();
            if core.is_ascii() {
                out.push_str(core);
                out.make_ascii_lowercase();
            } else {
                out.push_str(&normalize_word(core).to_lowercase());
            }
        }
        // line statistics
        let mut words = 0usize;
        let mut accented = 0usize;
        let mut upper = 0usize;
        for (t, n) in tokens[own.clone()].iter().zip(&self.lowers[own.clone()]) {
            let (_, core, _) = split_edges(t);
            if core.chars().any(crate::text::is_alpha) && !is_code(core) {
                // acronyms (`TGĐ`, `TTĐT`, `QHQT`) spell no syllable: a line of them around a
                // title-case word (`TGĐ Công TTĐT`) is not a line in capitals
                if case_of(core) == Case::Upper
                    && !m.skel.contains_key(skeleton_into(n, &mut self.skel_buf))
                {
                    continue;
                }
                words += 1;
                if has_marks(n) && m.ids.contains_key(n) {
                    accented += 1;
                }
                if case_of(core) == Case::Upper {
                    upper += 1;
                }
            }
        }
        let upper_line = words > 0 && upper * 2 > words;
        self.upper_line = upper_line;
        self.unknown.clear();
        self.unknown.resize(tokens.len(), false);
        let accented_line = words > 0 && accented * 2 >= words;
        self.accented_line = accented_line;
        // A line whose every word already spells a known syllable skeleton shows no sign of OCR
        // damage: its words are only re-marked, never rewritten. A word with marks that spell no
        // syllable (`diép`, `liéu`: the English model's accents) is such a sign.
        let clean_line = tokens[own.clone()]
            .iter()
            .zip(&self.lowers[own.clone()])
            .all(|(t, lower)| {
                let (_, core, _) = split_edges(t);
                !core.chars().any(crate::text::is_alpha)
                    || is_code(core)
                    || m.protected.contains(core)
                    || (m
                        .skel
                        .contains_key(skeleton_into(lower, &mut self.skel_buf))
                        && (!has_marks(lower) || m.ids.contains_key(lower)))
                    || m.user.contains_key(lower)
                    || (!upper_line
                        && lower.chars().all(|c| c.is_ascii_alphabetic())
                        && case_of(core) == Case::Upper)
            });

        let mut cut_next = true;
        for (ti, tok) in tokens.iter().enumerate() {
            let (lead, core, trail) = split_edges(tok);
            let start = self.cands.len();
            let glue = glue_glyph(core, trail);
            let mut cut_before = cut_next || !lead.is_empty();
            let mut kind;
            if core.is_empty() {
                kind = Kind::Inert;
                self.push_fixed(Out::Keep);
            } else if let Some(r) = (ti == own.start && trail.starts_with('.'))
                .then(|| roman_repair(core))
                .flatten()
                .filter(|_| upper_line || !core.chars().any(|c| c.is_ascii_digit()))
            {
                kind = Kind::Inert;
                self.push_fixed(Out::Fixed(r));
            } else if let Some(r) = ti
                .checked_sub(1)
                .and_then(|p| quarter_repair(tokens[p], core))
            {
                kind = Kind::Inert;
                self.push_fixed(Out::Fixed(r));
            } else if is_number(core) && !is_lone_glyph(m, core) {
                kind = Kind::Class;
                self.cands.push(Cand {
                    out: Out::Keep,
                    id: Some(m.num_id),
                    local: 0,
                    oov: 0,
                    glued: false,
                    lowered: false,
                });
            } else if is_lone_glyph(m, core) {
                // a lone digit or symbol: a number, or a one-letter word OCR misread (`6` for `ở`)
                kind = Kind::Word;
                let lower = core.to_lowercase();
                // flags 4: not keeping, not clean, lowercase (as a lowercase word asks)
                let list = self.cached(m, cache, &lower, 4, Case::Lower);
                self.cands
                    .extend(list.iter().filter(|c| !matches!(c.out, Out::Keep)).cloned());
                let number = core.chars().all(|c| c.is_ascii_digit());
                self.cands.push(Cand {
                    out: Out::Keep,
                    id: number.then_some(m.num_id),
                    local: LONE_GLYPH,
                    oov: if number { 0 } else { OOV_LOWER },
                    glued: false,
                    lowered: false,
                });
            } else if core.chars().count() == 1
                && core.chars().all(|c| c.is_ascii_alphabetic())
                && (trail.starts_with(')') || trail.starts_with('.'))
            {
                // list markers: a) b. c)
                kind = Kind::Inert;
                self.push_fixed(Out::Keep);
            } else if m.protected.contains(core)
                && !(ti > own.start && roman_word(core) && !after_heading_word(tokens[ti - 1]))
            {
                if is_acronym(m, core, &self.lowers[ti]) {
                    kind = Kind::Class;
                    self.push_acronym(m);
                } else {
                    kind = Kind::Inert;
                    self.push_fixed(Out::Keep);
                }
            } else if is_code(core) {
                kind = Kind::Inert;
                let fixed = repair_code(m, core);
                self.push_fixed(fixed.map_or(Out::Keep, Out::Fixed));
            } else if let Some(fixed) = m.code_repair.get(core) {
                kind = Kind::Inert;
                self.push_fixed(Out::Fixed(fixed.clone()));
            } else if let Some(fixed) = digits_glued(m, core) {
                // `04tháng`, `82tháng`: a number run into the next word; its digits are never
                // read as letters nor dropped
                kind = Kind::Inert;
                self.push_fixed(fixed);
            } else if is_letter_digit_code(core) || is_apostrophe_name(core) {
                // `A03`, `K'Nàng`, `D'Ran`: a code or a minority-language name, not a word to repair
                kind = Kind::Inert;
                self.push_fixed(Out::Keep);
            } else {
                kind = Kind::Word;
                let case = case_of(core);
                let lower = std::mem::take(&mut self.lowers[ti]);
                let known = m.is_syllable(&lower) || m.user.contains_key(&lower);
                self.unknown[ti] = !known;
                let acronym = case == Case::Upper
                    && !upper_line
                    && core.chars().all(|c| c.is_ascii_alphabetic())
                    && !m.skel.contains_key(&lower);
                let lone_letter = accented_line && core.chars().count() == 1 && !known;
                // a capitalised word that is no syllable, among correctly marked words, is a
                // name (`Ea Rốk`, `Đạ Chais`, `Kbang`), not damage; but one whose letters spell a
                // syllable with other marks (`Quyêt`, `Phô`) is a Vietnamese word OCR misread
                let foreign_name = accented_line
                    && !known
                    && case == Case::Title
                    && !m.skel.contains_key(skeleton(&lower).as_str());
                if acronym && is_acronym(m, core, &lower) {
                    kind = Kind::Class;
                    self.push_acronym(m);
                } else if acronym || lone_letter || foreign_name {
                    self.push_fixed(Out::Keep);
                } else {
                    // a known marked syllable in a line of accented text is only re-marked:
                    // OCR that kept the marks rarely spells another valid syllable
                    let settled = accented_line && known && has_marks(&lower);
                    // a word OCR was unsure of is not held to its reading (`chồng@0.11 tăng`
                    // for `chống úng`), only re-marked when settled
                    let doubted = self.weak.get(ti).copied().unwrap_or(false);
                    let flags = u8::from(accented_line && known && !doubted)
                        | u8::from(clean_line || settled) << 1
                        | u8::from(case == Case::Lower) << 2;
                    let list = self.cached(m, cache, &lower, flags, case);
                    self.cands.extend(list.iter().cloned());
                    // a capitalised word already marked among marked words is most often a
                    // name, where the language model is weakest (`Đạ Sar`, `Đông Thanh`)
                    if settled && case == Case::Title && ti > own.start && !cut_before {
                        let own_id = m.ids.get(&lower).copied();
                        for c in &mut self.cands[start..] {
                            if c.id.is_some() && c.id != own_id {
                                c.local += KEEP_NAME;
                            }
                        }
                    }
                    // a capital I before lowercase letters is often a lowercase l (`Idn` for `lớn`)
                    if l_for_i(core) {
                        let mut with = String::with_capacity(lower.len());
                        with.push('l');
                        with.push_str(&lower[1..]);
                        let list = self.cached(m, cache, &with, flags & !2 | 4, Case::Lower);
                        self.cands
                            .extend(
                                list.iter()
                                    .filter(|c| !matches!(c.out, Out::Keep))
                                    .map(|c| Cand {
                                        lowered: true,
                                        local: c.local + L_FOR_I,
                                        ..c.clone()
                                    }),
                            );
                    }
                    // a glyph OCR put after the letters may belong to them (`t?` for `ử`):
                    // the readings that take it in compete with those that do not
                    if let Some(g) = glue {
                        let mut with = lower.clone();
                        with.push(g);
                        let list = self.cached(m, cache, &with, flags & !2, case);
                        self.cands
                            .extend(
                                list.iter()
                                    .filter(|c| !matches!(c.out, Out::Keep))
                                    .map(|c| Cand {
                                        glued: true,
                                        ..c.clone()
                                    }),
                            );
                    }
                }
                self.lowers[ti] = lower;
            }
            if kind == Kind::Inert {
                cut_before = true;
            }
            // commas do not cut: the words on both sides still inform each other; nor does a
            // glyph that may be part of the word
            let after = match glue {
                Some(g) if kind == Kind::Word => &trail[g.len_utf8()..],
                _ => trail,
            };
            cut_next = kind == Kind::Inert || after.chars().any(|c| c != ',');
            // every slot has a reading: the token as read when nothing else was found (a user
            // word such as `L0` that no rule offers a candidate for)
            if self.cands.len() == start {
                self.push_fixed(Out::Keep);
            }
            self.slots.push(Slot {
                kind,
                cap: case_of(core) != Case::Lower,
                cut_before,
                name_part: None,
                start,
                end: self.cands.len(),
            });
        }
        self.read_as_name(m, tokens, own.clone());
        self.viterbi(m);
        self.emit(m, tokens, own)
    }

    /// Cost of the best reading of the last line decoded, context included: comparable between
    /// two readings of the same line with the same context.
    pub fn last_cost(&self) -> i32 {
        self.cost
    }

    /// True when most words of the last line decoded were accented syllables the dictionary
    /// knows (text already read by a Vietnamese model, or correct).
    pub fn accented_line(&self) -> bool {
        self.accented_line
    }

    /// True when token `t` of the last line decoded is a word that spells no known syllable.
    pub fn unknown_word(&self, t: usize) -> bool {
        self.unknown.get(t).copied().unwrap_or(false)
    }

    /// When the line is a person's name alone (three or four capitalised words, the first of
    /// which can be read as a surname and every other as a name syllable), its slots are cut
    /// from one another and from the lines around, and each candidate carries the person-name
    /// model's cost of its part instead of the language model's.
    fn read_as_name(&mut self, m: &Model, tokens: &[&str], own: std::ops::Range<usize>) {
        let n = own.len();
        if self.upper_line || !(3..=4).contains(&n) {
            return;
        }
        for (i, t) in own.clone().enumerate() {
            let (lead, core, trail) = split_edges(tokens[t]);
            let s = &self.slots[t];
            let part = name_part(i, n);
            if s.kind != Kind::Word
                || !lead.is_empty()
                || !trail.is_empty()
                || case_of(core) != Case::Title
                || !self.cands[s.start..s.end].iter().any(|c| {
                    c.id.is_some_and(|id| m.person(id, part) < m.person_floor(part))
                })
            {
                return;
            }
        }
        // a woman's name (`Thị` in the middle): her given name is counted apart (`Bích Dung`)
        let female = own
            .clone()
            .skip(1)
            .take(n - 2)
            .any(|t| skeleton(split_edges(tokens[t]).1) == "thi");
        for (i, t) in own.clone().enumerate() {
            let mut part = name_part(i, n);
            if part == 2 && female {
                part = 3;
            }
            let s = &mut self.slots[t];
            s.cut_before = true;
            s.name_part = Some(part as u8);
            for c in &mut self.cands[s.start..s.end] {
                c.local += c.id.map_or(NAME_OOV, |id| m.person(id, part));
            }
        }
        if let Some(after) = self.slots.get_mut(own.end) {
            after.cut_before = true;
        }
    }

    /// A candidate for an acronym: kept as it is, the `<abbr>` state of the model.
    fn push_acronym(&mut self, m: &Model) {
        self.cands.push(Cand {
            out: Out::Keep,
            id: Some(m.abbr_id),
            local: 0,
            oov: 0,
            glued: false,
            lowered: false,
        });
    }

    /// The candidate list of a word, from the cache or generated (and cached).
    fn cached(
        &mut self,
        m: &Model,
        cache: &Cache,
        lower: &str,
        flags: u8,
        case: Case,
    ) -> Arc<[Cand]> {
        // (a word in capitals and the same word with one capital keep it differently when it has
        // no vowel: the list must not depend on which of them came first)
        let flags = flags | u8::from(case == Case::Upper) << 3;
        match cache.get(lower, flags) {
            Some(list) => list,
            None => {
                let list: Arc<[Cand]> = self
                    .generate(m, lower, flags & 1 != 0, flags & 2 != 0, case)
                    .into();
                cache.insert(lower, flags, list.clone());
                list
            }
        }
    }

    /// Candidate readings of one lowercase word with their channel costs (for inspection).
    pub fn candidates(&mut self, m: &Model, lower: &str) -> Vec<(String, i32, i32)> {
        self.generate(m, lower, false, false, Case::Lower)
            .into_iter()
            .map(|c| {
                let lm = c.id.map_or(c.oov, |i| m.uni(i));
                let s = match c.out {
                    Out::Word(w) => w,
                    Out::Syl(i) => m.dict.syl[i as usize].clone(),
                    Out::Fixed(f) => f,
                    Out::Keep => format!("={lower}"),
                };
                (s, c.local, lm)
            })
            .collect()
    }

    fn push_fixed(&mut self, out: Out) {
        self.cands.push(Cand {
            out,
            id: None,
            local: 0,
            oov: 0,
            glued: false,
            lowered: false,
        });
    }

    /// Candidate readings of one lowercase word.
    #[inline(never)]
    fn generate(
        &mut self,
        m: &Model,
        lower: &str,
        keep_mode: bool,
        clean: bool,
        case: Case,
    ) -> Vec<Cand> {
        self.expand.clear();
        let own = skeleton(lower);
        if lower.chars().count() > MAX_WORD_CHARS {
            // no syllable is this long: a run of glued words or garbage, kept as it is
            return vec![Cand {
                out: Out::Keep,
                id: None,
                local: 0,
                oov: OOV_GARBLED,
                glued: false,
                lowered: false,
            }];
        }
        // a clean word's readings mostly differ from it only in marks, which need no rules: the
        // rules that apply where are found when a reading first needs them
        if clean {
            m.channel.plan_chars(lower, &mut self.plan);
        } else {
            m.channel.plan(lower, &mut self.plan);
        }
        if clean {
            if let Some(node) = m.trie.follow(Trie::ROOT, &own) {
                self.expand.insert(node, 0);
            }
        } else {
            m.channel.expand(
                &self.plan,
                &m.trie,
                SKELETON_MARGIN,
                &mut self.seen,
                &mut self.expand,
            );
            // a lone consonant may be a syllable whose vowel OCR lost (`s` for `số`)
            if lower.chars().count() == 1 && !lower.chars().any(is_vowel_letter) {
                for v in ['a', 'e', 'i', 'o', 'u', 'y'] {
                    if let Some(node) = m.trie.follow(Trie::ROOT, &format!("{own}{v}")) {
                        self.expand.entry(node).or_insert(crate::channel::INS);
                    }
                }
            }
        }
        let mut scored: Vec<(i32, u32)> = Vec::new();
        let mut users: Vec<(i32, String)> = Vec::new();
        // score exactly only the cheapest skeletons
        // (by cost, then spelling: only the nodes that can make the list are spelled)
        let mut nodes = std::mem::take(&mut self.nodes);
        nodes.clear();
        nodes.extend(self.expand.iter().map(|(&k, &c)| (c, k)));
        nodes.sort_unstable();
        let floor = nodes.first().map_or(0, |x| x.0);
        nodes.retain(|x| x.0 <= floor + SKELETON_MARGIN);
        if nodes.len() > MAX_SKELETONS {
            let last = nodes[MAX_SKELETONS - 1].0;
            nodes.retain(|x| x.0 <= last);
        }
        let mut sks: Vec<(i32, String)> =
            nodes.iter().map(|&(c, k)| (c, m.trie.spell(k))).collect();
        self.nodes = nodes;
        sks.sort_unstable();
        sks.truncate(MAX_SKELETONS);
        // The generation cost of a skeleton is (but for rare paths generation does not take) a
        // lower bound of the exact cost of its syllables: a syllable whose bound already loses
        // to the best found by more than the margin, or to the last place of a full list, is
        // not scored exactly. `tops` keeps the best totals found so far, ascending.
        let mut tops: Vec<i32> = Vec::with_capacity(MAX_CANDS + 1);
        for (gen, sk) in &sks {
            if let Some(ids) = m.skel.get(sk) {
                for &id in ids {
                    let bound = gen * CHANNEL_WEIGHT / 100 + m.uni(id);
                    if let Some(&best) = tops.first() {
                        let full = tops.len() >= MAX_CANDS && bound > tops[MAX_CANDS - 1];
                        if bound > best + CAND_MARGIN || full {
                            continue;
                        }
                    }
                    // the channel cost beyond which the syllable cannot make the list
                    let limit = match tops.first() {
                        None => i32::MAX / 4,
                        Some(&best) => {
                            let mut t = best + CAND_MARGIN;
                            if tops.len() >= MAX_CANDS {
                                t = t.min(tops[MAX_CANDS - 1]);
                            }
                            (t - m.uni(id)) * 100 / CHANNEL_WEIGHT + 1
                        }
                    };
                    let c = m.channel.cost_within(
                        &mut self.plan,
                        &m.chars[id as usize],
                        limit,
                        &mut self.dp,
                    );
                    if c > limit {
                        continue;
                    }
                    scored.push((c, id));
                    let total = c * CHANNEL_WEIGHT / 100 + m.uni(id);
                    let at = tops.partition_point(|&x| x <= total);
                    if at < MAX_CANDS {
                        tops.insert(at, total);
                        tops.truncate(MAX_CANDS);
                    }
                }
            }
            if let Some(ws) = m.user_skel.get(sk) {
                for w in ws {
                    let cc = crate::channel::CandChars::new(w);
                    let c = m.channel.cost(&mut self.plan, &cc, &mut self.dp);
                    users.push((c, w.clone()));
                }
            }
        }
        // (by total cost, then id: the total computed once per candidate, not per comparison)
        let mut keyed: Vec<(i32, u32, i32)> = scored
            .iter()
            .map(|&(c, id)| (c * CHANNEL_WEIGHT / 100 + m.uni(id), id, c))
            .collect();
        keyed.sort_unstable();
        let mut scored: Vec<(i32, u32)> = keyed.into_iter().map(|(_, id, c)| (c, id)).collect();
        scored.truncate(MAX_CANDS);
        // a candidate far dearer than the best on its own is not worth a place in the lattice
        if let Some(&(c0, id0)) = scored.first() {
            let best = c0 * CHANNEL_WEIGHT / 100 + m.uni(id0);
            scored.retain(|&(c, id)| c * CHANNEL_WEIGHT / 100 + m.uni(id) <= best + CAND_MARGIN);
        }
        let self_id = m.ids.get(lower).copied();
        let mut out: Vec<Cand> = Vec::with_capacity(scored.len() + 1);
        for (c, id) in scored {
            let mut local = c * CHANNEL_WEIGHT / 100;
            if keep_mode && Some(id) != self_id {
                local += if has_marks(lower) {
                    KEEP_ACCENTED
                } else {
                    KEEP_PLAIN
                };
            }
            out.push(Cand {
                out: Out::Syl(id),
                id: Some(id),
                local,
                oov: 0,
                glued: false,
                lowered: false,
            });
        }
        for (c, w) in users {
            let local = c * CHANNEL_WEIGHT / 100 - USER_BONUS;
            out.push(Cand {
                out: Out::Word(w),
                id: None,
                local,
                oov: OOV_LOWER,
                glued: false,
                lowered: false,
            });
        }
        let in_list = self_id.is_some_and(|id| out.iter().any(|c| c.id == Some(id)));
        if !in_list && !m.user.contains_key(lower) {
            out.push(Cand {
                out: Out::Keep,
                id: None,
                local: 0,
                oov: if lower.chars().any(|c| !crate::text::is_alpha(c))
                    || (case != Case::Upper && !lower.chars().any(is_vowel_letter))
                {
                    // digits or symbols among letters, or no vowel at all: not a word as it is
                    OOV_GARBLED
                } else if case == Case::Lower {
                    if crate::text::is_syllable_shape(lower) {
                        OOV_LOWER
                    } else {
                        // letters no Vietnamese syllable is made of (`chtra`), in a word the
                        // dictionaries do not know as English either: damage, not a word
                        OOV_GARBLED
                    }
                } else {
                    OOV_UPPER
                },
                glued: false,
                lowered: false,
            });
        }
        out
    }

    fn trans(m: &Model, prev: Option<u32>, cur: &Cand) -> i32 {
        match (prev, cur.id) {
            (_, None) => cur.oov,
            (Some(p), Some(c)) => m.bigram(p, c),
            (None, Some(c)) => m.uni(c),
        }
    }

    /// What a candidate costs at a slot whose context is cut: its unigram, or nothing on a
    /// person-name line (the name model's cost is in its local cost).
    #[inline]
    fn entry(m: &Model, s: &Slot, cur: &Cand) -> i32 {
        if s.name_part.is_some() {
            0
        } else {
            Self::trans(m, None, cur)
        }
    }

    /// The most a transition from slot `p` to the next slot `s` can fall below zero: the name
    /// bonus where it may apply, nothing elsewhere (costs are never negative).
    #[inline]
    fn bonus_slack(p: &Slot, s: &Slot) -> i32 {
        if s.cap && p.cap && !s.cut_before {
            NAME_BONUS
        } else {
            0
        }
    }

    /// Bonus for two capitalised tokens read as a known name (`Hướng Hóa`, `Sở Ngoại vụ`).
    #[inline]
    fn name_bonus(&self, m: &Model, t: usize, pi: usize, ci: usize) -> i32 {
        let (s, p) = (&self.slots[t], &self.slots[t - 1]);
        if !(s.cap && p.cap) || s.cut_before {
            return 0;
        }
        match (self.cands[pi].id, self.cands[ci].id) {
            (Some(a), Some(b)) if m.names.contains(&((u64::from(a) << 32) | u64::from(b))) => {
                NAME_BONUS
            }
            _ => 0,
        }
    }

    /// Fills the per-slot transition tables: for each pair (previous candidate, candidate) of
    /// two slots in context, the transition cost (name bonus included) and the triple back-off
    /// of a stored pair, so that the passes below look nothing up. The costs between two
    /// syllables come from the pair cache when the two candidate lists met before.
    #[inline(never)]
    fn fill_pairs(&mut self, m: &Model) {
        self.pair_off.clear();
        let mut total = 0;
        for t in 0..self.slots.len() {
            self.pair_off.push(total);
            let s = &self.slots[t];
            if t == 0 || s.cut_before {
                continue;
            }
            let p = &self.slots[t - 1];
            total += (p.end - p.start) * (s.end - s.start);
        }
        self.pair_off.push(total);
        self.pair_cost.clear();
        self.pair_cost.resize(total, 0);
        self.pair_ctx.clear();
        self.pair_ctx.resize(total, u32::MAX);
        self.pair_cache.bind(m.uid);
        self.list_no.clear();
        for s in &self.slots {
            let ids = self.cands[s.start..s.end].iter().map(|c| c.id);
            self.list_no.push(self.pair_cache.name(ids));
        }
        for t in 1..self.slots.len() {
            let (p, s) = (&self.slots[t - 1], &self.slots[t]);
            if s.cut_before {
                continue;
            }
            let (at, width) = (self.pair_off[t], s.end - s.start);
            let cost = &mut self.pair_cost[at..self.pair_off[t + 1]];
            let ctx = &mut self.pair_ctx[at..self.pair_off[t + 1]];
            let (prev, cur) = (&self.cands[p.start..p.end], &self.cands[s.start..s.end]);
            // (a pair that may earn the name bonus has it in its cost: not shared)
            let shared = Self::bonus_slack(p, s) == 0;
            let lists = (self.list_no[t - 1], self.list_no[t]);
            match self.pair_cache.get(lists.0, lists.1).filter(|_| shared) {
                Some((c, x)) => {
                    cost.copy_from_slice(c);
                    ctx.copy_from_slice(x);
                }
                None => {
                    // every pair of two syllables is looked up
                    for (i, pc) in prev.iter().enumerate() {
                        let Some(a) = pc.id else { continue };
                        for (j, c) in cur.iter().enumerate() {
                            let Some(b) = c.id else { continue };
                            let (v, backoff) = m.bigram_at(a, b);
                            cost[i * width + j] = v;
                            ctx[i * width + j] = backoff.map_or(u32::MAX, u32::from);
                        }
                    }
                    if shared {
                        let (c, x) = self.pair_cache.put(lists.0, lists.1, 0, u32::MAX);
                        c.copy_from_slice(cost);
                        x.copy_from_slice(ctx);
                    }
                }
            }
            // pairs with a word outside the model (never shared: their cost may depend on more
            // than the ids a list is named by)
            for (i, pc) in prev.iter().enumerate() {
                for (j, c) in cur.iter().enumerate() {
                    if pc.id.is_none() || c.id.is_none() {
                        cost[i * width + j] = Self::trans(m, pc.id, c);
                    }
                }
            }
            if !shared {
                for pi in p.start..p.end {
                    for ci in s.start..s.end {
                        let bonus = self.name_bonus(m, t, pi, ci);
                        self.pair_cost[at + (pi - p.start) * width + (ci - s.start)] -= bonus;
                    }
                }
            }
        }
    }

    /// The transition cost from candidate `pi` (slot `t - 1`) to `ci` (slot `t`, in context):
    /// bigram cost less the name bonus (the triple back-off of a stored pair is in `pair_ctx`).
    #[inline]
    fn pair_val(&self, t: usize, pi: usize, ci: usize) -> i32 {
        self.pair_cost[self.pair(t, pi, ci)]
    }

    /// Bigram cost from candidate `pi` (slot `t - 1`) to `ci` (slot `t`), slot `t` in context.
    #[inline]
    fn pair(&self, t: usize, pi: usize, ci: usize) -> usize {
        let (s, p) = (&self.slots[t], &self.slots[t - 1]);
        self.pair_off[t] + (pi - p.start) * (s.end - s.start) + (ci - s.start)
    }

    #[inline(never)]
    fn viterbi(&mut self, m: &Model) {
        self.fill_pairs(m);
        let n = self.cands.len();
        self.alpha.clear();
        self.alpha.resize(n, i32::MAX / 4);
        self.beta.clear();
        self.beta.resize(n, 0);
        // first order, forward
        for t in 0..self.slots.len() {
            let s = self.slots[t].clone();
            if t == 0 || s.cut_before {
                let best = if t == 0 {
                    0
                } else {
                    let p = &self.slots[t - 1];
                    (p.start..p.end).map(|pi| self.alpha[pi]).min().unwrap_or(0)
                };
                for ci in s.start..s.end {
                    let cand = &self.cands[ci];
                    self.alpha[ci] = best + Self::entry(m, &s, cand) + cand.local;
                }
                continue;
            }
            // every pair's cost is in the table: a plain minimum, predecessor by predecessor,
            // over the contiguous row of its costs into this slot
            let p = self.slots[t - 1].clone();
            let (at, width) = (self.pair_off[t], s.end - s.start);
            let (before, after) = self.alpha.split_at_mut(s.start);
            let acc = &mut after[..width];
            acc.fill(i32::MAX / 4);
            for (i, &a) in before[p.start..p.end].iter().enumerate() {
                let row = &self.pair_cost[at + i * width..at + (i + 1) * width];
                for (x, &c) in acc.iter_mut().zip(row) {
                    *x = (*x).min(a + c);
                }
            }
            for (x, c) in acc.iter_mut().zip(&self.cands[s.start..s.end]) {
                *x += c.local;
            }
        }
        // first order, backward
        for t in (0..self.slots.len()).rev() {
            let s = self.slots[t].clone();
            if t + 1 == self.slots.len() {
                for ci in s.start..s.end {
                    self.beta[ci] = 0;
                }
                continue;
            }
            let nx = self.slots[t + 1].clone();
            if nx.cut_before {
                let best = (nx.start..nx.end)
                    .map(|ni| {
                        let c = &self.cands[ni];
                        Self::entry(m, &nx, c) + c.local + self.beta[ni]
                    })
                    .min()
                    .unwrap_or(0);
                for ci in s.start..s.end {
                    self.beta[ci] = best;
                }
                continue;
            }
            // (the rest of the path after each candidate of the next slot, then per candidate
            // a plain minimum over its contiguous row of costs into the next slot)
            let (at, width) = (self.pair_off[t + 1], nx.end - nx.start);
            self.rest.clear();
            self.rest.extend(
                self.cands[nx.start..nx.end]
                    .iter()
                    .zip(&self.beta[nx.start..nx.end])
                    .map(|(c, &b)| c.local + b),
            );
            for ci in s.start..s.end {
                let i = ci - s.start;
                let row = &self.pair_cost[at + i * width..at + (i + 1) * width];
                self.beta[ci] = row
                    .iter()
                    .zip(&self.rest)
                    .fold(i32::MAX / 4, |best, (&c, &r)| best.min(c + r));
            }
        }
    }

    /// Marks, slot by slot, the candidates worth a place in the second-order search: those whose
    /// first-order best path (forward + backward) is within [`PRUNE_MARGIN`] of the slot's best.
    /// (Indices relative to the slot start, in `live[live_off[t]..live_off[t + 1]]`.)
    fn prune(&mut self) {
        self.live.clear();
        self.live_off.clear();
        for s in &self.slots {
            self.live_off.push(self.live.len());
            let mm = |i: usize| self.alpha[i] + self.beta[i];
            let best = (s.start..s.end).map(mm).min().unwrap_or(0);
            for i in s.start..s.end {
                if mm(i) <= best + PRUNE_MARGIN {
                    self.live.push((i - s.start) as u32);
                }
            }
        }
        self.live_off.push(self.live.len());
    }

    /// Exact second-order Viterbi: states are (previous candidate, candidate) pairs scored with
    /// the trigram model; returns the best candidate index of every slot. (The first-order
    /// forward/backward costs in `alpha`/`beta` serve only the confidences.)
    #[inline(never)]
    fn second_order(&mut self, m: &Model) -> Vec<usize> {
        let n = self.slots.len();
        let mut chosen = vec![0usize; n];
        if n == 0 {
            return chosen;
        }
        // per slot: number of previous options (1 when the context is cut), flat P x C table
        let mut off = Vec::with_capacity(n + 1);
        let mut width = Vec::with_capacity(n);
        let mut total = 0usize;
        for (t, s) in self.slots.iter().enumerate() {
            let p = if t == 0 || s.cut_before {
                1
            } else {
                let q = &self.slots[t - 1];
                q.end - q.start
            };
            off.push(total);
            width.push(p);
            total += p * (s.end - s.start);
        }
        off.push(total);
        self.delta.clear();
        self.delta.resize(total, i32::MAX / 4);
        self.dback.clear();
        self.dback.resize(total, u32::MAX);
        self.prune();
        let live = std::mem::take(&mut self.live);
        let mut order = std::mem::take(&mut self.order);
        for t in 0..n {
            let s = self.slots[t].clone();
            let c_n = s.end - s.start;
            let live_c = self.live_off[t]..self.live_off[t + 1];
            if width[t] == 1 && (t == 0 || s.cut_before) {
                let best_prev = if t == 0 {
                    (u32::MAX, 0)
                } else {
                    (off[t - 1]..off[t])
                        .map(|k| (k as u32, self.delta[k]))
                        .min_by_key(|x| x.1)
                        .unwrap_or((u32::MAX, 0))
                };
                for &c in &live[live_c] {
                    let c = c as usize;
                    let cand = &self.cands[s.start + c];
                    self.delta[off[t] + c] = best_prev.1 + Self::entry(m, &s, cand) + cand.local;
                    self.dback[off[t] + c] = best_prev.0;
                }
                continue;
            }
            let p_slot = self.slots[t - 1].clone();
            let p_n = p_slot.end - p_slot.start;
            let q_in_context = !(t == 1 || p_slot.cut_before);
            let live_q = if q_in_context {
                self.live_off[t - 2]..self.live_off[t - 1]
            } else {
                0..0
            };
            for &p in &live[self.live_off[t - 1]..self.live_off[t]] {
                let p = p as usize;
                let pid = self.cands[p_slot.start + p].id;
                // predecessors cheapest first: transition costs are never negative (bonuses
                // aside, which do not depend on the predecessor), so the scan stops at the first
                // one already dearer than the best found
                order.clear();
                if q_in_context {
                    order.extend(live[live_q.clone()].iter().map(|&q| {
                        let q = q as usize;
                        rank(self.delta[off[t - 1] + q * p_n + p], q)
                    }));
                } else {
                    order.push(rank(self.delta[off[t - 1] + p], 0));
                }
                order.sort_unstable();
                for &c in &live[live_c.clone()] {
                    let c = c as usize;
                    let ci = s.start + c;
                    let cand_id = self.cands[ci].id;
                    let bi = self.pair_val(t, p_slot.start + p, ci);
                    let mut best = i32::MAX / 4;
                    let mut arg = u32::MAX;
                    for (prev, q) in order.iter().map(|&k| unrank(k)) {
                        if prev >= best {
                            break;
                        }
                        let k = off[t - 1] + q * p_n + p;
                        let mut tr = bi;
                        if q_in_context {
                            let qi = self.slots[t - 2].start + q;
                            let ctx = self.pair_ctx[self.pair(t - 1, qi, p_slot.start + p)];
                            if let (Some(a), Some(b), Some(cc), true) =
                                (self.cands[qi].id, pid, cand_id, ctx != u32::MAX)
                            {
                                tr = match m.triples.get(a, b, cc) {
                                    // the stored trigram cost, less the name bonus
                                    // the bigram cost `bi` carries
                                    Some(x) => {
                                        i32::from(x) - self.name_bonus(m, t, p_slot.start + p, ci)
                                    }
                                    None => ctx as i32 + bi,
                                };
                            }
                        }
                        let v = prev + tr;
                        if v < best {
                            best = v;
                            arg = k as u32;
                        }
                    }
                    self.delta[off[t] + p * c_n + c] = best + self.cands[ci].local;
                    self.dback[off[t] + p * c_n + c] = arg;
                }
            }
        }
        self.live = live;
        self.order = order;
        // trace back
        let mut k = (off[n - 1]..off[n])
            .min_by_key(|&k| self.delta[k])
            .unwrap_or(off[n - 1]);
        self.cost = self.delta.get(k).copied().unwrap_or(0);
        for t in (0..n).rev() {
            let c_n = self.slots[t].end - self.slots[t].start;
            chosen[t] = self.slots[t].start + (k - off[t]) % c_n.max(1);
            let b = self.dback[k];
            if b == u32::MAX {
                break;
            }
            k = b as usize;
        }
        chosen
    }

    #[inline(never)]
    fn emit(&mut self, m: &Model, tokens: &[&str], own: std::ops::Range<usize>) -> Vec<Token> {
        let chosen = self.second_order(m);
        let mut out = Vec::with_capacity(own.len());
        let first = own.start;
        // (each alternative is written here first: only the new ones are kept)
        let mut alt = String::new();
        for (t, tok) in tokens.iter().enumerate().take(own.end).skip(own.start) {
            let s = &self.slots[t];
            let (lead, core, trail) = split_edges(tok);
            let case = match case_of(core) {
                Case::Title if self.upper_line => Case::Upper,
                c => c,
            };
            let core_n = normalize_word(core);
            let core_lower = self.lowers[t].as_str();
            let render = |c: &Cand, out: &mut String| {
                let trail = match trail.chars().next() {
                    Some(g) if c.glued => &trail[g.len_utf8()..],
                    _ => trail,
                };
                out.clear();
                out.push_str(lead);
                match &c.out {
                    Out::Keep => out.push_str(&core_n),
                    Out::Fixed(f) => out.push_str(f),
                    Out::Word(w) => {
                        if w == core_lower {
                            out.push_str(&core_n);
                        } else {
                            push_cased(out, w, case);
                        }
                    }
                    Out::Syl(i) => {
                        let w = &m.dict.syl[*i as usize];
                        if w == core_lower {
                            out.push_str(&core_n);
                        } else if c.lowered {
                            let lc = if t == first { Case::Title } else { Case::Lower };
                            push_cased(out, w, lc);
                        } else {
                            push_cased(out, w, case);
                        }
                    }
                }
                out.push_str(trail);
            };
            let ci = chosen[t];
            let mut text = String::with_capacity(tok.len() + 8);
            render(&self.cands[ci], &mut text);
            // max-marginal confidence
            let mm = |i: usize| self.alpha[i] + self.beta[i];
            let best = mm(ci);
            let mut z = 0f32;
            let mut others = std::mem::take(&mut self.order);
            others.clear();
            for i in s.start..s.end {
                let d = (mm(i) - best).max(0) as f32 / CONF_TEMP;
                z += (-d).exp();
                if i != ci {
                    others.push(rank(mm(i), i));
                }
            }
            let conf = if z > 0.0 { 1.0 / z } else { 1.0 };
            others.sort_unstable();
            let mut alternatives: Vec<String> = Vec::new();
            for (_, i) in others.iter().map(|&k| unrank(k)) {
                render(&self.cands[i], &mut alt);
                if alt != text && !alternatives.contains(&alt) {
                    alternatives.push(alt.clone());
                }
                if alternatives.len() == 3 {
                    break;
                }
            }
            self.order = others;
            let changed = text != *tok;
            let _ = s.kind;
            out.push(Token {
                raw: tok.to_string(),
                text,
                conf,
                alternatives,
                changed,
                uncertain: changed && conf < UNCERTAIN_BELOW,
            });
        }
        out
    }
}

/// A cost and an index packed so that sorting the packed keys sorts by cost, then index (the
/// order of `(cost, index)` pairs, cheaper to sort).
#[inline]
fn rank(cost: i32, index: usize) -> u64 {
    (u64::from(cost as u32 ^ 0x8000_0000) << 32) | index as u64
}

/// The cost and index of a [`rank`] key.
#[inline]
fn unrank(key: u64) -> (i32, usize) {
    (
        ((key >> 32) as u32 ^ 0x8000_0000) as i32,
        (key & 0xffff_ffff) as usize,
    )
}

/// Repairs the parts of a code written without `Đ` (`ND-CP` → `NĐ-CP`) and OCR's fraction slash
/// (`35⁄2018⁄QH14` → `35/2018/QH14`); `None` when nothing changes.
fn repair_code(m: &Model, core: &str) -> Option<String> {
    let mut out = String::with_capacity(core.len() + 2);
    let mut changed = false;
    let mut part = String::new();
    let flush = |part: &mut String, out: &mut String, changed: &mut bool| {
        if let Some(f) = m.code_repair.get(part.as_str()) {
            out.push_str(f);
            *changed = true;
        } else {
            out.push_str(part);
        }
        part.clear();
    };
    for c in core.chars() {
        if c == '-' || c == '/' {
            flush(&mut part, &mut out, &mut changed);
            out.push(c);
        } else if c == '⁄' || c == '∕' {
            // OCR's fraction or division slash is the slash of a number or of `b/c`
            flush(&mut part, &mut out, &mut changed);
            out.push('/');
            changed = true;
        } else {
            part.push(c);
        }
    }
    flush(&mut part, &mut out, &mut changed);
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_and_apostrophe_names() {
        assert!(super::is_letter_digit_code("A03"));
        assert!(!super::is_letter_digit_code("s6"));
        assert!(!super::is_letter_digit_code("D6ng"));
        assert!(super::is_apostrophe_name("K'Nàng"));
        assert!(super::is_apostrophe_name("M’gar"));
        assert!(!super::is_apostrophe_name("n'"));
        assert!(!super::is_apostrophe_name("o'i"));
    }

    #[test]
    fn quarters_read_in_figures_become_roman() {
        assert_eq!(
            super::quarter_repair("Quý", "11/2024").as_deref(),
            Some("II/2024")
        );
        assert_eq!(super::quarter_repair("quý", "111").as_deref(), Some("III"));
        assert_eq!(super::quarter_repair("Quý", "1/2024"), None);
        assert_eq!(super::quarter_repair("Quý", "12/2024"), None);
        assert_eq!(super::quarter_repair("Tháng", "11/2024"), None);
    }

    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn ranks_sort_like_cost_index_pairs(
            pairs in proptest::collection::vec((any::<i32>(), 0usize..1 << 20), 0..40),
        ) {
            let mut want = pairs.clone();
            want.sort_unstable();
            let mut keys: Vec<u64> = pairs.iter().map(|&(c, i)| rank(c, i)).collect();
            keys.sort_unstable();
            let got: Vec<(i32, usize)> = keys.into_iter().map(unrank).collect();
            prop_assert_eq!(got, want);
        }
    }
}
