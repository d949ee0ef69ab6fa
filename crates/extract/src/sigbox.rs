//! The box a signing tool prints on a signed document (`Người ký: …`, `Email: …`, `Cơ quan: …`,
//! `Thời gian ký: …`, or `Ký bởi: …`), seen in the page image of a signed PDF or of a printed and
//! scanned one. It is no part of the document's text: [`take_signature_box`] moves its lines out of
//! the first page into [`Document::stamps`] (kind `signature`). The signature's fields come from the
//! PDF's own text layer where there is one ([`crate::digital_signatures`]).

use vanban_doc::zones::letters;
use vanban_doc::{BBox, Document, Line, StampLine};

/// The labels a signing tool prints, folded, and whether each names the signing itself (one of
/// those must be present: `Email:` and `Cơ quan:` alone are ordinary header words).
const LABELS: &[(&str, bool)] = &[
    ("nguoi ky", true),
    ("ky boi", true),
    ("thoi gian ky", true),
    ("co quan", false),
    ("email", false),
];

/// The label a line opens with, if any.
fn label(l: &Line) -> Option<(&'static str, bool)> {
    let f = letters(l);
    LABELS.iter().copied().find(|(p, _)| {
        f.strip_prefix(p)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
    })
}

/// True for the national motto line that opens the header's right column.
fn is_motto(l: &Line) -> bool {
    let f = letters(l);
    f.starts_with("cong hoa xa hoi") || f.contains("chu nghia viet nam")
}

/// Moves the lines of a signing tool's box on the first page out of the page into `doc.stamps`:
/// two labelled lines or more, one of them naming the signing, all above the header's national
/// motto (or in the page's top fifth when the motto was not read), and every line of the band
/// they span above the motto (the box's words that OCR read as lines of their own).
pub fn take_signature_box(doc: &mut Document) {
    let Some(page) = doc.pages.first_mut() else {
        return;
    };
    let top = page
        .lines
        .iter()
        .filter(|l| is_motto(l))
        .filter_map(|l| l.bbox)
        .map(|b| b.y0)
        .min()
        .unwrap_or(page.height / 5);
    let above = |l: &Line| l.bbox.is_some_and(|b| b.y1 <= top);
    let labelled: Vec<(BBox, bool)> = page
        .lines
        .iter()
        .filter(|l| above(l))
        .filter_map(|l| Some((l.bbox?, label(l)?.1)))
        .collect();
    if labelled.len() < 2 || !labelled.iter().any(|&(_, signing)| signing) {
        return;
    }
    let Some(band) = labelled.iter().map(|&(b, _)| b).reduce(BBox::union) else {
        return;
    };
    // half a line's height above the first label and below the last
    let h = labelled.iter().map(|(b, _)| b.height()).max().unwrap_or(0) / 2;
    let (y0, y1) = (band.y0.saturating_sub(h), band.y1 + h);
    let in_box = |l: &Line| above(l) && l.bbox.is_some_and(|b| b.y0 >= y0 && b.y1 <= y1);
    let number = page.number;
    let lines = std::mem::take(&mut page.lines);
    for l in lines {
        if in_box(&l) {
            doc.stamps.push(StampLine {
                page: number,
                kind: "signature".to_string(),
                line: l,
            });
        } else {
            page.lines.push(l);
        }
    }
    doc.text = doc.render_text();
}

#[cfg(test)]
mod tests {
    use super::*;
    use vanban_doc::{Origin, Page, Source, Word};

    fn line(t: &str, y0: u32, x0: u32) -> Line {
        let b = BBox {
            x0,
            y0,
            x1: x0 + 20 * t.chars().count() as u32,
            y1: y0 + 20,
        };
        Line {
            bbox: Some(b),
            block: 0,
            words: t.split(' ').map(|w| Word::new(w, Some(b), 0.95)).collect(),
        }
    }

    fn doc(lines: Vec<Line>) -> Document {
        let page = Page {
            number: 1,
            width: 1700,
            height: 2400,
            dpi: 200,
            origin: Origin::Ocr,
            lines,
        };
        let source = Source {
            path: "t".into(),
            sha256: String::new(),
            pages: 1,
        };
        Document::new(source, vec![page])
    }

    #[test]
    fn a_signing_tools_box_above_the_header_leaves_the_text() {
        let mut d = doc(vec![
            line("Người ký: CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ", 10, 380),
            line("thongtinchinhphu@chinhphu.vn", 30, 380),
            line("ĐIỆN TỬ CHÍNH PHỦ", 10, 1100),
            line("Cơ quan: VĂN PHÒNG CHÍNH PHỦ", 50, 380),
            line("Thời gian ký: 24.04.2026 16:36:42 +07:00", 70, 380),
            line("THỦ TƯỚNG CHÍNH PHỦ", 270, 230),
            line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 270, 800),
            line("Số: 707/QĐ-TTg", 330, 300),
        ]);
        take_signature_box(&mut d);
        assert_eq!(d.stamps.len(), 5);
        assert!(d.stamps.iter().all(|s| s.kind == "signature"));
        assert!(d.text.starts_with("THỦ TƯỚNG CHÍNH PHỦ"), "{}", d.text);
        assert!(!d.text.contains("Người ký"));
        // the signing time is not a receipt date
        let mut m = vanban_doc::Metadata::default();
        crate::read_stamps(&d, &mut m);
        assert_eq!(m.received, None);
    }

    #[test]
    fn header_words_alone_are_no_signature_box() {
        // `Cơ quan:` and `Email:` lines without a signing label stay, as does a label in the body
        let lines = vec![
            line("Cơ quan: SỞ TÀI CHÍNH", 10, 300),
            line("Email: stc@tinh.gov.vn", 30, 300),
            line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 270, 800),
            line("Người ký: ông A", 900, 300),
            line("Thời gian ký: hôm nay", 930, 300),
        ];
        let mut d = doc(lines);
        take_signature_box(&mut d);
        assert!(d.stamps.is_empty());
        assert_eq!(d.pages[0].lines.len(), 5);
    }
}
