//! vanban-restore: diacritic restoration and OCR repair for Vietnamese text.
//!
//! Archived Vietnamese documents are often OCRed with an English model (every mark lost, letters
//! garbled: `Chi s6 hai long cia nguwoi dan` for `Chỉ số hài lòng của người dân`) or with the
//! Vietnamese model on faint scans (wrong marks). The [`Restorer`] turns such text back into
//! correct Vietnamese, leaves correct text alone, and says how sure it is of every change.
//!
//! How: each token gets candidate syllables (its letters re-marked, plus rewrites from a measured
//! OCR confusion table), a syllable bigram language model scores sequences, and a Viterbi decoder
//! picks the best reading of each line ([`decode`]). The model is compiled once from TSV data
//! into a versioned blob ([`build_dictionary`], [`lexicon`]) and loaded in milliseconds.
//! [`eval`] measures token accuracy with the project's metric.

pub mod channel;
pub mod decode;
pub mod document;
mod error;
pub mod eval;
pub mod lexicon;
pub mod model;
pub mod ngram;
pub mod paircache;
pub mod speed;
pub mod text;
pub mod trie;

pub use error::RestoreError;
pub use eval::{run_eval, score, Score};

use decode::{Cache, Worker};
use model::Model;
use rayon::prelude::*;
use std::cell::RefCell;
use std::path::Path;

/// One token of a line after restoration.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// The token as given.
    pub raw: String,
    /// The restored token (punctuation kept around it): two words with a space between them
    /// when OCR ran them together (`kinhtế` → `kinh tế`), empty when the token is the second
    /// piece of a word OCR cut in two (`thu Ong` → `thường`, ``).
    pub text: String,
    /// Confidence of the reading, 0..1.
    pub conf: f32,
    /// Runner-up readings, best first.
    pub alternatives: Vec<String>,
    /// True when `text` differs from `raw`.
    pub changed: bool,
    /// True when the change is below the confidence threshold.
    pub uncertain: bool,
}

/// The restorer: a loaded model, shared by all threads (`Send + Sync`).
#[derive(Debug)]
pub struct Restorer {
    model: Model,
    cache: Cache,
}

thread_local! {
    static WORKER: RefCell<Worker> = RefCell::new(Worker::new());
}

impl Restorer {
    /// Loads a compiled dictionary (see [`build_dictionary`]); says clearly when it is missing or stale.
    pub fn load(path: &Path) -> Result<Restorer, RestoreError> {
        let dict = lexicon::read_blob(path)?;
        Ok(Restorer {
            model: Model::new(dict),
            cache: Cache::default(),
        })
    }

    /// A restorer from blob bytes already in memory.
    pub fn from_bytes(bytes: &[u8]) -> Result<Restorer, RestoreError> {
        let dict = lexicon::decode_blob(bytes).map_err(|cause| RestoreError::Dictionary {
            path: "<memory>".into(),
            cause,
        })?;
        Ok(Restorer {
            model: Model::new(dict),
            cache: Cache::default(),
        })
    }

    /// Adds clerk-confirmed words: they count as valid and are preferred over other readings.
    pub fn with_user_lexicon(mut self, words: impl IntoIterator<Item = String>) -> Restorer {
        self.model.add_user_words(words);
        self.cache.clear();
        self
    }

    /// Restores one line given as tokens; returns exactly one [`Token`] per input token.
    pub fn restore_line(&self, tokens: &[&str]) -> Vec<Token> {
        self.restore_line_in_context(&[], tokens, &[])
    }

    /// Restores one line given as tokens, with the last tokens of the line before and the first
    /// tokens of the line after as context (a sentence wrapped over two lines keeps its word
    /// pairs: `hài` at a line's end, `lòng` at the next one's start); returns exactly one
    /// [`Token`] per token of `tokens`.
    pub fn restore_line_in_context(
        &self,
        before: &[&str],
        tokens: &[&str],
        after: &[&str],
    ) -> Vec<Token> {
        self.restore_line_doubting(before, tokens, after, &[])
    }

    /// [`Restorer::restore_line_in_context`], with the words of `tokens` OCR read unsurely marked
    /// in `weak` (one flag a token, or empty): in a line of accented text, where a valid syllable
    /// keeps its reading unless the evidence against it is strong, an unsure one is read on the
    /// evidence alone (its marks only; a capitalised one stays guarded as a name).
    pub fn restore_line_doubting(
        &self,
        before: &[&str],
        tokens: &[&str],
        after: &[&str],
        weak: &[bool],
    ) -> Vec<Token> {
        if tokens.is_empty() {
            return Vec::new();
        }
        // context only up to where the decoder would cut it anyway: tokens beyond a cut cannot
        // change the line's readings, and decoding them costs as much as the line's own
        let mut from = before.len();
        while from > before.len().saturating_sub(CONTEXT)
            && !cut_between(before[from - 1], before.get(from).unwrap_or(&tokens[0]))
        {
            from -= 1;
        }
        let before = &before[from..];
        let mut to = 0;
        while to < after.len().min(CONTEXT)
            && !cut_between(
                to.checked_sub(1)
                    .map_or(tokens[tokens.len() - 1], |i| after[i]),
                after[to],
            )
        {
            to += 1;
        }
        let after = &after[..to];
        let mut all: Vec<&str> = Vec::with_capacity(before.len() + tokens.len() + after.len());
        all.extend_from_slice(before);
        all.extend_from_slice(tokens);
        all.extend_from_slice(after);
        let own = before.len()..before.len() + tokens.len();
        // words glued at a speck read as a dot (`hưởng.theo`) are always read as two
        let glued: Vec<Rebreak> = (0..all.len())
            .filter_map(|i| glued_at_dot(&self.model, all[i]).map(|dot| Rebreak::Split(i, dot, 1)))
            .collect();
        let mut out = if glued.is_empty() {
            let mut doubt = vec![false; all.len()];
            for (k, &d) in weak.iter().enumerate().take(tokens.len()) {
                doubt[own.start + k] = d;
            }
            let (out, cost, edits) = self.decode(&all, own.clone(), &doubt, |w, i| {
                let may_split = w.accented_line() && w.unknown_word(i);
                rebreak_at(&self.model, &all, own.clone(), i, may_split)
            });
            if edits.is_empty() {
                out
            } else {
                self.restore_rebroken(&all, own, out, cost, &edits)
            }
        } else {
            let (pieces, own_pieces) = rebreak(&all, own.clone(), &glued);
            let refs: Vec<&str> = pieces.iter().map(String::as_str).collect();
            let (read, _, _) = self.decode(&refs, own_pieces, &[], |_, _| None::<()>);
            spread_rebroken(&all, own, &glued, read)
        };
        read_places(&self.model, &all, before.len(), &mut out);
        read_date_numbers(&all, before.len(), &mut out);
        if !self.model.user_phrases.is_empty() {
            apply_user_phrases(&self.model.user_phrases, &mut out);
        }
        out
    }

    /// Reads the line again with each possible repair of OCR's word breaks (see [`Rebreak`]):
    /// two tokens that may be one word cut in two (`thu Ong` for `thường`: the English model cuts
    /// words at a horn), one token that may be two words run together (`CƠQUAN` for `CƠ QUAN`: the
    /// Vietnamese model on a faint scan). A repair is kept when the line's best reading with it,
    /// plus the repair's cost ([`JOIN_COST`], [`SPLIT_COST`]), costs less than without it.
    fn restore_rebroken(
        &self,
        all: &[&str],
        own: std::ops::Range<usize>,
        mut out: Vec<Token>,
        mut cost: i32,
        edits: &[Rebreak],
    ) -> Vec<Token> {
        let mut kept: Vec<Rebreak> = Vec::new();
        for &edit in edits {
            if kept.last().is_some_and(|k| k.last() >= edit.first()) {
                continue;
            }
            let mut trial = kept.clone();
            trial.push(edit);
            let (pieces, own_pieces) = rebreak(all, own.clone(), &trial);
            let refs: Vec<&str> = pieces.iter().map(String::as_str).collect();
            let (read, c, _) = self.decode(&refs, own_pieces, &[], |_, _| None::<()>);
            tracing::debug!(
                token = all[edit.last()],
                gain = cost - c,
                price = edit.cost(),
                kept = c + edit.cost() < cost,
                "word-break repair tried"
            );
            if c + edit.cost() < cost {
                cost = c;
                kept = trial;
                out = spread_rebroken(all, own.clone(), &kept, read);
            }
        }
        out
    }

    /// Decodes `all` on this thread's worker: the readings of `all[own]`, the cost of the line's
    /// best reading, and what `look` finds at each token of `own` while the worker still holds
    /// the line's facts ([`Worker::accented_line`], [`Worker::unknown_word`]).
    fn decode<T>(
        &self,
        all: &[&str],
        own: std::ops::Range<usize>,
        weak: &[bool],
        look: impl Fn(&Worker, usize) -> Option<T>,
    ) -> (Vec<Token>, i32, Vec<T>) {
        WORKER.with(|w| {
            let mut w = w.borrow_mut();
            w.weak.clear();
            w.weak.extend_from_slice(weak);
            let read = w.restore_line(&self.model, &self.cache, all, own.clone());
            let found = own.filter_map(|i| look(&w, i)).collect();
            (read, w.last_cost(), found)
        })
    }

    /// Restores many lines (in parallel), each with the end of the line before and the start of
    /// the line after as context; an empty line (a paragraph break) cuts the context. The lines
    /// are one document: its sure readings settle its unsure ones ([`document::harmonize`]).
    pub fn restore_lines(&self, lines: &[Vec<&str>]) -> Vec<Vec<Token>> {
        let mut out: Vec<Vec<Token>> = (0..lines.len())
            .into_par_iter()
            .map(|i| {
                let before = i.checked_sub(1).map_or(&[][..], |j| &lines[j][..]);
                let after = lines.get(i + 1).map_or(&[][..], |l| &l[..]);
                self.restore_line_in_context(before, &lines[i], after)
            })
            .collect();
        document::harmonize(&mut out);
        out
    }

    /// Restores a text line by line (lines in parallel, each with its neighbours as context);
    /// keeps the line count and the spacing.
    pub fn restore_text(&self, text: &str) -> String {
        let lines: Vec<&str> = text.split('\n').collect();
        let spans: Vec<Vec<(usize, usize)>> = lines.iter().map(|l| token_spans(l)).collect();
        let toks: Vec<Vec<&str>> = lines
            .iter()
            .zip(&spans)
            .map(|(l, sp)| sp.iter().map(|&(a, b)| &l[a..b]).collect())
            .collect();
        let restored = self.restore_lines(&toks);
        let out: Vec<String> = lines
            .iter()
            .zip(&spans)
            .zip(&restored)
            .map(|((l, sp), r)| rebuild(l, sp, r))
            .collect();
        out.join("\n")
    }

    /// Restores one line of text, keeping the whitespace between tokens.
    pub fn restore_line_str(&self, line: &str) -> String {
        let spans = token_spans(line);
        if spans.is_empty() {
            return line.to_string();
        }
        let toks: Vec<&str> = spans.iter().map(|&(a, b)| &line[a..b]).collect();
        rebuild(line, &spans, &self.restore_line(&toks))
    }

    /// Candidate readings of one word: (reading, channel cost, unigram cost), in cost units.
    pub fn candidates(&self, word: &str) -> Vec<(String, i32, i32)> {
        let lower = text::normalize_word(word).to_lowercase();
        WORKER.with(|w| w.borrow_mut().candidates(&self.model, &lower))
    }

    /// Language-model cost of a sequence of lowercase syllables (`None` when one is unknown), in
    /// cost units (`lexicon::COST_SCALE` per nat).
    pub fn lm_cost(&self, words: &[&str]) -> Option<i32> {
        let m = &self.model;
        let ids: Option<Vec<u32>> = words
            .iter()
            .map(|w| m.ids.get(&text::normalize_word(w).to_lowercase()).copied())
            .collect();
        let ids = ids?;
        let mut c = 0;
        for (i, &id) in ids.iter().enumerate() {
            c += match i {
                0 => m.uni(id),
                1 => m.bigram(ids[0], id),
                _ => m.trigram(ids[i - 2], ids[i - 1], id),
            };
        }
        Some(c)
    }

    /// Forgets the candidate lists of the words seen so far (they are kept, shared by all threads,
    /// because archives repeat their words; a benchmark clears them to measure a first pass).
    /// The word-pair costs each thread keeps ([`paircache`]) stay: they depend on the model only.
    pub fn clear_cache(&self) {
        self.cache.clear();
    }

    /// Number of syllables in the loaded dictionary.
    pub fn syllable_count(&self) -> usize {
        self.model.dict.syl.len()
    }
}

/// Tokens of context taken from each neighbouring line.
const CONTEXT: usize = 2;

/// True when the decoder surely cuts the context between two neighbouring tokens: the second
/// starts with punctuation, or the first ends with punctuation other than a comma that OCR may
/// not have made of a mark (`t?` may be `ử`, see `decode::glue_glyph`). Other cuts (after
/// codes, numbers in some places) are left to the decoder.
fn cut_between(first: &str, second: &str) -> bool {
    let (_, _, trail) = text::split_edges(first);
    let (lead, _, _) = text::split_edges(second);
    !lead.is_empty() || trail.chars().any(|c| !matches!(c, ',' | '?' | '’' | '\''))
}

/// Byte spans of the whitespace-separated tokens of a line.
fn token_spans(line: &str) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                spans.push((s, i));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        spans.push((s, line.len()));
    }
    spans
}

/// Where OCR glued two words with a speck read as a dot (`hưởng.theo`, `phần.hoặc`): the byte
/// index of the dot in `tok`, when the token holds that one dot between letters only, both sides
/// spell syllables (marked as read, or unmarked skeletons) and the word after it is lowercase
/// (a sentence that ends at the dot would start the next one with a capital).
fn glued_at_dot(m: &Model, tok: &str) -> Option<usize> {
    let (lead, core, _) = text::split_edges(tok);
    let dot = core.find('.')?;
    let (left, right) = (&core[..dot], &core[dot + 1..]);
    let syllable = |w: &str| {
        if w.is_empty() || !w.chars().all(text::is_alpha) {
            return false;
        }
        let lower = text::normalize_word(w).to_lowercase();
        m.is_syllable(&lower) || (!text::has_marks(&lower) && m.skel.contains_key(&lower))
    };
    (right.chars().next().is_some_and(char::is_lowercase) && syllable(left) && syllable(right))
        .then_some(lead.len() + dot)
}

/// What reading two tokens as one word costs: set on fixtures/dev above the dearest wrong join
/// seen there while lowercase pieces were still tried (commit 09b4fc5: `tra ng` → `trang` where
/// `trả nợ` was printed gained 783; the channel's price of a space OCR added, 1.2 % of the
/// English model's spaces, would be 530 and take it). OCR of dev, eval and the 574 KB bench
/// corpus cuts no word in two; lowercase pieces are no longer tried (`so ng` in the bench
/// corpus is `số nợ`, and was read `song`). Each trial is logged at debug level.
const JOIN_COST: i32 = 1000;
/// What reading one token as two words costs: the channel's price of a space OCR lost (the
/// Vietnamese model lost 55 of 42,258 spaces: -ln 0.0013 = 6.65 nats, times the channel weight).
const SPLIT_COST: i32 = 800;

/// A repair of OCR's word breaks at a token index of the line.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Rebreak {
    /// Tokens `i - 1` and `i` are one word.
    Join(usize),
    /// Token `i` is two words: the first ends at byte `at`, the second starts `skip` bytes
    /// later (0 for words run together, 1 for a speck read as a dot between them).
    Split(usize, usize, usize),
}

impl Rebreak {
    fn cost(self) -> i32 {
        match self {
            Rebreak::Join(_) => JOIN_COST,
            Rebreak::Split(..) => SPLIT_COST,
        }
    }
    fn first(self) -> usize {
        match self {
            Rebreak::Join(i) => i - 1,
            Rebreak::Split(i, ..) => i,
        }
    }
    fn last(self) -> usize {
        match self {
            Rebreak::Join(i) | Rebreak::Split(i, ..) => i,
        }
    }
}

/// A syllable the dictionary knows, as written (marks and all).
fn known_syllable(m: &Model, w: &str) -> bool {
    m.is_syllable(&text::normalize_word(w).to_lowercase())
}

/// The repair of word breaks worth trying at token `i`, if any:
/// - a join of `i - 1` and `i` when `i - 1` is unmarked letters ending in lowercase, `i` a
///   capitalised piece of at most three letters (`thu Ong`: a capital inside a sentence's word
///   is where the English model cut at a horn), and the two together have the letters of a
///   syllable;
/// - when `may_split` (an unknown word in a line of accented text), a split of `i` into two
///   known syllables of at least two letters each, in the same case (`CƠQUAN`).
fn rebreak_at(
    m: &Model,
    all: &[&str],
    own: std::ops::Range<usize>,
    i: usize,
    may_split: bool,
) -> Option<Rebreak> {
    let letters = |w: &str| !w.is_empty() && w.chars().all(text::is_alpha);
    let (lead, core, _) = text::split_edges(all[i]);
    if !letters(core) {
        return None;
    }
    if i > own.start {
        let (_, a_core, a_trail) = text::split_edges(all[i - 1]);
        let (na, nb) = (a_core.chars().count(), core.chars().count());
        let a_lower_end = a_core.chars().last().is_some_and(char::is_lowercase);
        // (a lowercase piece is most often a word of its own, even one of consonants only: in
        // the bench corpus `so ng` is `số nợ` with its vowel lost, never a cut `song`)
        let piece = nb <= 3 && a_lower_end && text::case_of(core) == text::Case::Title;
        if a_trail.is_empty()
            && lead.is_empty()
            && piece
            && na + nb <= 7
            && letters(a_core)
            && !m.protected.contains(core)
        {
            let mut whole = text::normalize_word(a_core).to_lowercase();
            if !text::has_marks(&whole) && !m.protected.contains(a_core) {
                whole.push_str(&text::normalize_word(core).to_lowercase());
                if m.skel.contains_key(&text::skeleton(&whole)) {
                    return Some(Rebreak::Join(i));
                }
            }
        }
    }
    if may_split && core.chars().count() >= 4 && !m.protected.contains(core) {
        let case = text::case_of(core);
        for (at, _) in core.char_indices().skip(2) {
            let (a, b) = (&core[..at], &core[at..]);
            if b.chars().count() >= 2
                && known_syllable(m, a)
                && known_syllable(m, b)
                && (case != text::Case::Upper || text::case_of(b) == text::Case::Upper)
            {
                return Some(Rebreak::Split(i, lead.len() + at, 0));
            }
        }
    }
    None
}

/// The tokens with the repairs made; and where `own` lies among them.
fn rebreak(
    all: &[&str],
    own: std::ops::Range<usize>,
    edits: &[Rebreak],
) -> (Vec<String>, std::ops::Range<usize>) {
    let mut pieces: Vec<String> = Vec::with_capacity(all.len() + edits.len());
    let mut own_pieces = 0..0;
    for (i, t) in all.iter().enumerate() {
        if i == own.start {
            own_pieces.start = pieces.len();
        }
        match edits.iter().find(|e| e.last() == i) {
            Some(Rebreak::Join(_)) => {
                if let Some(last) = pieces.last_mut() {
                    last.push_str(t);
                }
            }
            Some(&Rebreak::Split(_, at, skip)) => {
                pieces.push(t[..at].to_string());
                pieces.push(t[at + skip..].to_string());
            }
            None => pieces.push((*t).to_string()),
        }
        if i + 1 == own.end {
            own_pieces.end = pieces.len();
        }
    }
    (pieces, own_pieces)
}

/// One token per token of `all[own]` from the reading of the repaired pieces: a joined word on
/// the first token of its pair (the second gets an empty text), a split word's two readings
/// with a space between them.
fn spread_rebroken(
    all: &[&str],
    own: std::ops::Range<usize>,
    edits: &[Rebreak],
    read: Vec<Token>,
) -> Vec<Token> {
    let mut it = read.into_iter();
    let mut out: Vec<Token> = Vec::with_capacity(own.len());
    let changed = |raw: &str, text: String, conf: f32, alternatives| Token {
        raw: raw.to_string(),
        text,
        conf,
        alternatives,
        changed: true,
        uncertain: conf < decode::UNCERTAIN_BELOW,
    };
    for i in own {
        match edits.iter().find(|e| e.first() == i || e.last() == i) {
            Some(&Rebreak::Join(j)) if j == i => {
                let conf = out.last().map_or(1.0, |t| t.conf);
                out.push(changed(all[i], String::new(), conf, Vec::new()));
            }
            Some(Rebreak::Join(_)) => {
                let Some(t) = it.next() else { break };
                out.push(changed(all[i], t.text, t.conf, t.alternatives));
            }
            Some(Rebreak::Split(..)) => {
                let (Some(a), Some(b)) = (it.next(), it.next()) else {
                    break;
                };
                let text = format!("{} {}", a.text, b.text);
                out.push(changed(all[i], text, a.conf.min(b.conf), Vec::new()));
            }
            None => {
                let Some(t) = it.next() else { break };
                out.push(t);
            }
        }
    }
    out
}

/// A line with its tokens replaced by their restored text, the whitespace between them kept (a
/// token whose text is empty, joined to the one before, takes the space before it along).
fn rebuild(line: &str, spans: &[(usize, usize)], restored: &[Token]) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 4);
    let mut prev = 0;
    for (&(a, b), t) in spans.iter().zip(restored) {
        if !(t.text.is_empty() && t.changed) {
            out.push_str(&line[prev..a]);
        }
        out.push_str(&t.text);
        prev = b;
    }
    out.push_str(&line[prev..]);
    out
}

/// Skeletons of the words that announce a place name (`xã Ea Tul`, `thị trấn Phù Mỹ`), with
/// how they are written.
const UNIT_WORDS: [(&[&str], &[&str]); 9] = [
    (&["thi", "tran"], &["thị", "trấn"]),
    (&["thi", "xa"], &["thị", "xã"]),
    (&["thanh", "pho"], &["thành", "phố"]),
    (&["dac", "khu"], &["đặc", "khu"]),
    (&["xa"], &["xã"]),
    (&["phuong"], &["phường"]),
    (&["huyen"], &["huyện"]),
    (&["quan"], &["quận"]),
    (&["tinh"], &["tỉnh"]),
];

/// The letters of a token (edge punctuation off), lowercase skeleton, `’` as `'`.
fn token_skeleton(tok: &str) -> String {
    let (_, core, _) = text::split_edges(tok);
    text::skeleton(&text::normalize_word(core).replace('’', "'"))
}

/// Reads the day or the month of a written date (`ngày 15 tháng l1 năm 2022`, `tháng 1] năm`)
/// as the number it must be: a token between `ngày` and `tháng`, or between `tháng` and `năm`,
/// made of one or two digits and the marks OCR reads for a `1` (`l`, `I`, `|`, `]`, `[`, `!`) or
/// a `0` (`o`, `O`), with at least one real digit, is that number when it is a valid day (1–31)
/// or month (1–12). The language model would make `là` of `l1`.
fn read_date_numbers(all: &[&str], own_start: usize, out: &mut [Token]) {
    for (k, tok) in out.iter_mut().enumerate() {
        let i = own_start + k;
        let (Some(prev), Some(next)) = (i.checked_sub(1).map(|j| all[j]), all.get(i + 1)) else {
            continue;
        };
        let max = match (token_skeleton(prev).as_str(), token_skeleton(next).as_str()) {
            ("ngay", "thang") => 31,
            ("thang", "nam") => 12,
            _ => continue,
        };
        // (`]` and `!` are edge punctuation to split_edges; here they may be the digit)
        let core = all[i].trim_end_matches([',', ';', '.']);
        let (lead, trail) = ("", &all[i][core.len()..]);
        let n = core.chars().count();
        if !(1..=2).contains(&n) || !core.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let digits: Option<String> = core
            .chars()
            .map(|c| match c {
                '0'..='9' => Some(c),
                'l' | 'I' | '|' | ']' | '[' | '!' => Some('1'),
                'o' | 'O' => Some('0'),
                _ => None,
            })
            .collect();
        let Some(d) = digits else { continue };
        if d == core || !d.parse::<u32>().is_ok_and(|v| (1..=max).contains(&v)) {
            continue;
        }
        tok.text = format!("{lead}{d}{trail}");
        tok.changed = tok.text != tok.raw;
        tok.conf = tok.conf.min(0.9);
        tok.uncertain = false;
        tok.alternatives.clear();
    }
}

/// Reads a name after a word that announces a place (`xã`, `phường`, `thị trấn`, `huyện`,
/// `quận`, `tỉnh`, `thành phố`, `đặc khu`) against the gazetteer: when the capitalised tokens
/// that follow spell (without marks) a place name of the gazetteer, they are written as the
/// gazetteer writes it — as given when that is one of its forms (correct text stays), else as
/// read when the reading is one, else the form the language model likes best. `all` are the
/// raw tokens (context included), `out` the readings of `all[own_start..]`'s own tokens.
fn read_places(m: &Model, all: &[&str], own_start: usize, out: &mut [Token]) {
    if m.places.is_empty() {
        return;
    }
    let own_end = own_start + out.len();
    let skel: Vec<String> = all.iter().map(|t| token_skeleton(t)).collect();
    let mut i = 0;
    // the start of the next name of a list (`xã Đạ Sar, Đạ Nhim và Đạ Chais`)
    let mut listed: Option<usize> = None;
    while i < own_end {
        let (unit_sk, unit_form, start): (&[&str], &[&str], usize) = match listed.take() {
            Some(next) => (&[], &[], next),
            None => {
                let unit = UNIT_WORDS.iter().find(|(sk, _)| {
                    i + sk.len() <= all.len()
                        && sk.iter().enumerate().all(|(k, s)| skel[i + k] == *s)
                });
                let Some(&(unit_sk, unit_form)) = unit else {
                    i += 1;
                    continue;
                };
                (unit_sk, unit_form, i + unit_sk.len())
            }
        };
        // the unit word must not end in punctuation (`xã.`): then no name follows it
        let (_, _, trail) = text::split_edges(all[start - 1]);
        // (a list that does not go on is read again from where it stopped, for a unit word)
        let next = if unit_sk.is_empty() { start } else { i + 1 };
        if (!unit_sk.is_empty() && !trail.is_empty()) || start >= own_end {
            i = next;
            continue;
        }
        let mut done = false;
        for k in (1..=m.place_len.min(all.len() - start)).rev() {
            let span = start..start + k;
            // capitalised tokens, no punctuation inside the name (only after its last token)
            let ok = span.clone().all(|j| {
                let (lead, core, trail) = text::split_edges(all[j]);
                core.chars().next().is_some_and(char::is_uppercase)
                    && lead.is_empty()
                    && (trail.is_empty() || j + 1 == span.end)
            });
            if !ok {
                continue;
            }
            let key = skel[span.clone()].join(" ");
            let Some(forms) = m.places.get(&key) else {
                continue;
            };
            // a one-syllable name only when the gazetteer has one form of it
            if k == 1 && forms.len() > 1 {
                break;
            }
            let as_given: Vec<String> = span
                .clone()
                .map(|j| text::normalize_word(text::split_edges(all[j]).1).replace('’', "'"))
                .collect();
            let as_read: Vec<String> = span
                .clone()
                .map(|j| {
                    if j < own_start || j >= own_end {
                        String::new()
                    } else {
                        let t = &out[j - own_start].text;
                        text::normalize_word(text::split_edges(t).1).replace('’', "'")
                    }
                })
                .collect();
            let same = |a: &[String], b: &[String]| {
                a.iter()
                    .zip(b)
                    .all(|(x, y)| x.to_lowercase() == y.to_lowercase())
            };
            let pick = forms
                .iter()
                .find(|f| same(f, &as_given))
                .or_else(|| forms.iter().find(|f| same(f, &as_read)))
                .or_else(|| {
                    forms.iter().min_by_key(|f| {
                        let ids: Option<Vec<u32>> = f
                            .iter()
                            .map(|w| m.ids.get(&w.to_lowercase()).copied())
                            .collect();
                        let lm = ids.map_or(i32::MAX, |ids| {
                            ids.iter().enumerate().fold(0, |c, (n, &id)| {
                                c + if n == 0 {
                                    m.uni(id)
                                } else {
                                    m.bigram(ids[n - 1], id)
                                }
                            })
                        });
                        // (`Krông Búk` before the NSO's `KRông Búk`)
                        let capitals = f
                            .iter()
                            .flat_map(|w| w.chars())
                            .filter(|c| c.is_uppercase());
                        (lm, capitals.count())
                    })
                });
            let Some(pick) = pick else { break };
            // a name of a list goes on after a comma or `và`
            let (_, _, last_trail) = text::split_edges(all[span.end - 1]);
            listed = if last_trail == "," {
                Some(span.end)
            } else if last_trail.is_empty() && skel.get(span.end).is_some_and(|w| w == "va") {
                Some(span.end + 1)
            } else {
                None
            }
            .filter(|&n| n < all.len());
            if same(pick, &as_given) {
                // correct text: the name stays as given, the word before it as read
                for (n, j) in span.clone().enumerate() {
                    if j >= own_start && j < own_end {
                        set_word(&mut out[j - own_start], all[j], &as_given[n]);
                    }
                }
                i = span.end;
                done = true;
                break;
            }
            for (n, j) in span.clone().enumerate() {
                if j >= own_start && j < own_end {
                    set_word(&mut out[j - own_start], all[j], &pick[n]);
                }
            }
            // the unit word itself, when it was given without marks (not `cơ quan`)
            let unit_at = start - unit_sk.len();
            let after_co = unit_at > 0 && skel[unit_at - 1] == "co";
            for (n, j) in (unit_at..start).enumerate() {
                if j >= own_start && !after_co && !text::has_marks(&all[j].to_lowercase()) {
                    set_word(&mut out[j - own_start], all[j], unit_form[n]);
                }
            }
            done = true;
            i = span.end;
            break;
        }
        if !done {
            i = next;
        }
    }
}

/// Writes `word` into a token's reading, in the case of the raw token (all capitals stay
/// capitals), with the raw token's edge punctuation.
fn set_word(t: &mut Token, raw: &str, word: &str) {
    if t.text.is_empty() || t.text.contains(' ') {
        return;
    }
    let (lead, core, trail) = text::split_edges(raw);
    let upper = core.chars().count() > 1 && core.chars().all(|c| !c.is_lowercase());
    let w = if upper {
        word.to_uppercase()
    } else if core.chars().next().is_some_and(char::is_uppercase) {
        let mut c = word.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default()
    } else {
        word.to_string()
    };
    let new = format!("{lead}{w}{trail}");
    if new != t.text {
        t.text = new;
        t.changed = t.text != t.raw;
        if t.changed {
            t.conf = t.conf.max(0.9);
            t.uncertain = false;
        }
    }
}

/// Compiles the TSV files of `data_dir` and writes the blob to `out` (atomically).
pub fn build_dictionary(data_dir: &Path, out: &Path) -> Result<usize, RestoreError> {
    let bytes = lexicon::compile(data_dir)?;
    vanban_doc::write_atomic(out, &bytes).map_err(|e| RestoreError::io(&e.path, e.source))?;
    Ok(bytes.len())
}

/// Compiles the TSV files of `data_dir` into blob bytes.
pub fn compile(data_dir: &Path) -> Result<Vec<u8>, RestoreError> {
    lexicon::compile(data_dir)
}

/// Writes clerk-confirmed phrases (names of several syllables) wherever the restored tokens spell
/// them with other marks: `Sơn Tình` becomes `Sơn Tịnh` once a clerk has confirmed `Sơn Tịnh`.
/// Punctuation around a token is kept; the phrase's own casing is used for words that start with a
/// capital in the phrase, the token's otherwise.
fn apply_user_phrases(phrases: &[(Vec<String>, Vec<String>)], toks: &mut [Token]) {
    fn core(s: &str) -> (usize, usize) {
        let start = s
            .char_indices()
            .find(|(_, c)| c.is_alphanumeric())
            .map_or(s.len(), |(i, _)| i);
        let end = s
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_alphanumeric())
            .map_or(start, |(i, c)| i + c.len_utf8());
        (start, end.max(start))
    }
    let mut i = 0;
    while i < toks.len() {
        let mut advanced = false;
        for (sks, syls) in phrases {
            let k = sks.len();
            if i + k > toks.len() {
                continue;
            }
            let fits = (0..k).all(|j| {
                let t = &toks[i + j].text;
                let (a, b) = core(t);
                text::skeleton(&t[a..b]) == sks[j]
            });
            if !fits {
                continue;
            }
            for j in 0..k {
                let t = &mut toks[i + j];
                let (a, b) = core(&t.text);
                let word = &syls[j];
                let cased = if t.text[a..b].chars().all(|c| !c.is_lowercase())
                    && t.text[a..b].chars().count() > 1
                {
                    word.to_uppercase()
                } else {
                    word.clone()
                };
                let new = format!("{}{}{}", &t.text[..a], cased, &t.text[b..]);
                if new != t.text {
                    t.text = new;
                    t.changed = t.text != t.raw;
                    t.conf = 1.0;
                    t.uncertain = false;
                }
            }
            i += k;
            advanced = true;
            break;
        }
        if !advanced {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{cut_between, read_date_numbers, Token};

    #[test]
    fn a_date_number_read_with_letters_is_the_number() {
        let read = |line: &str| -> String {
            let all: Vec<&str> = line.split(' ').collect();
            let mut out: Vec<Token> = all
                .iter()
                .map(|t| Token {
                    raw: (*t).to_string(),
                    // what the language model made of them
                    text: if *t == "l1" {
                        "là".into()
                    } else {
                        (*t).to_string()
                    },
                    conf: 0.6,
                    alternatives: Vec::new(),
                    changed: *t == "l1",
                    uncertain: false,
                })
                .collect();
            read_date_numbers(&all, 0, &mut out);
            out.iter()
                .map(|t| t.text.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(
            read("ngày 15 tháng l1 năm 2022;"),
            "ngày 15 tháng 11 năm 2022;"
        );
        assert_eq!(
            read("ngày 01 tháng 1] năm 2019"),
            "ngày 01 tháng 11 năm 2019"
        );
        assert_eq!(read("ngày l5, tháng 3"), "ngày 15, tháng 3");
        // not a month, not a date's place, no digit at all: as they were
        assert_eq!(read("tháng 1l năm"), "tháng 11 năm");
        assert_eq!(read("tháng 2l năm"), "tháng 2l năm");
        assert_eq!(read("một l1 năm"), "một là năm");
        assert_eq!(read("tháng lo năm"), "tháng lo năm");
    }

    #[test]
    fn the_context_is_cut_at_sure_punctuation_only() {
        assert!(cut_between("dân.", "Điều"));
        assert!(cut_between("sau:", "a"));
        assert!(cut_between("dân", "(a)"));
        assert!(!cut_between("dân,", "tổ"), "a comma does not cut");
        assert!(!cut_between("t?", "a"), "`t?` may be `ử`");
        assert!(!cut_between("người", "dân"));
    }
}
