//! The clerk's decisions: the `<stem>.review.json` file the review page (or the review server)
//! saves, and applying it to a document ([`crate::apply_to_files`] does it on the files).
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
//!   "by": "lan",
//!   "decisions": [
//!     {"page": 1, "line": 4, "word": 2, "raw": "Chi", "text": "Chỉ", "verdict": "accept"},
//!     {"page": 1, "line": 7, "word": 0, "raw": "SIPAS", "text": "SIPÁS", "verdict": "reject", "name": true},
//!     {"page": 2, "line": 0, "word": 5, "raw": "Hoang", "text": "Hoảng", "verdict": "fix", "value": "Hoàng",
//!      "at": "2026-11-21T23:39:12.000Z"}
//!   ],
//!   "fields": [{"field": "number", "value": "69/TTr-TCKH"}],
//!   "cells": [{"table": 0, "row": 2, "col": 0, "raw": "li", "value": "1.1"}]
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
//! `fields` set metadata fields by key ([`crate::FIELDS`]; an empty value means the document has
//! none); `cells` set table cells (table from 0, body row from 0 without the header, column from
//! 0), `raw` being the cell's text when the clerk decided (it must still read so, or already read
//! `value`). `by` (set by the server) and each decision's `at` end up in the `reviewed` marks.
//!
//! The lexicon learns what the clerk confirmed: the restored text of an `accept`, the `value` of
//! a `fix`, a typed signer name, place or issuer, and names confirmed word by word (two or more
//! such words side by side in a line, each capitalised: `Hoàng Minh Cường`). A `reject` ("keep
//! the original") teaches nothing — an OCR misreading must not become a word — unless `name` is
//! set. Applying the same file twice gives the same result.

use std::path::Path;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use vanban_doc::{Correction, Document, Origin, Reviewed, ReviewedCell};

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
    /// The clerk marked the word as (part of) a name: a `reject` then teaches the lexicon the raw text.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub name: bool,
    /// When the clerk decided (ISO 8601), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// A clerk's value for one metadata field (see [`crate::FIELDS`] for the keys).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct FieldDecision {
    /// The field's key, e.g. `number` or `signer.name`.
    pub field: String,
    /// The right value; empty when the document has no such field.
    pub value: String,
    /// When the clerk decided (ISO 8601), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// A clerk's text for one table cell.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct CellDecision {
    /// Table index in the document, from 0.
    pub table: u32,
    /// Body row, from 0 (the header is not counted).
    pub row: u32,
    /// Column, from 0.
    pub col: u32,
    /// The cell's text when the clerk decided, checked against the document.
    pub raw: String,
    /// The right text.
    pub value: String,
    /// When the clerk decided (ISO 8601), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
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
    /// Who decided (set by the review server), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// The decisions on words, in any order; a later one on the same word wins.
    pub decisions: Vec<Decision>,
    /// The decisions on metadata fields; a later one on the same field wins.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldDecision>,
    /// The decisions on table cells; a later one on the same cell wins.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<CellDecision>,
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
            by: None,
            decisions: Vec::new(),
            fields: Vec::new(),
            cells: Vec::new(),
        }
    }

    /// Reads and parses a decisions file.
    pub fn read(path: &Path) -> Result<ReviewDecisions, ReviewError> {
        read_json(path, "review decisions file")
    }

    /// Number of decisions of every kind.
    pub fn len(&self) -> usize {
        self.decisions.len() + self.fields.len() + self.cells.len()
    }

    /// True when there is no decision at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds `other`'s decisions after these (so that they win on the same word, field or cell) and
    /// takes its `saved` and `by` when it has them.
    pub fn merge(&mut self, other: ReviewDecisions) {
        self.decisions.extend(other.decisions);
        self.fields.extend(other.fields);
        self.cells.extend(other.cells);
        self.saved = other.saved.or(self.saved.take());
        self.by = other.by.or(self.by.take());
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

/// Names among the learned words: runs of two or more learned words next to each other in a
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

/// A decision that did not fit the document (only when applying leniently, after a re-run).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Unapplied {
    /// The decision as it was saved.
    pub decision: serde_json::Value,
    /// Why it no longer fits.
    pub reason: String,
}

/// What [`apply_decisions`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// Words the lexicon learns (see the module docs), in decision order without repeats, then names.
    pub confirmed: Vec<String>,
    /// Decisions applied.
    pub applied: usize,
    /// Decisions that did not fit (always empty when applying strictly).
    pub unapplied: Vec<Unapplied>,
}

/// Applies `decisions` to `doc` all or nothing (every decision is checked before any is applied),
/// re-renders `doc.text` and recounts `doc.restoration`, and re-extracts the metadata the corrected
/// words touch. Returns the words the lexicon learns: what the clerk accepted or typed (not a
/// "keep the original" unless marked as a name), in decision order without repeats, then the names.
pub fn apply_review(
    doc: &mut Document,
    decisions: &ReviewDecisions,
) -> Result<Vec<String>, ReviewError> {
    Ok(apply_decisions(doc, decisions, true)?.confirmed)
}

/// Applies `decisions` to `doc`: words, then metadata re-extracted where corrected words stand,
/// then metadata fields the clerk set, then table cells; each reviewed item is marked `reviewed`.
/// With `strict`, any decision that does not fit is an error and nothing is applied; without, the
/// ones that fit are applied and the others returned in [`Outcome::unapplied`].
pub fn apply_decisions(
    doc: &mut Document,
    decisions: &ReviewDecisions,
    strict: bool,
) -> Result<Outcome, ReviewError> {
    if decisions.format != DECISIONS_FORMAT {
        return Err(ReviewError::Format {
            found: decisions.format.clone(),
            expected: DECISIONS_FORMAT,
        });
    }
    if decisions.sha256 != doc.source.sha256 {
        let e = ReviewError::WrongDocument {
            decided: decisions.source.clone(),
            decided_sha256: decisions.sha256.clone(),
            document: doc.source.path.clone(),
            document_sha256: doc.source.sha256.clone(),
        };
        if strict {
            return Err(e);
        }
        let mut outcome = Outcome::default();
        let reason = e.to_string();
        let all = decisions
            .decisions
            .iter()
            .map(as_value)
            .chain(decisions.fields.iter().map(as_value))
            .chain(decisions.cells.iter().map(as_value));
        outcome.unapplied = all
            .map(|decision| Unapplied {
                decision,
                reason: reason.clone(),
            })
            .collect();
        return Ok(outcome);
    }
    let mut outcome = Outcome::default();
    let mut reject = |item: serde_json::Value, e: ReviewError| -> Result<(), ReviewError> {
        if strict {
            return Err(e);
        }
        outcome.unapplied.push(Unapplied {
            decision: item,
            reason: e.to_string(),
        });
        Ok(())
    };
    let document = doc.source.path.clone();
    let mark = |at: &Option<String>| Reviewed {
        by: decisions.by.clone(),
        at: at.clone().or_else(|| decisions.saved.clone()),
    };
    // Check every word decision.
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
            });
        let Some(at) = at else {
            reject(
                as_value(d),
                ReviewError::NoSuchWord {
                    document: document.clone(),
                    index,
                    page: d.page,
                    line: d.line,
                    word: d.word,
                },
            )?;
            continue;
        };
        let w = &doc.pages[at.0].lines[at.1].words[at.2];
        if w.raw.nfc().ne(d.raw.nfc()) {
            reject(
                as_value(d),
                ReviewError::WordMismatch {
                    document: document.clone(),
                    index,
                    page: d.page,
                    line: d.line,
                    word: d.word,
                    expected: d.raw.clone(),
                    found: w.raw.clone(),
                },
            )?;
            continue;
        }
        let value = match d.verdict {
            Verdict::Fix => {
                let v = canonical_value(d.value.as_deref().unwrap_or(""));
                if v.is_empty() {
                    reject(
                        as_value(d),
                        ReviewError::EmptyFix {
                            document: document.clone(),
                            index,
                        },
                    )?;
                    continue;
                }
                Some(v)
            }
            _ => None,
        };
        targets.push((at, d, value));
    }
    // Check every field and cell decision.
    let mut fields = Vec::new();
    for (index, d) in decisions.fields.iter().enumerate() {
        let mut probe = doc.metadata.clone();
        match crate::fields::set_field(&mut probe, &d.field, &d.value) {
            Ok(()) => fields.push(d),
            Err(reason) => reject(
                as_value(d),
                ReviewError::BadField {
                    document: document.clone(),
                    index,
                    reason,
                },
            )?,
        }
    }
    let mut cells = Vec::new();
    for (index, d) in decisions.cells.iter().enumerate() {
        let current = doc
            .tables
            .get(d.table as usize)
            .and_then(|t| t.rows.get(d.row as usize))
            .and_then(|r| r.get(d.col as usize));
        let reason = match current {
            None => Some(format!(
                "table {} row {} column {} does not exist",
                d.table + 1,
                d.row + 1,
                d.col + 1
            )),
            Some(c) if c.nfc().ne(d.raw.nfc()) && c.nfc().ne(d.value.nfc()) => Some(format!(
                "table {} row {} column {} reads {c:?}, the review saw {:?}",
                d.table + 1,
                d.row + 1,
                d.col + 1,
                d.raw
            )),
            Some(_) => None,
        };
        match reason {
            Some(reason) => reject(
                as_value(d),
                ReviewError::BadCell {
                    document: document.clone(),
                    index,
                    reason,
                },
            )?,
            None => cells.push(d),
        }
    }
    // Apply the words.
    let mut learned = std::collections::BTreeSet::new();
    let mut touched = Vec::new();
    for ((pi, li, wi), d, value) in targets {
        let page_number = doc.pages[pi].number;
        let w = &mut doc.pages[pi].lines[li].words[wi];
        match d.verdict {
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
        w.reviewed = Some(mark(&d.at));
        touched.push((page_number, w.bbox, w.text.clone(), w.raw.clone()));
        outcome.applied += 1;
        if d.verdict != Verdict::Reject || d.name {
            learned.insert((pi, li, wi));
            if let Some(e) = lexicon_entry(&w.text) {
                if !outcome.confirmed.contains(&e) {
                    outcome.confirmed.push(e);
                }
            }
        }
    }
    for name in confirmed_names(doc, &learned) {
        if !outcome.confirmed.contains(&name) {
            outcome.confirmed.push(name);
        }
    }
    doc.text = doc.render_text();
    doc.summarize_restoration();
    if !touched.is_empty() {
        crate::remeta::reextract(doc, &touched);
    }
    // Apply the fields and cells.
    for d in fields {
        // Checked above on a copy: cannot fail.
        let _ = crate::fields::set_field(&mut doc.metadata, &d.field, &d.value);
        if let Some(spec) = crate::fields::field(&d.field) {
            doc.metadata.confidence.insert(spec.source.to_string(), 1.0);
        }
        doc.metadata.reviewed.insert(d.field.clone(), mark(&d.at));
        outcome.applied += 1;
        if matches!(d.field.as_str(), "signer.name" | "place" | "issuer") {
            if let Some(e) = lexicon_entry(&d.value) {
                if !outcome.confirmed.contains(&e) {
                    outcome.confirmed.push(e);
                }
            }
        }
    }
    for d in cells {
        let value: String = d.value.trim().nfc().collect();
        let t = &mut doc.tables[d.table as usize];
        let header = u32::from(!t.header.is_empty());
        t.rows[d.row as usize][d.col as usize] = value.clone();
        for c in &mut t.cells {
            if c.row == d.row + header && c.col == d.col {
                c.text = value.clone();
                c.conf = 1.0;
            }
        }
        doc.reviewed_cells
            .retain(|r| (r.table, r.row, r.col) != (d.table, d.row, d.col));
        doc.reviewed_cells.push(ReviewedCell {
            table: d.table,
            row: d.row,
            col: d.col,
            mark: mark(&d.at),
        });
        outcome.applied += 1;
    }
    Ok(outcome)
}

/// A decision as JSON (for [`Unapplied`]).
fn as_value<T: Serialize>(x: &T) -> serde_json::Value {
    serde_json::to_value(x).unwrap_or(serde_json::Value::Null)
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
                name: false,
                at: None,
            });
        }
        let mut d = doc.clone();
        let confirmed = apply_review(&mut d, &decisions).unwrap();
        assert_eq!(
            confirmed[words.len() - 1..],
            ["Hà Nội".to_string(), "Việt Nam".to_string()],
            "'Bình' alone is no name: 'Phước' was not confirmed"
        );
        assert_eq!(
            d.text, doc.text,
            "accepting unchanged words changes no text"
        );
        let marked = d.pages[0].lines[0]
            .words
            .iter()
            .filter(|w| w.reviewed.is_some())
            .count();
        assert_eq!(
            marked,
            words.len() - 1,
            "each decided word is marked reviewed"
        );
    }

    #[test]
    fn keeping_the_original_teaches_only_names() {
        let mut doc = Document::new(
            Source {
                path: "a.txt".into(),
                sha256: String::new(),
                pages: 1,
            },
            vanban_doc::pages_from_text("RAM Nguyen Van Hung\n"),
        );
        for (w, t) in doc.pages[0].lines[0]
            .words
            .iter_mut()
            .zip(["RẠM", "Nguyễn", "Vân", "Hùng"])
        {
            w.text = t.into();
            w.correction = Some(Correction {
                conf: 0.5,
                alternatives: Vec::new(),
                uncertain: true,
            });
        }
        let mut d = ReviewDecisions::for_document(&doc);
        for (i, raw) in ["RAM", "Nguyen", "Van", "Hung"].iter().enumerate() {
            d.decisions.push(Decision {
                page: 1,
                line: 0,
                word: i as u32,
                raw: raw.to_string(),
                text: String::new(),
                verdict: if i == 0 {
                    Verdict::Reject
                } else {
                    Verdict::Fix
                },
                value: (i > 0).then(|| ["", "Nguyễn", "Văn", "Hùng"][i].to_string()),
                name: false,
                at: None,
            });
        }
        let mut a = doc.clone();
        let learned = apply_review(&mut a, &d).unwrap();
        assert_eq!(
            learned,
            ["Nguyễn", "Văn", "Hùng", "Nguyễn Văn Hùng"],
            "RAM kept, not learned"
        );
        assert_eq!(a.pages[0].lines[0].words[0].text, "RAM");
        d.decisions[0].name = true;
        let learned = apply_review(&mut doc.clone(), &d).unwrap();
        assert_eq!(
            learned,
            ["RAM", "Nguyễn", "Văn", "Hùng", "RAM Nguyễn Văn Hùng"],
            "a kept name is learned"
        );
    }

    proptest::proptest! {
        /// Whatever a decisions file holds, applying it never panics: strictly it is applied or
        /// refused whole, leniently every decision is applied or set aside.
        #[test]
        fn any_decisions_apply_or_are_refused_without_panic(
            words in proptest::collection::vec((0u32..3, 0u32..3, 0u32..4, "[a-zA-Zàạ0-9/ ]{0,6}", 0u8..3, "[a-zđ ]{0,6}"), 0..6),
            fields in proptest::collection::vec((0usize..14, "[0-9a-zA-Z/.\\- ]{0,12}"), 0..6),
            cells in proptest::collection::vec((0u32..2, 0u32..4, 0u32..4, "[a-z0-9. ]{0,5}", "[a-z0-9. ]{0,5}"), 0..6),
        ) {
            let mut doc = Document::new(
                Source { path: "a.txt".into(), sha256: "00".into(), pages: 1 },
                vanban_doc::pages_from_text("Số: 12/KH-UB\nHà Nội, ngày 5 tháng 6 năm 2023\nli x\n"),
            );
            doc.tables.push(vanban_doc::Table {
                header: vec!["STT".into(), "Nội dung".into()],
                rows: vec![vec!["1".into(), "a".into()], vec!["li".into(), "b".into()]],
                ..vanban_doc::Table::default()
            });
            let mut d = ReviewDecisions::for_document(&doc);
            for (page, line, word, raw, v, value) in words {
                d.decisions.push(Decision {
                    page, line, word, raw, text: String::new(),
                    verdict: [Verdict::Accept, Verdict::Reject, Verdict::Fix][v as usize],
                    value: Some(value), name: v == 1, at: None,
                });
            }
            for (f, value) in fields {
                let field = crate::FIELDS.get(f).map_or("nope".to_string(), |s| s.key.to_string());
                d.fields.push(FieldDecision { field, value, at: None });
            }
            for (table, row, col, raw, value) in cells {
                d.cells.push(CellDecision { table, row, col, raw, value, at: None });
            }
            let mut strict = doc.clone();
            let _ = apply_decisions(&mut strict, &d, true);
            let mut lenient = doc.clone();
            let o = apply_decisions(&mut lenient, &d, false).unwrap();
            proptest::prop_assert_eq!(o.applied + o.unapplied.len(), d.len());
        }
    }
}
