//! The document seen as a flat list of text lines, each with its folded form, page, block, box and
//! confidence; and the split of a line into the left and right columns of the Decree 30 layout
//! (by word boxes on scans).

use crate::text::{normalize, Folded};
use vanban_doc::{BBox, Document};

/// One word of a line: restored text, box, OCR confidence (lowered when the restorer was unsure).
#[derive(Debug, Clone)]
pub(crate) struct TWord {
    pub text: String,
    /// The OCR's own reading, before restoration.
    pub raw: String,
    pub bbox: Option<BBox>,
    pub conf: f32,
}

/// One line of the document in reading order.
#[derive(Debug, Clone)]
pub(crate) struct TLine {
    /// Page number, from 1.
    pub page: u32,
    /// Width of the page image (0 for text inputs).
    pub page_width: u32,
    /// Text block on the page.
    pub block: u32,
    /// Restored text, normalized (NFC, new tone placement, single spaces).
    pub text: String,
    /// Folded form of `text`.
    pub fold: Folded,
    /// The words (empty for a blank line).
    pub words: Vec<TWord>,
    /// The line's box as the page OCR laid it out (it holds ink whose words were dropped, such as
    /// a seal's strokes before a title); `None` for text inputs and lines made by joining.
    pub bbox: Option<BBox>,
}

impl TLine {
    pub fn new(page: u32, page_width: u32, block: u32, words: Vec<TWord>) -> TLine {
        let mut raw = String::new();
        for w in &words {
            if !raw.is_empty() {
                raw.push(' ');
            }
            raw.push_str(&w.text);
        }
        let text = normalize(&raw);
        let fold = Folded::new(&text);
        TLine {
            page,
            page_width,
            block,
            text,
            fold,
            words,
            bbox: None,
        }
    }

    /// The same line with each word as OCR read it, before restoration (digits written by hand
    /// are read from this: the restorer takes `04tháng` for a damaged `tháng`).
    pub fn raw_line(&self) -> TLine {
        let words = self
            .words
            .iter()
            .map(|w| TWord {
                text: w.raw.clone(),
                ..w.clone()
            })
            .collect();
        TLine {
            bbox: self.bbox,
            ..TLine::new(self.page, self.page_width, self.block, words)
        }
    }

    /// True when the line has no letters or digits.
    pub fn is_blank(&self) -> bool {
        !self.text.chars().any(char::is_alphanumeric)
    }

    /// Mean confidence of the words.
    pub fn conf(&self) -> f32 {
        mean_conf(&self.words)
    }

    /// True when every word has a box and the page has a width.
    pub fn has_boxes(&self) -> bool {
        self.page_width > 0 && !self.words.is_empty() && self.words.iter().all(|w| w.bbox.is_some())
    }

    /// The words left of `x` (by word centre) and the ones right of it, as two lines (the line's
    /// box cut at `x`).
    pub fn split_at_x(&self, x: u32) -> (TLine, TLine) {
        let (l, r): (Vec<TWord>, Vec<TWord>) = self.words.iter().cloned().partition(|w| {
            w.bbox
                .map(|b| crate::grid::mid(b.x0, b.x1) < x)
                .unwrap_or(true)
        });
        let left = self.bbox.filter(|b| b.x0 < x).map(|b| BBox {
            x1: b.x1.min(x),
            ..b
        });
        let right = self.bbox.filter(|b| b.x1 > x).map(|b| BBox {
            x0: b.x0.max(x),
            ..b
        });
        (
            TLine {
                bbox: left,
                ..TLine::new(self.page, self.page_width, self.block, l)
            },
            TLine {
                bbox: right,
                ..TLine::new(self.page, self.page_width, self.block, r)
            },
        )
    }

    /// The part of the line from byte `i` of its text on, and the part before, as two lines
    /// (words are cut at spaces; a text split inside a word keeps that word on the right).
    pub fn split_at_byte(&self, i: usize) -> (TLine, TLine) {
        let mut left = Vec::new();
        let mut right = Vec::new();
        let mut pos = 0;
        for w in &self.words {
            let t = normalize(&w.text);
            if t.is_empty() {
                continue;
            }
            let end = pos + t.len();
            if end <= i {
                left.push(w.clone());
            } else {
                right.push(w.clone());
            }
            pos = end + 1;
        }
        (
            TLine::new(self.page, self.page_width, self.block, left),
            TLine::new(self.page, self.page_width, self.block, right),
        )
    }
}

/// Mean confidence of words (1 when there are none).
pub(crate) fn mean_conf(words: &[TWord]) -> f32 {
    if words.is_empty() {
        return 1.0;
    }
    words.iter().map(|w| w.conf).sum::<f32>() / words.len() as f32
}

/// The document's lines in reading order.
pub(crate) fn doc_lines(doc: &Document) -> Vec<TLine> {
    let mut out = Vec::new();
    for page in &doc.pages {
        for line in &page.lines {
            let words = line
                .words
                .iter()
                .filter(|w| !w.text.trim().is_empty())
                .map(|w| {
                    let mut conf = w.conf.clamp(0.0, 1.0);
                    if let Some(c) = &w.correction {
                        conf = conf.min(c.conf.clamp(0.0, 1.0));
                    }
                    if conf.is_nan() {
                        conf = 0.0;
                    }
                    TWord {
                        text: w.text.clone(),
                        raw: w.raw.clone(),
                        bbox: w.bbox,
                        conf,
                    }
                })
                .collect();
            out.push(TLine {
                bbox: line.bbox,
                ..TLine::new(page.number, page.width, line.block, words)
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(t: &str, x0: u32) -> TWord {
        TWord {
            text: t.into(),
            raw: t.into(),
            bbox: Some(BBox {
                x0,
                y0: 0,
                x1: x0 + 10 * t.chars().count() as u32,
                y1: 20,
            }),
            conf: 0.9,
        }
    }

    #[test]
    fn splits_by_boxes_and_by_text() {
        let l = TLine::new(
            1,
            1000,
            0,
            vec![w("SỞ", 100), w("NGOẠI", 130), w("Độc", 600), w("lập", 640)],
        );
        let (a, b) = l.split_at_x(500);
        assert_eq!(a.text, "SỞ NGOẠI");
        assert_eq!(b.text, "Độc lập");
        let i = l.text.find("Độc").unwrap();
        let (a, b) = l.split_at_byte(i);
        assert_eq!((a.text.as_str(), b.text.as_str()), ("SỞ NGOẠI", "Độc lập"));
    }
}
