//! Stamps put on a page after it was signed: the receipt stamp of the office that received it
//! (`CÔNG VĂN ĐẾN` / `ĐẾN  Số: …  Ngày: …  Chuyển: …`) and the urgency mark (`HỎA TỐC`,
//! `THƯỢNG KHẨN`, `KHẨN`), and notes in the margin above the header read unsurely (a hand's `TTĐT`
//! in the corner). [`take_stamps`] moves their lines out of the pages (so that they are in
//! neither the text nor another field) into [`Document::stamps`]; [`read_stamps`] reads the
//! `received` and `urgency` fields from them.

use std::sync::LazyLock;

use regex::Regex;
use vanban_doc::{BBox, Document, Line, Metadata, Received, StampLine};

use vanban_doc::zones::letters;

mod receipt;
mod urgency;

pub use receipt::{read_received_date, RECEIVED_ACCEPT};
pub use urgency::{urgency_in, Urgency};

static DMY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
        .expect("built-in pattern compiles")
});

/// The urgency a line spells alone, if any.
fn urgency_of(l: &Line) -> Option<&'static str> {
    match letters(l).as_str() {
        "hoa toc" => Some("Hỏa tốc"),
        "thuong khan" => Some("Thượng khẩn"),
        "khan" => Some("Khẩn"),
        _ => None,
    }
}

/// True for the working line of a receipt stamp: `ĐẾN` with its blanks (`Số`, `Ngày`, `Giờ`) or a
/// date, or its `Chuyển:` line.
pub fn is_receipt_line(l: &Line) -> bool {
    let f = letters(l);
    let words: Vec<&str> = f.split(' ').collect();
    if words.len() > 10 {
        return false;
    }
    let den = words.first() == Some(&"den")
        && (words.len() == 1
            || words[1..].iter().any(|w| {
                matches!(*w, "so" | "ngay" | "gio" | "luc") || w.chars().any(|c| c.is_ascii_digit())
            }));
    den || f.starts_with("cong van den") || f.starts_with("chuyen ") && words.len() <= 6
}

/// A receipt stamp's heading: the name of the receiving office or `CÔNG VĂN ĐẾN`, right above.
fn is_receipt_head(l: &Line) -> bool {
    let f = letters(l);
    f.starts_with("cong van den")
        || (f.split(' ').count() <= 9
            && l.raw_text()
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(|c| !c.is_lowercase()))
}

/// Moves the stamp lines of the first page's upper half out of the pages into `doc.stamps`.
pub fn take_stamps(doc: &mut Document) {
    let Some(page) = doc.pages.first_mut() else {
        return;
    };
    let half = page.height / 2;
    let upper = |l: &Line| page.height == 0 || l.bbox.is_some_and(|b| b.y1 <= half);
    let mut take = vec![false; page.lines.len()];
    let mut kinds = vec![""; page.lines.len()];
    for (i, l) in page.lines.iter().enumerate() {
        if !upper(l) {
            continue;
        }
        if urgency_of(l).is_some() {
            take[i] = true;
            kinds[i] = "urgency";
        } else if is_receipt_line(l) {
            take[i] = true;
            kinds[i] = "received";
            // the heading: the line right above on the page (by boxes), else the line before
            let above = match l.bbox {
                Some(b) => page
                    .lines
                    .iter()
                    .enumerate()
                    .filter(|(_, o)| {
                        o.bbox.is_some_and(|o| {
                            let overlap = b.x1.min(o.x1).saturating_sub(b.x0.max(o.x0));
                            o.y1 <= b.y0 + b.height() / 4
                                && b.y0.saturating_sub(o.y1) < b.height()
                                && overlap * 2 > b.width().min(o.width())
                        })
                    })
                    .max_by_key(|(_, o)| o.bbox.map_or(0, |o| o.y1))
                    .map(|(j, _)| j),
                None => i.checked_sub(1),
            };
            if let Some(j) = above
                .filter(|&j| !take[j] && is_receipt_head(&page.lines[j]) && upper(&page.lines[j]))
            {
                // Only a heading that is no part of the document's own header: not the issuer's
                // name on the first lines, not the national title.
                let f = letters(&page.lines[j]);
                let own = j < 2 || f.contains("cong hoa") || f.contains("doc lap");
                if !own {
                    take[j] = true;
                    kinds[j] = "received";
                }
            }
        }
    }
    // Margin notes: unsure lines wholly above the first line of sure print (the header's top).
    let mean_conf =
        |l: &Line| l.words.iter().map(|w| w.conf).sum::<f32>() / l.words.len().max(1) as f32;
    let top = page
        .lines
        .iter()
        .filter(|l| l.words.len() >= 3 && mean_conf(l) >= 0.8)
        .filter_map(|l| l.bbox.map(|b| b.y0))
        .min();
    if let Some(top) = top {
        for (i, l) in page.lines.iter().enumerate() {
            if !take[i] && l.bbox.is_some_and(|b| b.y1 <= top) && mean_conf(l) < 0.7 {
                take[i] = true;
                kinds[i] = "margin";
            }
        }
    }
    if !take.contains(&true) {
        return;
    }
    let number = page.number;
    let lines = std::mem::take(&mut page.lines);
    for (i, l) in lines.into_iter().enumerate() {
        if take[i] {
            doc.stamps.push(StampLine {
                page: number,
                kind: kinds[i].to_string(),
                line: l,
            });
        } else {
            page.lines.push(l);
        }
    }
    doc.text = doc.render_text();
}

/// Moves the rest of a framed stamp out of page 1: `frames` are the stamp frames found in its image
/// (the boxes of ruled outlines, see `vanban`'s `stampread`); in a frame that holds a stamp line
/// [`take_stamps`] took, every line whose box has its centre inside the frame is the stamp's too
/// (a receipt stamp's blank rows read as noise: `A2 v GiỀI…`, `Ngày: 241¿`).
pub fn take_framed_stamps(doc: &mut Document, frames: &[BBox]) {
    let Some(page) = doc.pages.first_mut() else {
        return;
    };
    let centre = |b: BBox| ((b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2);
    let within = |f: &BBox, b: BBox| {
        let (x, y) = centre(b);
        (f.x0..f.x1).contains(&x) && (f.y0..f.y1).contains(&y)
    };
    let stamped: Vec<(BBox, String)> = frames
        .iter()
        .filter_map(|f| {
            doc.stamps
                .iter()
                .filter(|s| s.page == page.number && s.kind != "margin")
                .find(|s| s.line.bbox.is_some_and(|b| within(f, b)))
                .map(|s| (*f, s.kind.clone()))
        })
        .collect();
    if stamped.is_empty() {
        return;
    }
    let number = page.number;
    let lines = std::mem::take(&mut page.lines);
    for l in lines {
        let kind = l
            .bbox
            .and_then(|b| stamped.iter().find(|(f, _)| within(f, b)))
            .map(|(_, k)| k.clone());
        match kind {
            Some(kind) => doc.stamps.push(StampLine {
                page: number,
                kind,
                line: l,
            }),
            None => page.lines.push(l),
        }
    }
    // In each stamp, its lines top to bottom.
    doc.stamps
        .sort_by_key(|s| (s.page, s.line.bbox.map_or(0, |b| b.y0)));
    doc.text = doc.render_text();
}

/// The `received` and `urgency` fields from the stamps taken out of the pages.
pub fn read_stamps(doc: &Document, m: &mut Metadata) {
    let mut text = Vec::new();
    for s in &doc.stamps {
        match s.kind.as_str() {
            "urgency" => {
                if m.urgency.is_none() {
                    m.urgency = urgency_of(&s.line).map(str::to_string);
                }
            }
            // a signing tool's box: its time is when it was signed, not received
            "signature" => {}
            _ => text.push(s.line.raw_text()),
        }
    }
    if text.is_empty() {
        return;
    }
    let joined = text.join(" | ");
    let date = DMY
        .captures_iter(&joined)
        .find_map(|c| crate::meta::iso(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?));
    m.received = Some(Received {
        number: None,
        date,
        stamp_text: joined,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use vanban_doc::{BBox, Origin, Page, Source, Word};

    fn line(t: &str, y: u32) -> Line {
        Line {
            bbox: Some(BBox {
                x0: 10,
                y0: y,
                x1: 400,
                y1: y + 30,
            }),
            block: 0,
            words: t.split(' ').map(|w| Word::new(w, None, 0.9)).collect(),
        }
    }

    #[test]
    fn receipt_and_urgency_stamps_leave_the_text() {
        let page = Page {
            number: 1,
            width: 1600,
            height: 2400,
            dpi: 200,
            origin: Origin::Ocr,
            lines: vec![
                line("THỦ TƯỚNG CHÍNH PHỦ", 100),
                line("HỎA TỐC", 150),
                line("Số: 729/QĐ-TTg", 200),
                line("CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ", 250),
                line("ĐẾN Giờ: C Ngày: 23/4/2026", 280),
                line("QUYẾT ĐỊNH", 400),
                line(
                    "Đến ngày 15/5/2026 các đơn vị báo cáo kết quả thực hiện",
                    1500,
                ),
            ],
        };
        let src = Source {
            path: "a.pdf".into(),
            sha256: String::new(),
            pages: 1,
        };
        let mut doc = Document::new(src, vec![page]);
        take_stamps(&mut doc);
        assert_eq!(doc.stamps.len(), 3);
        assert!(!doc.text.contains("ĐẾN") && !doc.text.contains("HỎA"));
        assert!(doc.text.contains("Số: 729/QĐ-TTg") && doc.text.contains("Đến ngày 15/5/2026"));
        let mut m = Metadata::default();
        read_stamps(&doc, &mut m);
        assert_eq!(m.urgency.as_deref(), Some("Hỏa tốc"));
        assert_eq!(m.received.unwrap().date.as_deref(), Some("2026-04-23"));
    }
}
