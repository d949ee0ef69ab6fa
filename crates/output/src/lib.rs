//! The output layer: one renderer per file format, each a pure function from the document model
//! ([`vanban_doc::Document`]) to the bytes of one file, in the manner of Tesseract's one renderer per
//! format.
//!
//! | module | file | what it needs beside the document |
//! | --- | --- | --- |
//! | [`pdf`] | `<stem>.pdf`, the source with an invisible text layer of the corrected words | the source file's bytes |
//! | [`alto`] | `<stem>.alto.xml`, ALTO v4 | nothing |
//! | [`hocr`] | `<stem>.hocr`, hOCR 1.2 | nothing |
//! | [`markdown`](mod@markdown) | `<stem>.md` | nothing |
//!
//! Every renderer writes the corrected word (`text`) as the content and keeps the OCR reading (`raw`)
//! where its format has room for it. Text is written NFC. Writing the files (atomically) is the
//! caller's job.

pub mod alto;
pub mod hocr;
pub mod markdown;
pub mod pdf;

pub use alto::alto_xml;
pub use hocr::hocr_html;
pub use markdown::markdown;
pub use pdf::{searchable_pdf, PdfError};

use unicode_normalization::UnicodeNormalization;
use vanban_doc::{BBox, Document, Line, Page, Word, TAB_WORD};

/// Name of the producing software written into the files.
pub const PRODUCER: &str = concat!("vanban ", env!("CARGO_PKG_VERSION"));

/// `s` in Unicode NFC.
pub(crate) fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// A word as it stands on the page, ready for a format that needs one box per space-free token.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    /// The corrected token (NFC, no white space).
    pub text: String,
    /// The OCR reading when it differs from `text` (on the first token of a word only).
    pub raw: Option<String>,
    /// Where it stands, in page-image pixels.
    pub bbox: BBox,
    /// Confidence of `text`: the restorer's for a changed word, OCR's otherwise, 0..1.
    pub conf: f32,
    /// True when the restorer marked the change uncertain.
    pub uncertain: bool,
}

/// The words of a line as placed tokens, in order. A word OCR cut in two (the second record with an
/// empty text) becomes one token over both boxes with both readings; a word the restorer split
/// (`kinhtế` → `kinh tế`) becomes one token per part, the box shared out by characters. Words
/// without a box and tab markers are left out.
pub fn placed_words(line: &Line) -> Vec<Placed> {
    let mut merged: Vec<(String, String, BBox, &Word)> = Vec::new();
    for w in &line.words {
        let Some(b) = w.bbox else { continue };
        if w.text == TAB_WORD {
            continue;
        }
        if w.text.is_empty() {
            if let Some(last) = merged.last_mut() {
                last.1.push(' ');
                last.1.push_str(&w.raw);
                last.2 = last.2.union(b);
            }
            continue;
        }
        merged.push((nfc(&w.text), nfc(&w.raw), b, w));
    }
    let mut out = Vec::with_capacity(merged.len());
    for (text, raw, b, w) in merged {
        let (conf, uncertain) = match &w.correction {
            Some(c) => (c.conf, c.uncertain),
            None => (w.conf, false),
        };
        let parts: Vec<&str> = text.split_whitespace().collect();
        let total: usize = parts
            .iter()
            .map(|p| p.chars().count() + 1)
            .sum::<usize>()
            .max(2)
            - 1;
        let mut at = 0usize;
        for (k, part) in parts.iter().enumerate() {
            let n = part.chars().count();
            let x = |c: usize| b.x0 + (u64::from(b.width()) * c as u64 / total as u64) as u32;
            let bbox = BBox {
                x0: x(at),
                y0: b.y0,
                x1: if k + 1 == parts.len() {
                    b.x1
                } else {
                    x(at + n).max(x(at) + 1)
                },
                y1: b.y1,
            };
            at += n + 1;
            out.push(Placed {
                text: (*part).to_string(),
                raw: (k == 0 && raw != text).then(|| raw.clone()),
                bbox,
                conf: conf.clamp(0.0, 1.0),
                uncertain,
            });
        }
    }
    out
}

/// The box of a line: its own, or the union of its tokens'.
pub(crate) fn line_box(line: &Line, words: &[Placed]) -> Option<BBox> {
    line.bbox
        .or_else(|| words.iter().map(|w| w.bbox).reduce(BBox::union))
}

/// The lines of a page grouped into its text blocks (runs of lines with the same block index).
pub(crate) fn blocks(page: &Page) -> Vec<&[Line]> {
    page.lines.chunk_by(|a, b| a.block == b.block).collect()
}

/// True when a page has geometry (a page image size); text-file pages have none.
pub(crate) fn has_geometry(page: &Page) -> bool {
    page.width > 0 && page.height > 0
}

/// A one-line title of the document for file metadata: type, number and subject as found, or the
/// source file's name when extraction found none of them.
pub fn document_title(doc: &Document) -> String {
    let m = &doc.metadata;
    let mut head = String::new();
    if let Some(t) = &m.document_type {
        head.push_str(t);
    }
    if let Some(n) = &m.number {
        if !head.is_empty() {
            head.push_str(" số ");
        }
        head.push_str(n);
    }
    let title = match (&m.subject, head.is_empty()) {
        (Some(s), false) => format!("{head}: {s}"),
        (Some(s), true) => s.clone(),
        (None, false) => head,
        (None, true) => std::path::Path::new(&doc.source.path)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    nfc(title
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .as_str())
}

#[cfg(test)]
pub(crate) mod testdoc {
    //! A small document with boxes, a correction, a heading and a table, shared by the tests.
    use vanban_doc::*;

    fn w(text: &str, raw: &str, b: (u32, u32, u32, u32), conf: f32) -> Word {
        Word {
            text: text.into(),
            raw: raw.into(),
            bbox: Some(BBox {
                x0: b.0,
                y0: b.1,
                x1: b.2,
                y1: b.3,
            }),
            conf,
            correction: (text != raw).then(|| Correction {
                conf: 0.8,
                alternatives: vec![],
                uncertain: true,
            }),
            reviewed: None,
        }
    }

    /// Two lines in two blocks on one 1000x1400 page at 100 dpi, a heading `I. MỤC ĐÍCH` and a table.
    pub fn doc() -> Document {
        let l1 = Line {
            bbox: Some(BBox {
                x0: 100,
                y0: 100,
                x1: 500,
                y1: 130,
            }),
            block: 0,
            words: vec![
                w("Chỉ", "Chi", (100, 100, 160, 130), 0.91),
                w("số", "sb", (170, 100, 220, 130), 0.55),
                w("<cải&>", "<cải&>", (230, 100, 500, 130), 0.99),
            ],
        };
        let l2 = Line {
            bbox: Some(BBox {
                x0: 100,
                y0: 200,
                x1: 400,
                y1: 230,
            }),
            block: 1,
            words: vec![
                w("I.", "I.", (100, 200, 130, 230), 0.97),
                w("MỤC", "MUC", (140, 200, 250, 230), 0.9),
                w("ĐÍCH", "ĐÍCH", (260, 200, 400, 230), 0.96),
            ],
        };
        let page = Page {
            number: 1,
            width: 1000,
            height: 1400,
            dpi: 100,
            origin: Origin::Ocr,
            lines: vec![l1, l2],
        };
        let src = Source {
            path: "in/ke-hoach.pdf".into(),
            sha256: "00".into(),
            pages: 1,
        };
        let mut d = Document::new(src, vec![page]);
        d.summarize_restoration();
        d.metadata.document_type = Some("Kế hoạch".into());
        d.metadata.number = Some("67/KH-NV".into());
        d.metadata.issued_date = Some("2024-03-05".into());
        d.metadata.subject = Some("Cải cách hành chính".into());
        d.metadata.sections = vec![Section {
            label: "I".into(),
            title: "MỤC ĐÍCH".into(),
            page: Some(1),
            children: vec![],
        }];
        d.tables = vec![Table {
            title: Some("Phụ lục I".into()),
            pages: vec![1],
            header: vec!["TT".into(), "Nội dung | ghi chú".into()],
            rows: vec![vec!["1".into(), "Rà soát".into()]],
            cells: vec![],
        }];
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_words_merge_and_split_words_share_the_box() {
        let mut line = testdoc::doc().pages[0].lines[0].clone();
        line.words[1].text = String::new(); // "sb" was the second half of "Chỉ"
        line.words[2].text = "kinh tế".into();
        line.words[2].raw = "kinhtế".into();
        let p = placed_words(&line);
        let texts: Vec<_> = p.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["Chỉ", "kinh", "tế"]);
        assert_eq!(p[0].raw.as_deref(), Some("Chi sb"));
        assert_eq!((p[0].bbox.x0, p[0].bbox.x1), (100, 220));
        assert_eq!(p[1].raw.as_deref(), Some("kinhtế"));
        assert_eq!(p[2].raw, None);
        assert!(p[1].bbox.x1 <= p[2].bbox.x0 && p[2].bbox.x1 == 500 && p[1].bbox.x0 == 230);
    }

    #[test]
    fn title_names_type_number_and_subject() {
        assert_eq!(
            document_title(&testdoc::doc()),
            "Kế hoạch số 67/KH-NV: Cải cách hành chính"
        );
        let mut d = testdoc::doc();
        d.metadata = Default::default();
        assert_eq!(document_title(&d), "ke-hoach");
    }
}
