//! Grouping the characters of a PDF text layer into words, lines and blocks.
//!
//! PDFium gives the characters of a page in content order with their boxes, and inserts generated
//! spaces and line breaks where it sees them. This module cuts that stream into words at spaces
//! and gaps, into lines at breaks, vertical moves and jumps across a column gap, and numbers
//! blocks so that a new block starts after a paragraph gap, at an indented first line, or when
//! the text moves back up the page (the right column of a two-column header, printed after the
//! left one).

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;
use vanban_doc::{BBox, Line, Word};

/// One character with its box in page pixels (y grows downwards); spaces carry no box.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Glyph {
    /// The character.
    pub ch: char,
    /// Left edge.
    pub x0: f32,
    /// Top edge.
    pub y0: f32,
    /// Right edge.
    pub x1: f32,
    /// Bottom edge.
    pub y1: f32,
}

impl Glyph {
    /// A space or line break, which only separates.
    pub fn space(ch: char) -> Glyph {
        Glyph {
            ch,
            x0: 0.0,
            y0: 0.0,
            x1: 0.0,
            y1: 0.0,
        }
    }
    fn height(&self) -> f32 {
        (self.y1 - self.y0).max(1.0)
    }
    fn is_break(&self) -> bool {
        matches!(self.ch, '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\x0c')
    }
}

/// Float box used while grouping.
#[derive(Clone, Copy, Debug)]
struct Rect {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
}

impl Rect {
    fn of(g: &Glyph) -> Rect {
        Rect {
            x0: g.x0,
            y0: g.y0,
            x1: g.x1,
            y1: g.y1,
        }
    }
    fn union(self, o: Rect) -> Rect {
        Rect {
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }
    fn height(&self) -> f32 {
        (self.y1 - self.y0).max(1.0)
    }
    fn to_bbox(self, width: u32, height: u32) -> BBox {
        let clamp = |v: f32, max: u32| (v.max(0.0).round() as u32).min(max);
        let b = BBox {
            x0: clamp(self.x0, width),
            y0: clamp(self.y0, height),
            x1: clamp(self.x1, width),
            y1: clamp(self.y1, height),
        };
        BBox {
            x1: b.x1.max(b.x0),
            y1: b.y1.max(b.y0),
            ..b
        }
    }
}

#[derive(Default)]
struct Builder {
    lines: Vec<(Rect, Vec<(String, Rect)>)>,
    word: String,
    word_box: Option<Rect>,
    line: Vec<(String, Rect)>,
    line_box: Option<Rect>,
    last: Option<Glyph>,
}

impl Builder {
    fn end_word(&mut self) {
        if let Some(b) = self.word_box.take() {
            let text: String = self.word.nfc().collect();
            self.word.clear();
            self.line_box = Some(self.line_box.map_or(b, |l| l.union(b)));
            self.line.push((text, b));
        }
    }
    fn end_line(&mut self) {
        self.end_word();
        if let Some(b) = self.line_box.take() {
            self.lines.push((b, std::mem::take(&mut self.line)));
        }
        self.last = None;
    }
    fn push(&mut self, g: Glyph) {
        if is_combining_mark(g.ch) && self.word_box.is_some() {
            // A separate accent belongs to the letter before it, wherever its box sits.
            self.word.push(g.ch);
            return;
        }
        if let (Some(last), Some(line)) = (self.last, self.line_box.or(self.word_box)) {
            let h = last.height().max(g.height());
            let overlap = line.y1.min(g.y1) - line.y0.max(g.y0);
            let gap = g.x0 - last.x1;
            if overlap < 0.5 * line.height().min(g.height()) || gap < -0.5 * h || gap > 1.5 * h {
                self.end_line();
            } else if gap > 0.3 * h {
                self.end_word();
            }
        }
        let r = Rect::of(&g);
        self.word_box = Some(self.word_box.map_or(r, |w| w.union(r)));
        self.word.push(g.ch);
        self.last = Some(g);
    }
}

/// Vietnamese letters outside ASCII, both cases, precomposed.
const VIETNAMESE: &str = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ\
ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ";
/// Other characters a Vietnamese administrative text may hold.
const SYMBOLS: &str = "“”‘’–—…•§№°±×÷≤≥€²³¹";

/// Share of the non-space characters of `glyphs` that no Unicode Vietnamese text would use:
/// private-use and replacement characters, controls, and the Latin-1 letters and signs that text
/// in a legacy 8-bit font encoding (TCVN3/ABC, VNI) shows when read as Unicode ("Céng hßa").
pub fn garbled_share(glyphs: &[Glyph]) -> f32 {
    let (mut total, mut odd) = (0u32, 0u32);
    for g in glyphs {
        let c = g.ch;
        if c.is_whitespace() {
            continue;
        }
        total += 1;
        let ok = (c.is_ascii_graphic())
            || is_combining_mark(c)
            || VIETNAMESE.contains(c)
            || SYMBOLS.contains(c);
        odd += u32::from(!ok);
    }
    if total == 0 {
        0.0
    } else {
        odd as f32 / total as f32
    }
}

/// Groups `glyphs` (in content order) into lines of words with block numbers; boxes are clamped to
/// a `width` x `height` page. Word texts are NFC.
pub fn group(glyphs: &[Glyph], width: u32, height: u32) -> Vec<Line> {
    let mut b = Builder::default();
    for g in glyphs {
        if g.is_break() {
            b.end_line();
        } else if g.ch.is_whitespace() || g.ch.is_control() {
            b.end_word();
        } else {
            b.push(*g);
        }
    }
    b.end_line();

    let mut out = Vec::with_capacity(b.lines.len());
    let mut block = 0u32;
    let mut prev: Option<Rect> = None;
    for (rect, words) in b.lines {
        if let Some(p) = prev {
            let h = p.height();
            let moved_up = rect.y0 < p.y0 - 0.3 * h;
            let para_gap = rect.y0 - p.y1 > 0.8 * h;
            let apart = rect.x0 > p.x1 || rect.x1 < p.x0;
            // A first-line indent starts a paragraph (Decree 30 paragraphs are indented, not spaced).
            // (A centred shorter line also starts further right, but ends further left.)
            let indented = rect.x0 > p.x0 + 1.5 * h && rect.x1 + h >= p.x1;
            if moved_up || para_gap || apart || indented {
                block += 1;
            }
        }
        prev = Some(rect);
        out.push(Line {
            bbox: Some(rect.to_bbox(width, height)),
            block,
            words: words
                .into_iter()
                .map(|(t, r)| Word::new(t, Some(r.to_bbox(width, height)), 1.0))
                .collect(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lays out `text` as 10x20 px glyphs from (x, y); '\n' breaks.
    fn typeset(out: &mut Vec<Glyph>, text: &str, x: f32, y: f32) {
        let mut cx = x;
        for ch in text.chars() {
            if ch == ' ' {
                out.push(Glyph::space(' '));
            } else {
                out.push(Glyph {
                    ch,
                    x0: cx,
                    y0: y,
                    x1: cx + 10.0,
                    y1: y + 20.0,
                });
            }
            cx += 10.0;
        }
        out.push(Glyph::space('\n'));
    }

    fn texts(lines: &[Line]) -> Vec<(u32, String)> {
        lines.iter().map(|l| (l.block, l.raw_text())).collect()
    }

    #[test]
    fn words_lines_and_paragraph_blocks() {
        let mut g = Vec::new();
        typeset(&mut g, "Căn cứ Luật", 100.0, 100.0);
        typeset(&mut g, "tổ chức", 100.0, 125.0);
        typeset(&mut g, "Điều 1.", 100.0, 200.0);
        let lines = group(&g, 1000, 1000);
        assert_eq!(
            texts(&lines),
            vec![
                (0, "Căn cứ Luật".to_string()),
                (0, "tổ chức".to_string()),
                (1, "Điều 1.".to_string())
            ]
        );
        assert_eq!(
            lines[0].words[0].bbox,
            Some(BBox {
                x0: 100,
                y0: 100,
                x1: 130,
                y1: 120
            })
        );
        assert_eq!(lines[0].words[0].conf, 1.0);
    }

    fn glyphs(text: &str) -> Vec<Glyph> {
        let mut g = Vec::new();
        typeset(&mut g, text, 0.0, 0.0);
        g
    }

    #[test]
    fn legacy_font_encodings_read_as_garbled() {
        assert_eq!(
            garbled_share(&glyphs("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM “Độc lập”")),
            0.0
        );
        assert_eq!(
            garbled_share(&glyphs("Căn cứ Nghị định số 30/2020/NĐ-CP; Điều 1.")),
            0.0
        );
        // TCVN3 (.VnTime) and VNI text shown as Unicode.
        assert!(garbled_share(&glyphs("Céng hßa x· héi chñ nghÜa ViÖt Nam")) > 0.1);
        assert!(garbled_share(&glyphs("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam")) > 0.1);
        assert!(garbled_share(&glyphs("\u{E001}\u{E002}\u{FFFD}abc")) >= 0.5);
    }

    #[test]
    fn an_indented_first_line_starts_a_paragraph() {
        let mut g = Vec::new();
        typeset(&mut g, "Căn cứ Luật tổ chức", 150.0, 100.0);
        typeset(&mut g, "chính quyền;", 100.0, 125.0);
        typeset(&mut g, "Xét đề nghị", 150.0, 150.0);
        let blocks: Vec<u32> = group(&g, 1000, 1000).iter().map(|l| l.block).collect();
        assert_eq!(blocks, vec![0, 0, 1]);
    }

    #[test]
    fn right_column_printed_after_left_is_its_own_block() {
        let mut g = Vec::new();
        typeset(&mut g, "ỦY BAN NHÂN DÂN", 50.0, 50.0);
        typeset(&mut g, "TỈNH HẢI DƯƠNG", 55.0, 75.0);
        typeset(&mut g, "CỘNG HÒA XÃ HỘI", 500.0, 50.0);
        typeset(&mut g, "Độc lập", 540.0, 75.0);
        let lines = group(&g, 1000, 1000);
        let blocks: Vec<u32> = lines.iter().map(|l| l.block).collect();
        assert_eq!(blocks, vec![0, 0, 1, 1]);
    }

    #[test]
    fn a_wide_gap_on_one_baseline_splits_the_line() {
        let mut g = Vec::new();
        // No break between the two cells: PDFium saw them on one baseline.
        typeset(&mut g, "Số: 12/KH-UBND", 50.0, 50.0);
        g.pop();
        typeset(&mut g, "Hà Nội, ngày 5", 600.0, 50.0);
        let lines = group(&g, 1000, 1000);
        assert_eq!(
            texts(&lines),
            vec![(0, "Số: 12/KH-UBND".into()), (1, "Hà Nội, ngày 5".into())]
        );
    }

    #[test]
    fn decomposed_marks_come_out_nfc_and_boxes_stay_on_the_page() {
        let g = vec![
            Glyph {
                ch: 'o',
                x0: 990.0,
                y0: -5.0,
                x1: 1005.0,
                y1: 15.0,
            },
            Glyph {
                ch: '\u{0300}',
                x0: 992.0,
                y0: -5.0,
                x1: 1000.0,
                y1: 15.0,
            },
        ];
        let lines = group(&g, 1000, 800);
        assert_eq!(lines[0].words[0].raw, "ò");
        let b = lines[0].words[0].bbox.unwrap();
        assert!(b.x1 <= 1000 && b.y0 == 0, "{b:?}");
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn words_are_the_nfc_text_between_spaces(
                text in "[a-zđăâêôơư\u{0300}\u{0301}\u{0303}\u{0309}\u{0323} \n]{0,80}",
                x0 in 0f32..500.0,
            ) {
                // Characters laid out left to right on lines 30 px apart; '\n' breaks the line.
                let mut g = Vec::new();
                let (mut x, mut y) = (x0, 10.0);
                for ch in text.chars() {
                    match ch {
                        '\n' => { g.push(Glyph::space(ch)); x = x0; y += 30.0; }
                        ' ' => { g.push(Glyph::space(ch)); x += 10.0; }
                        _ => { g.push(Glyph { ch, x0: x, y0: y, x1: x + 10.0, y1: y + 20.0 }); x += 10.0; }
                    }
                }
                let lines = group(&g, 2000, 2000);
                let got: Vec<String> = lines.iter().flat_map(|l| l.words.iter().map(|w| w.raw.clone())).collect();
                // A leading mark with no letter before it stays a word of its own.
                let want: Vec<String> = text.split_whitespace().map(|w| w.nfc().collect()).collect();
                prop_assert_eq!(got.concat(), want.concat());
                for w in lines.iter().flat_map(|l| &l.words) {
                    prop_assert!(!w.raw.is_empty() && !w.raw.contains(char::is_whitespace));
                    prop_assert_eq!(w.raw.nfc().collect::<String>(), w.raw.clone());
                    let b = w.bbox.unwrap();
                    prop_assert!(b.x0 <= b.x1 && b.y0 <= b.y1 && b.x1 <= 2000 && b.y1 <= 2000);
                }
            }
        }
    }
}
