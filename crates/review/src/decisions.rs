//! The clerk's decisions: the `<stem>.review.json` file the review page saves, and applying it to
//! a document and its output files.
//!
//! # Format (`vanban-review/1`)
//!
//! ```json
//! {
//!   "format": "vanban-review/1",
//!   "source": "in/ke-hoach.pdf",
//!   "sha256": "9f86d0…",
//!   "document": "/home/clerk/out/ke-hoach.json",
//!   "saved": "2026-11-21T23:40:00.000Z",
//!   "decisions": [
//!     {"page": 1, "line": 4, "word": 2, "raw": "Chi", "text": "Chỉ", "verdict": "accept"},
//!     {"page": 1, "line": 7, "word": 0, "raw": "SIPAS", "text": "SIPÁS", "verdict": "reject"},
//!     {"page": 2, "line": 0, "word": 5, "raw": "Hoang", "text": "Hoảng", "verdict": "fix", "value": "Hoàng"}
//!   ]
//! }
//! ```
//!
//! `source` and `sha256` are the document's [`vanban_doc::Source`]: decisions only apply to the
//! document made from that very file. `document` (optional) is where the review page was opened
//! from, a hint for finding `<stem>.json` when the file was saved elsewhere (a browser's downloads
//! folder). Each decision names a word by page number (from 1), line index on the page and word
//! index in the line (both from 0), and repeats the word's `raw` text, which must match; `text` is
//! what the page showed and is informational. Verdicts:
//!
//! - `accept`: the restored text is right; the word stays, its change is no longer uncertain.
//! - `reject`: the raw text was right; the word goes back to it and loses its correction.
//! - `fix`: neither; `value` is the right text (NFC, new tone placement, one space between words).
//!
//! The word each verdict confirms (the restored text, the raw text, the value) goes to the user
//! lexicon, and so does each name the clerk confirmed word by word: two or more confirmed words
//! side by side in a line, each capitalised (`Hoàng Minh Cường`). Applying the same file twice
//! gives the same result.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use vanban_doc::{Correction, Document, Origin};

use crate::lexicon::{lexicon_entry, new_tone_placement};
use crate::ReviewError;

/// The `format` value of the decisions files this version writes and reads.
pub const DECISIONS_FORMAT: &str = "vanban-review/1";

/// What the clerk said about one word.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The restored text is right.
    Accept,
    /// The raw text was right.
    Reject,
    /// Neither: the decision's `value` is.
    Fix,
}

/// One decision on one word.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Decision {
    /// Page number, from 1.
    pub page: u32,
    /// Line index on the page, from 0.
    pub line: u32,
    /// Word index in the line, from 0.
    pub word: u32,
    /// The word's raw text, checked against the document.
    pub raw: String,
    /// The restored text the page showed (informational).
    #[serde(default)]
    pub text: String,
    /// The verdict.
    pub verdict: Verdict,
    /// The right text, for [`Verdict::Fix`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// The content of a `<stem>.review.json` file (see the module docs for the format).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ReviewDecisions {
    /// Always [`DECISIONS_FORMAT`].
    pub format: String,
    /// The document's source path.
    pub source: String,
    /// The document's source hash.
    pub sha256: String,
    /// Where the review page was opened from, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// When the page saved the file (ISO 8601), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saved: Option<String>,
    /// The decisions, in any order; a later one on the same word wins.
    pub decisions: Vec<Decision>,
}

impl ReviewDecisions {
    /// An empty set of decisions for `doc`.
    pub fn for_document(doc: &Document) -> ReviewDecisions {
        ReviewDecisions {
            format: DECISIONS_FORMAT.to_string(),
            source: doc.source.path.clone(),
            sha256: doc.source.sha256.clone(),
            document: None,
            saved: None,
            decisions: Vec::new(),
        }
    }

    /// Reads and parses a decisions file.
    pub fn read(path: &Path) -> Result<ReviewDecisions, ReviewError> {
        read_json(path, "review decisions file")
    }
}

fn read_json<T: serde::de::DeserializeOwned>(
    path: &Path,
    what: &'static str,
) -> Result<T, ReviewError> {
    let bytes = std::fs::read(path).map_err(|source| ReviewError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_slice(&bytes).map_err(|source| ReviewError::Json {
        path: path.to_path_buf(),
        what,
        source,
    })
}

/// Reads a `<stem>.json` document (for `vanban diff` and `vanban apply-review`), naming the file
/// and the parser's line and column when it is not one.
pub fn read_document(path: &Path) -> Result<Document, ReviewError> {
    read_json(path, "vanban document (<stem>.json)")
}

/// A clerk's replacement text made canonical: NFC, new tone placement, single spaces.
fn canonical_value(v: &str) -> String {
    let joined = v.split_whitespace().collect::<Vec<_>>().join(" ");
    new_tone_placement(&joined.nfc().collect::<String>())
}

/// Names among the confirmed words: runs of two or more confirmed words next to each other in a
/// line, each starting with a capital letter and none but the last ending in punctuation
/// (`Hoàng Minh Cường`, `Bình Phước`), as lexicon entries.
fn confirmed_names(
    doc: &Document,
    positions: &std::collections::BTreeSet<(usize, usize, usize)>,
) -> Vec<String> {
    let mut names = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    let mut prev: Option<(usize, usize, usize)> = None;
    let mut flush = |run: &mut Vec<&str>| {
        if run.len() >= 2 {
            names.extend(lexicon_entry(&run.join(" ")));
        }
        run.clear();
    };
    for &(pi, li, wi) in positions {
        let text = doc.pages[pi].lines[li].words[wi].text.as_str();
        let adjacent = prev.is_some_and(|(p, l, w)| p == pi && l == li && w + 1 == wi);
        let ends_run = run
            .last()
            .is_some_and(|t| t.ends_with(|c: char| !c.is_alphanumeric()));
        if !adjacent || ends_run {
            flush(&mut run);
        }
        let capital = text
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .starts_with(char::is_uppercase);
        if capital {
            run.push(text);
        } else {
            flush(&mut run);
        }
        prev = Some((pi, li, wi));
    }
    flush(&mut run);
    names
}

/// Applies `decisions` to `doc` (all or nothing: every decision is checked before any is applied),
/// re-renders `doc.text` and recounts `doc.restoration`. Returns the confirmed words as lexicon
/// entries, in decision order without repeats, then the confirmed names (see the module docs).
pub fn apply_review(
    doc: &mut Document,
    decisions: &ReviewDecisions,
) -> Result<Vec<String>, ReviewError> {
    if decisions.format != DECISIONS_FORMAT {
        return Err(ReviewError::Format {
            found: decisions.format.clone(),
            expected: DECISIONS_FORMAT,
        });
    }
    if decisions.sha256 != doc.source.sha256 {
        return Err(ReviewError::WrongDocument {
            decided: decisions.source.clone(),
            decided_sha256: decisions.sha256.clone(),
            document: doc.source.path.clone(),
            document_sha256: doc.source.sha256.clone(),
        });
    }
    let mut targets = Vec::with_capacity(decisions.decisions.len());
    for (index, d) in decisions.decisions.iter().enumerate() {
        let at = doc
            .pages
            .iter()
            .position(|p| p.number == d.page)
            .and_then(|pi| {
                let line = doc.pages[pi].lines.get(d.line as usize)?;
                line.words.get(d.word as usize)?;
                Some((pi, d.line as usize, d.word as usize))
            })
            .ok_or_else(|| ReviewError::NoSuchWord {
                document: doc.source.path.clone(),
                index,
                page: d.page,
                line: d.line,
                word: d.word,
            })?;
        let w = &doc.pages[at.0].lines[at.1].words[at.2];
        if w.raw.nfc().ne(d.raw.nfc()) {
            return Err(ReviewError::WordMismatch {
                document: doc.source.path.clone(),
                index,
                page: d.page,
                line: d.line,
                word: d.word,
                expected: d.raw.clone(),
                found: w.raw.clone(),
            });
        }
        let value = match d.verdict {
            Verdict::Fix => {
                let v = canonical_value(d.value.as_deref().unwrap_or(""));
                if v.is_empty() {
                    return Err(ReviewError::EmptyFix {
                        document: doc.source.path.clone(),
                        index,
                    });
                }
                Some(v)
            }
            _ => None,
        };
        targets.push((at, d.verdict, value));
    }
    let mut confirmed: Vec<String> = Vec::new();
    let mut positions = std::collections::BTreeSet::new();
    for ((pi, li, wi), verdict, value) in targets {
        positions.insert((pi, li, wi));
        let w = &mut doc.pages[pi].lines[li].words[wi];
        match verdict {
            Verdict::Accept => {
                if let Some(c) = &mut w.correction {
                    c.uncertain = false;
                    c.conf = 1.0;
                }
            }
            Verdict::Reject => {
                w.text = w.raw.clone();
                w.correction = None;
            }
            Verdict::Fix => {
                let v = value.unwrap_or_default();
                if v == w.raw {
                    w.correction = None;
                } else {
                    let mut alternatives = w
                        .correction
                        .take()
                        .map(|c| c.alternatives)
                        .unwrap_or_default();
                    if w.text != v && !alternatives.contains(&w.text) {
                        alternatives.insert(0, w.text.clone());
                    }
                    alternatives.retain(|a| *a != v);
                    w.correction = Some(Correction {
                        conf: 1.0,
                        alternatives,
                        uncertain: false,
                    });
                }
                w.text = v;
            }
        }
        if let Some(e) = lexicon_entry(&w.text) {
            if !confirmed.contains(&e) {
                confirmed.push(e);
            }
        }
    }
    for name in confirmed_names(doc, &positions) {
        if !confirmed.contains(&name) {
            confirmed.push(name);
        }
    }
    doc.text = doc.render_text();
    doc.summarize_restoration();
    Ok(confirmed)
}

/// The page images the pipeline saves beside the outputs, as the review page refers to them: for
/// each page of a scan (`origin` OCR), `<stem file name>.page-N.jpg` when that file exists beside
/// `stem` (the output path without extension), else `None`.
pub fn page_images_beside(stem: &Path, doc: &Document) -> Vec<Option<String>> {
    let name = stem
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    doc.pages
        .iter()
        .map(|p| {
            let file = format!("{name}.page-{}.jpg", p.number);
            (p.origin == Origin::Ocr && stem.with_file_name(&file).is_file()).then_some(file)
        })
        .collect()
}

/// What [`apply_review_files`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// The `<stem>.json` the decisions were applied to.
    pub document: PathBuf,
    /// Number of decisions applied.
    pub decisions: usize,
    /// Lexicon entries confirmed (see [`apply_review`]).
    pub confirmed: Vec<String>,
    /// Files written, in order.
    pub written: Vec<PathBuf>,
}

/// Finds the `<stem>.json` for a decisions file: `explicit` when given; else `<stem>.json` beside a
/// file named `<stem>.review.json` (or `<stem>.review (1).json` as browsers name a second download);
/// else the `document` path recorded in the decisions.
fn find_document(
    decisions_path: &Path,
    decisions: &ReviewDecisions,
    explicit: Option<&Path>,
) -> Result<PathBuf, ReviewError> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    let mut tried = Vec::new();
    let name = decisions_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Some(i) = name.rfind(".review") {
        let candidate = decisions_path.with_file_name(format!("{}.json", &name[..i]));
        if candidate.is_file() {
            return Ok(candidate);
        }
        tried.push(candidate);
    }
    if let Some(d) = &decisions.document {
        let candidate = PathBuf::from(d);
        if candidate.is_file() {
            return Ok(candidate);
        }
        tried.push(candidate);
    }
    Err(ReviewError::NoDocument {
        path: decisions_path.to_path_buf(),
        tried: if tried.is_empty() {
            "nothing".to_string()
        } else {
            tried
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        },
    })
}

/// `vanban apply-review`: reads the decisions at `decisions_path`, applies them to `<stem>.json`
/// (`document`, or found as described on [`ReviewDecisions`]'s file naming), rewrites
/// `<stem>.json`, `<stem>.txt` and `<stem>.review.html` (with the page images found beside it), and
/// adds the confirmed words to the lexicon at `lexicon` when given. Nothing is written when a
/// decision does not fit the document.
pub fn apply_review_files(
    decisions_path: &Path,
    document: Option<&Path>,
    lexicon: Option<&Path>,
) -> Result<Applied, ReviewError> {
    let decisions = ReviewDecisions::read(decisions_path)?;
    let doc_path = find_document(decisions_path, &decisions, document)?;
    let mut doc = read_document(&doc_path)?;
    let confirmed = apply_review(&mut doc, &decisions)?;
    let file_name = doc_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = doc_path.with_file_name(file_name.strip_suffix(".json").unwrap_or(&file_name));
    let with_ext = |ext: &str| {
        let mut s = stem.clone().into_os_string();
        s.push(ext);
        PathBuf::from(s)
    };
    let json = serde_json::to_vec_pretty(&doc).map_err(|source| ReviewError::Json {
        path: doc_path.clone(),
        what: "vanban document to write",
        source,
    })?;
    let mut written = Vec::new();
    let json_path = with_ext(".json");
    vanban_doc::write_atomic(&json_path, &json)?;
    written.push(json_path);
    let txt_path = with_ext(".txt");
    vanban_doc::write_atomic(&txt_path, doc.text.as_bytes())?;
    written.push(txt_path);
    let html_path = with_ext(".review.html");
    let html = crate::review_html(&doc, &page_images_beside(&stem, &doc));
    vanban_doc::write_atomic(&html_path, html.as_bytes())?;
    written.push(html_path);
    if let Some(lex) = lexicon {
        crate::update_lexicon(lex, &confirmed)?;
        written.push(lex.to_path_buf());
    }
    Ok(Applied {
        document: doc_path,
        decisions: decisions.decisions.len(),
        confirmed,
        written,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use vanban_doc::{Line, Page, Source, Word};

    #[test]
    fn names_are_runs_of_confirmed_capitalised_words() {
        let words = ["tại", "Hà", "Nội,", "Việt", "Nam", "và", "Bình", "Phước"];
        let mut doc = Document::new(
            Source {
                path: "a.txt".into(),
                sha256: String::new(),
                pages: 1,
            },
            vec![Page {
                number: 1,
                width: 0,
                height: 0,
                dpi: 0,
                origin: Origin::TextFile,
                lines: vec![Line {
                    bbox: None,
                    block: 0,
                    words: words.iter().map(|w| Word::new(*w, None, 1.0)).collect(),
                }],
            }],
        );
        doc.summarize_restoration();
        let mut decisions = ReviewDecisions::for_document(&doc);
        for (i, w) in words.iter().enumerate().filter(|(i, _)| *i != 7) {
            decisions.decisions.push(Decision {
                page: 1,
                line: 0,
                word: i as u32,
                raw: w.to_string(),
                text: w.to_string(),
                verdict: Verdict::Accept,
                value: None,
            });
        }
        let mut d = doc.clone();
        let confirmed = apply_review(&mut d, &decisions).unwrap();
        assert_eq!(
            confirmed[words.len() - 1..],
            ["Hà Nội".to_string(), "Việt Nam".to_string()],
            "'Bình' alone is no name: 'Phước' was not confirmed"
        );
        assert_eq!(d, doc, "accepting unchanged words changes nothing");
    }
}
