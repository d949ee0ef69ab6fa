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

/// The label a line opens with, if any, also after the tool's icon read as a mark or a stray
/// letter or two (`Ý Cơ quan:`, `ˆ*ƒ Thời gian ký:`: up to two words read unsurely or with one
/// letter at most).
fn label(l: &Line) -> Option<(&'static str, bool)> {
    let junk = l
        .words
        .iter()
        .take(2)
        .take_while(|w| w.conf < 0.5 || w.raw.chars().filter(|c| c.is_alphanumeric()).count() <= 1)
        .count();
    (0..=junk).find_map(|skip| {
        let rest = Line {
            bbox: l.bbox,
            block: l.block,
            words: l.words[skip..].to_vec(),
        };
        let f = letters(&rest);
        LABELS.iter().copied().find(|(p, _)| {
            f.strip_prefix(p)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
        })
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
    let labelled_box = labelled.len() >= 2 && labelled.iter().any(|&(_, signing)| signing);
    let found = if labelled_box {
        labelled.iter().map(|&(b, _)| b).reduce(BBox::union)
    } else {
        unlabelled_box(&page.lines, &above)
    };
    let Some(band) = found else {
        return;
    };
    // half a line's height above the first label and below the last
    let h = page
        .lines
        .iter()
        .filter(|l| above(l))
        .filter_map(|l| l.bbox)
        .filter(|b| b.y0 >= band.y0 && b.y1 <= band.y1)
        .map(|b| b.height())
        .max()
        .unwrap_or(0)
        / 2;
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

/// True for a line holding an e-mail address (`tcbth@quangngai.gov.vn`, its `@` also read as `()`).
fn has_email(l: &Line) -> bool {
    l.words.iter().any(|w| {
        let t = w.raw.trim_end_matches('.');
        t.contains('@') || (t.ends_with(".vn") || t.ends_with(".com")) && t.contains("()")
    })
}

/// A signing tool's box without labels (`TRUNG TÂM CÔNG BÁO / VÀ TIN HỌC / e-mail / 05.02.2025
/// 15:35:18 +07:00`): a line with a signing time (day, month, year, hours, minutes and seconds)
/// right under a line with an e-mail address, both above the motto, and the lines in capitals
/// right above them (the signer's name). The band they span.
fn unlabelled_box(lines: &[Line], above: &dyn Fn(&Line) -> bool) -> Option<BBox> {
    let timed = lines
        .iter()
        .filter(|l| above(l))
        .find(|l| crate::signatures::signing_time(&l.raw_text()))?;
    let t = timed.bbox?;
    let mail = lines
        .iter()
        .filter(|l| above(l) && has_email(l))
        .filter_map(|l| l.bbox)
        .find(|b| b.y1 <= t.y0 + t.height() / 2 && t.y0 < b.y1 + 2 * t.height())?;
    let mut band = t.union(mail);
    // the signer's name in capitals right above, up to three lines, overlapping the box
    for _ in 0..3 {
        let next = lines
            .iter()
            .filter(|l| above(l))
            .filter_map(|l| Some((l.bbox?, l)))
            .filter(|(b, _)| b.y1 <= band.y0 + 2 && band.y0 < b.y1 + b.height())
            .filter(|(b, _)| b.x0 < band.x1 && band.x0 < b.x1)
            .find(|(_, l)| {
                let t = l.raw_text();
                t.chars().filter(|c| c.is_alphabetic()).count() >= 2
                    && !t.chars().any(char::is_lowercase)
            });
        match next {
            Some((b, _)) => band = band.union(b),
            None => break,
        }
    }
    Some(band)
}

/// The digital signatures a scanned page's signing-tool box shows, for a document whose PDF has no
/// text layer to read them from: the box's lines (taken by [`take_signature_box`]) joined row by
/// row and read like a text layer. OCR of small print is unsure, so a signer or an office is kept
/// only when it is a listed agency (its marks put right), and the time only when it is a valid one.
pub fn box_signatures(doc: &Document) -> Vec<vanban_doc::DigitalSignature> {
    let mut lines: Vec<&Line> = doc
        .stamps
        .iter()
        .filter(|s| s.kind == "signature")
        .map(|s| &s.line)
        .filter(|l| l.bbox.is_some())
        // the page edge and specks (`|`, `T`) read as lines of their own are no part of a row
        .filter(|l| l.raw_text().chars().filter(|c| c.is_alphanumeric()).count() >= 2)
        .collect();
    lines.sort_by_key(|l| l.bbox.map(|b| (b.y0 + b.y1) / 2));
    // rows: the lines whose middles lie within the height of a row's first line, left to right
    let mut rows: Vec<Vec<&Line>> = Vec::new();
    for l in lines {
        let b = l.bbox.unwrap_or_default();
        let mid = (b.y0 + b.y1) / 2;
        let first = rows.last().and_then(|r| r.first()).and_then(|o| o.bbox);
        match (rows.last_mut(), first) {
            (Some(r), Some(c)) if c.y0 <= mid && mid <= c.y1 => r.push(l),
            _ => rows.push(vec![l]),
        }
    }
    let text: String = rows
        .iter_mut()
        .map(|r| {
            r.sort_by_key(|l| l.bbox.map(|b| b.x0));
            r.iter().map(|l| l.raw_text()).collect::<Vec<_>>().join(" ") + "\n"
        })
        .collect();
    let mut out = crate::signatures::digital_signatures(&text);
    for s in &mut out {
        s.signer = s
            .signer
            .as_deref()
            .and_then(crate::gazetteer::listed_agency);
        s.organisation = s
            .organisation
            .as_deref()
            .and_then(crate::gazetteer::listed_agency);
    }
    out.retain(|s| s.signer.is_some() || s.organisation.is_some() || s.time.is_some());
    out
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

    /// A line `h` pixels high (the page edge read as a bar).
    fn tall(t: &str, y0: u32, x0: u32, h: u32) -> Line {
        let mut l = line(t, y0, x0);
        l.bbox = l.bbox.map(|b| BBox { y1: y0 + h, ..b });
        l
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
    fn the_tools_icon_read_as_marks_before_a_label_is_passed_over() {
        // a colour scan of a signed page: the icon before each label reads as junk
        let mut icon = line("Ý Cơ quan: VĂN PHÒNG CHÍNH", 50, 380);
        icon.words[0].conf = 0.38;
        let mut marks = line("ˆ*ƒ Thời gian ký: 24.04.2026 16:36:42", 70, 380);
        marks.words[0].conf = 0.0;
        let mut d = doc(vec![
            icon,
            marks,
            line("THỦ TƯỚNG CHÍNH PHỦ", 270, 230),
            line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 270, 800),
        ]);
        take_signature_box(&mut d);
        assert_eq!(d.stamps.len(), 2);
        assert!(d.text.starts_with("THỦ TƯỚNG CHÍNH PHỦ"), "{}", d.text);
        // a surely read word before the label is no icon
        let mut d = doc(vec![
            line("Về Cơ quan: VĂN PHÒNG", 50, 380),
            line("Xem Thời gian ký: 24.04.2026 16:36:42", 70, 380),
            line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 270, 800),
        ]);
        take_signature_box(&mut d);
        assert!(d.stamps.is_empty());
    }

    #[test]
    fn a_scanned_box_gives_its_signing_time_and_a_listed_office() {
        let mut d = doc(vec![
            line("Cơ quan: VĂN PHÒNG CHÍNH", 50, 380),
            line("PHÙ", 52, 900),
            line("Thời gian ký: 24.04.2026 16:36:42", 70, 380),
            line("+07:00", 71, 1100),
            tall("|", 20, 1500, 70),
            line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 270, 800),
        ]);
        take_signature_box(&mut d);
        let s = box_signatures(&d);
        assert_eq!(s.len(), 1, "{s:?}");
        assert_eq!(s[0].organisation.as_deref(), Some("VĂN PHÒNG CHÍNH PHỦ"));
        assert_eq!(s[0].signer, None);
        assert_eq!(s[0].time.as_deref(), Some("2026-04-24T16:36:42+07:00"));
        // an office OCR garbled is left out rather than given wrong
        let mut d = doc(vec![
            line("Người ký: CỔNG THXNG TIN ĐIỆN", 30, 380),
            line("Cơ quan: VĂN PHÒNG CHÍNH PHÙ UÝ", 50, 380),
            line("Thời gian ký: 24.04.2026 16:36:42", 70, 380),
            line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 270, 800),
        ]);
        take_signature_box(&mut d);
        let s = box_signatures(&d);
        assert_eq!(s.len(), 1, "{s:?}");
        assert_eq!(
            (s[0].signer.as_deref(), s[0].organisation.as_deref()),
            (None, None)
        );
        assert!(s[0].time.is_some());
    }

    #[test]
    fn a_box_without_labels_is_found_by_its_address_and_time() {
        let mut d = doc(vec![
            line("SĨ. TRUNG TÂM CÔNG BÁO", 19, 1121),
            line("` VÀ TIN HỌC", 48, 1176),
            line("tcbth()quangngai.gov.vn.", 73, 1190),
            line("5.02.2025 15:35:18 +07:00", 97, 1189),
            line("ỦY BAN NHÂN DÂN", 141, 303),
            line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 133, 738),
        ]);
        take_signature_box(&mut d);
        assert_eq!(d.stamps.len(), 4, "{:?}", d.text);
        assert!(d.text.starts_with("ỦY BAN NHÂN DÂN"), "{}", d.text);
        let s = box_signatures(&d);
        assert_eq!(s.len(), 1, "{s:?}");
        assert_eq!(s[0].time.as_deref(), Some("2025-02-05T15:35:18+07:00"));
        // a date and time without an address above it is no box
        let mut d = doc(vec![
            line("Hà Nội 5.02.2025 15:35:18", 97, 1189),
            line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 133, 738),
        ]);
        take_signature_box(&mut d);
        assert!(d.stamps.is_empty());
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
