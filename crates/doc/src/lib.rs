//! The document model: the types every stage fills in and that are written to `<stem>.json`.
//!
//! Data flows one way through vanban: input → pages → OCR words → restored words → document JSON →
//! outputs. This crate owns the last shape of that flow, the [`Document`], so that the stages that
//! produce it (`vanban-ocr`, `vanban-restore`, `vanban-extract`) and the ones that consume it
//! (`vanban-review`, other systems through `schema/document.schema.json`) agree on one definition.
//! It also owns the plain-text rendering of a document ([`Document::render_text`]) and the atomic
//! file writes every output goes through ([`write_atomic`]).

mod io;
mod meta;
mod settings;
pub mod zones;

pub use io::{is_temp_name, write_atomic, WriteError, TEMP_PREFIX, TEMP_SUFFIX};
pub use meta::{
    Cell, DateParts, DigitalSignature, Evidence, Handwritten, Metadata, NumberParts, Received,
    Reference, Section, Signer, Table, METADATA_FIELDS,
};
pub use settings::{DictionaryRecord, Reads, Settings};

use serde::{Deserialize, Serialize};

/// Version of the `<stem>.json` layout: major on an incompatible change, minor on an addition.
pub const SCHEMA_VERSION: &str = "2.2";

/// A rectangle in page-image pixels: left, top, right (exclusive), bottom (exclusive).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct BBox {
    /// Left edge.
    pub x0: u32,
    /// Top edge.
    pub y0: u32,
    /// Right edge (exclusive).
    pub x1: u32,
    /// Bottom edge (exclusive).
    pub y1: u32,
}

impl BBox {
    /// The smallest box holding both.
    pub fn union(self, o: BBox) -> BBox {
        BBox {
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }
    /// Width in pixels.
    pub fn width(self) -> u32 {
        self.x1.saturating_sub(self.x0)
    }
    /// Height in pixels.
    pub fn height(self) -> u32 {
        self.y1.saturating_sub(self.y0)
    }
    /// The box moved right by `dx` and down by `dy` (from a crop's pixels to its page's).
    pub fn offset(self, dx: u32, dy: u32) -> BBox {
        BBox {
            x0: self.x0 + dx,
            y0: self.y0 + dy,
            x1: self.x1 + dx,
            y1: self.y1 + dy,
        }
    }
}

/// Where a page's words came from.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// Read by Tesseract from a page image.
    Ocr,
    /// Read from a PDF page's own text layer.
    TextLayer,
    /// Read from a plain-text file made by an earlier OCR run.
    TextFile,
}

/// What the restorer did to one word.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Correction {
    /// How sure the restorer is of its reading, 0..1.
    pub conf: f32,
    /// Runner-up readings, best first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<String>,
    /// True when the change is not sure enough to pass unchecked.
    #[serde(default)]
    pub uncertain: bool,
}

/// One word: its text as restored, as read, where it stands and how sure OCR was.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Word {
    /// The restored text (equal to `raw` when nothing changed).
    pub text: String,
    /// The text as OCR (or the text layer, or the input file) gave it.
    pub raw: String,
    /// Where the word stands on the page image; absent for text inputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bbox: Option<BBox>,
    /// OCR confidence, 0..1 (1 for text layers and text files).
    pub conf: f32,
    /// Present when the restorer changed the word.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction: Option<Correction>,
    /// Present when a clerk decided on the word (`vanban review`, `vanban apply-review`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed: Option<Reviewed>,
}

/// A clerk's review mark: who decided and when, when known.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
pub struct Reviewed {
    /// Who decided (the review server's user name), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// When the decision was saved (ISO 8601), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// A table cell a clerk reviewed: table index (from 0), body row index and column (from 0).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
pub struct ReviewedCell {
    /// Index of the table in [`Document::tables`], from 0.
    pub table: u32,
    /// Body row, from 0 (index into [`Table::rows`]).
    pub row: u32,
    /// Column, from 0.
    pub col: u32,
    /// Who and when.
    #[serde(flatten)]
    pub mark: Reviewed,
}

impl Word {
    /// A word that has not been restored yet (`text` = `raw`).
    pub fn new(raw: impl Into<String>, bbox: Option<BBox>, conf: f32) -> Word {
        let raw = raw.into();
        Word {
            text: raw.clone(),
            raw,
            bbox,
            conf,
            correction: None,
            reviewed: None,
        }
    }
}

/// A line of words in reading order.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Line {
    /// The line's box; absent for text inputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bbox: Option<BBox>,
    /// Index of the text block (paragraph or column part) the line belongs to, from 0 on its page.
    #[serde(default)]
    pub block: u32,
    /// The words, left to right.
    pub words: Vec<Word>,
}

impl Line {
    /// The restored text of the line, words joined by single spaces.
    pub fn text(&self) -> String {
        join_words(self.words.iter().map(|w| w.text.as_str()))
    }
    /// The raw text of the line.
    pub fn raw_text(&self) -> String {
        join_words(self.words.iter().map(|w| w.raw.as_str()))
    }
}

/// A word that stands for a tab between table cells of a text input; joined without spaces around it.
pub const TAB_WORD: &str = "\t";

fn join_words<'a>(it: impl Iterator<Item = &'a str>) -> String {
    let mut s = String::new();
    let mut after_tab = true;
    for w in it.filter(|w| !w.is_empty()) {
        let tab = w == TAB_WORD;
        if !tab && !after_tab {
            s.push(' ');
        }
        s.push_str(w);
        after_tab = tab;
    }
    s
}

/// One page of a document.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Page {
    /// Page number, from 1.
    pub number: u32,
    /// Width of the page image in pixels (0 for text files).
    pub width: u32,
    /// Height of the page image in pixels (0 for text files).
    pub height: u32,
    /// Resolution of the page image (0 for text files).
    pub dpi: u32,
    /// Where the words came from.
    pub origin: Origin,
    /// Lines in reading order.
    pub lines: Vec<Line>,
}

/// The file a document was made from.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Source {
    /// Path as given or found.
    pub path: String,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// Number of pages.
    pub pages: u32,
}

/// Counts of what restoration did to a document.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct RestoreSummary {
    /// Words in the document.
    pub words: u32,
    /// Words the restorer changed.
    pub changed: u32,
    /// Changed words marked uncertain.
    pub uncertain: u32,
}

/// Everything vanban knows about one input document: the content of `<stem>.json`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Document {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: String,
    /// The input file.
    pub source: Source,
    /// The pages with their words.
    pub pages: Vec<Page>,
    /// The restored text in reading order, pages separated by form feeds (same as `<stem>.txt`).
    pub text: String,
    /// What restoration changed.
    #[serde(default)]
    pub restoration: RestoreSummary,
    /// Decree 30 metadata (filled in by extraction).
    #[serde(default)]
    pub metadata: Metadata,
    /// Tables found in the document (filled in by extraction).
    #[serde(default)]
    pub tables: Vec<Table>,
    /// Lines of stamps put on the page after it was signed (receipt and urgency stamps), taken out
    /// of the pages' lines so that they stay out of the text and of the other fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stamps: Vec<StampLine>,
    /// Table cells a clerk reviewed (words carry their own mark, metadata fields theirs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviewed_cells: Vec<ReviewedCell>,
    /// What made the outputs (versions, dictionary, options); set by the batch, absent elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<Settings>,
    /// The pages that decoded only in part (converted with `--partial`); absent when the document
    /// is whole.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub incomplete: Vec<MissingPart>,
}

/// A page that decoded only in part, and what of it is missing.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct MissingPart {
    /// Page, from 1.
    pub page: u32,
    /// What is missing, e.g. `rows 1234–3508 of 3508 (65 % of the page): the JPEG data is cut short`.
    pub missing: String,
}

/// A line of a stamp, as read, with where it stood.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct StampLine {
    /// Page, from 1.
    pub page: u32,
    /// `received` (a receipt stamp: `ĐẾN Số … Ngày …`), `urgency` (`HỎA TỐC`, `KHẨN`),
    /// `margin` (a note or mark above the header, read unsurely: a hand's `TTĐT` in the corner) or
    /// `signature` (the box a signing tool printed: `Người ký: …`, `Thời gian ký: …`).
    pub kind: String,
    /// The line as it was on the page.
    pub line: Line,
}

impl Document {
    /// A document with pages and no restoration or extraction yet; `text` is rendered from the pages.
    pub fn new(source: Source, pages: Vec<Page>) -> Document {
        let mut d = Document {
            schema_version: SCHEMA_VERSION.to_string(),
            source,
            pages,
            text: String::new(),
            restoration: RestoreSummary::default(),
            metadata: Metadata::default(),
            tables: Vec::new(),
            stamps: Vec::new(),
            reviewed_cells: Vec::new(),
            settings: None,
            incomplete: Vec::new(),
        };
        d.text = d.render_text();
        d
    }

    /// The restored text: lines joined by newlines, a blank line between blocks, pages separated by
    /// form feeds.
    pub fn render_text(&self) -> String {
        self.render(Line::text)
    }

    /// The raw text, laid out as [`Document::render_text`].
    pub fn render_raw_text(&self) -> String {
        self.render(Line::raw_text)
    }

    fn render(&self, line_text: impl Fn(&Line) -> String) -> String {
        let mut out = String::new();
        for (i, page) in self.pages.iter().enumerate() {
            if i > 0 {
                out.push('\x0c');
            }
            let mut prev_block = None;
            for line in &page.lines {
                if page.origin != Origin::TextFile
                    && prev_block.is_some()
                    && prev_block != Some(line.block)
                {
                    out.push('\n');
                }
                prev_block = Some(line.block);
                out.push_str(&line_text(line));
                out.push('\n');
            }
        }
        out
    }

    /// Recounts [`RestoreSummary`] from the words.
    pub fn summarize_restoration(&mut self) {
        let mut s = RestoreSummary::default();
        for w in self
            .pages
            .iter()
            .flat_map(|p| &p.lines)
            .flat_map(|l| &l.words)
        {
            s.words += 1;
            if let Some(c) = &w.correction {
                s.changed += 1;
                s.uncertain += u32::from(c.uncertain);
            }
        }
        self.restoration = s;
    }
}

/// Pages of a plain-text input (an earlier OCR run's output), the one way vanban reads text: form
/// feeds separate pages, one text line is one [`Line`], words are split on white space, and a tab
/// between table cells becomes a [`TAB_WORD`] word so that tables survive. The text is made NFC.
pub fn pages_from_text(text: &str) -> Vec<Page> {
    use unicode_normalization::UnicodeNormalization;
    let text: String = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .nfc()
        .collect();
    let mut parts: Vec<&str> = text.split('\x0c').collect();
    if parts.len() > 1 && parts.last().is_some_and(|p| p.trim().is_empty()) {
        parts.pop();
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            let part = part.strip_suffix('\n').unwrap_or(part);
            let lines = part
                .split('\n')
                .map(|l| {
                    let mut words = Vec::new();
                    for (k, cell) in l.trim_end().split('\t').enumerate() {
                        if k > 0 {
                            words.push(Word::new(TAB_WORD, None, 1.0));
                        }
                        words.extend(cell.split_whitespace().map(|w| Word::new(w, None, 1.0)));
                    }
                    Line {
                        bbox: None,
                        block: 0,
                        words,
                    }
                })
                .collect();
            Page {
                number: i as u32 + 1,
                width: 0,
                height: 0,
                dpi: 0,
                origin: Origin::TextFile,
                lines,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(origin: Origin, lines: &[(u32, &[&str])]) -> Page {
        Page {
            number: 1,
            width: 0,
            height: 0,
            dpi: 0,
            origin,
            lines: lines
                .iter()
                .map(|(b, ws)| Line {
                    bbox: None,
                    block: *b,
                    words: ws.iter().map(|w| Word::new(*w, None, 1.0)).collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn text_separates_blocks_and_pages() {
        let src = Source {
            path: "a.pdf".into(),
            sha256: String::new(),
            pages: 2,
        };
        let mut p2 = page(Origin::Ocr, &[(0, &["c"])]);
        p2.number = 2;
        let doc = Document::new(
            src,
            vec![page(Origin::Ocr, &[(0, &["a", "b"]), (1, &["x"])]), p2],
        );
        assert_eq!(doc.text, "a b\n\nx\n\x0cc\n");
    }

    #[test]
    fn tab_words_join_without_spaces() {
        let l = Line {
            bbox: None,
            block: 0,
            words: ["1", TAB_WORD, TAB_WORD, "Lĩnh", "vực"]
                .iter()
                .map(|w| Word::new(*w, None, 1.0))
                .collect(),
        };
        assert_eq!(l.text(), "1\t\tLĩnh vực");
    }

    #[test]
    fn json_round_trip_keeps_everything() {
        let src = Source {
            path: "a.txt".into(),
            sha256: "00".into(),
            pages: 1,
        };
        let mut doc = Document::new(src, vec![page(Origin::TextFile, &[(0, &["Chi", "so"])])]);
        doc.pages[0].lines[0].words[0].text = "Chỉ".into();
        doc.pages[0].lines[0].words[0].correction = Some(Correction {
            conf: 0.9,
            alternatives: vec!["Chi".into()],
            uncertain: false,
        });
        doc.summarize_restoration();
        let json = serde_json::to_string(&doc).unwrap();
        let back: Document = serde_json::from_str(&json).unwrap();
        assert_eq!(back, doc);
        assert_eq!(back.restoration.changed, 1);
        assert!(json.contains("\"origin\":\"text-file\""));
    }
}
