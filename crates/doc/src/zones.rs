//! The Decree 30 zones of a scanned page, found from its lines' boxes and the layout's fixed words:
//! the header's two columns (issuer and number on the left; national title, motto, place and date
//! on the right) in two bands (the names above `Số:`, the number and the date from `Số:` down), the
//! body, and the bottom's two columns (`Nơi nhận` on the left, the signature block on the right).
//!
//! [`Zones::find`] locates them; [`reading_order`] puts a page's lines in the order a reader takes
//! them (header band by band, left column before right; the body; recipients before the signature
//! block), whatever order Tesseract's page layout gave — it often reads half of a date line after
//! the title, or the signature block before the recipients beside it. OCR's second readings use the
//! same zones (the signature block is read again as one block; the header, found by
//! [`Header::locate`], is read column by column by the `vanban` crate's `header` module). A row
//! glued across the header's gutter crosses the page's centre like a title but does not end the
//! header.

use unicode_normalization::UnicodeNormalization;

use crate::{BBox, Line, Page};

/// Letters without marks, lower case (`CỘNG HÒA` → `cong hoa`).
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c.to_lowercase().next().unwrap_or(c),
        })
        .collect()
}

/// Where a page's Decree 30 zones are, in page pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Zones {
    /// The header, on a page that opens with the national title.
    pub header: Option<Header>,
    /// The top of the bottom zone (`Nơi nhận` and the signature block), if the page has one.
    pub bottom_y: Option<u32>,
    /// The left edge of the bottom zone's right column (the signature block).
    pub bottom_split_x: u32,
}

/// The header's columns and bands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// The left edge of the header's right column (the national title's left edge).
    pub split_x: u32,
    /// The top of the `Số:` line: the left column's lower band starts there.
    pub number_y: Option<u32>,
    /// The bottom of the motto (`Độc lập - Tự do - Hạnh phúc`): the right column's lower band (the
    /// place and date) starts there.
    pub motto_y: u32,
    /// The bottom of the header: the top of the first line below the national title that crosses
    /// the page's centre (the title, or the body of a công văn).
    pub end_y: u32,
}

/// A line's letters and digits folded, words single-spaced (`- Nơi nhận:` → `noi nhan`).
pub fn letters(l: &Line) -> String {
    fold(&l.raw_text())
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// True when `l` opens the `Nơi nhận` list, also with the first letter misread (`4Wơi nhận:`:
/// a short first word ending in `ơi`, then the colon; not `Người nhận`, not `Tôi nhận`) or its
/// last letter misread (`Nơi nhật`).
pub fn is_noi_nhan(l: &Line) -> bool {
    let f = letters(l);
    let mut words = f.split(' ');
    let (Some(a), Some(b)) = (words.next(), words.next()) else {
        return false;
    };
    if b == "nhat" {
        // `Nơi nhật`: the last letter misread
        return a == "noi";
    }
    if b != "nhan" {
        return false;
    }
    a == "noi" || (a.len() <= 4 && a.ends_with("oi") && a != "toi" && l.raw_text().contains(':'))
}

impl Zones {
    /// The zones of a page whose lines all have boxes (`None` for a text page).
    pub fn find(page: &Page) -> Option<Zones> {
        let lines = &page.lines;
        if page.width == 0 || lines.is_empty() || lines.iter().any(|l| l.bbox.is_none()) {
            return None;
        }
        let header = Header::locate(lines, page.width, page.height);
        let below = header.map_or(0, |h| h.end_y);
        let noi = lines
            .iter()
            .find(|l| l.bbox.is_some_and(|b| b.y0 > below) && is_noi_nhan(l));
        let bottom_y = noi
            .and_then(|l| l.bbox)
            .map(|b| b.y0.saturating_sub(b.height()));
        Some(Zones {
            header,
            bottom_y,
            bottom_split_x: page.width * 45 / 100,
        })
    }
}

impl Header {
    /// The header of a page (`width` × `height` pixels, its lines with boxes) whose top holds the
    /// national title; `None` when no line in the top third reads `Cộng hòa xã hội`.
    pub fn locate(lines: &[Line], width: u32, height: u32) -> Option<Header> {
        let top = height * 35 / 100;
        let (nat_line, nat_word) = lines.iter().find_map(|l| {
            let b = l.bbox?;
            if b.y0 > top {
                return None;
            }
            let f = letters(l);
            let at = f.find("cong hoa xa hoi")?;
            // The word that starts the national title (a left-column word may share the line).
            let before = f[..at].split(' ').filter(|w| !w.is_empty()).count();
            let w = l
                .words
                .iter()
                .filter(|w| !letters_of(&w.raw).is_empty())
                .nth(before)?;
            Some((l, w.bbox?))
        })?;
        let nat = nat_line.bbox?;
        let split_x = nat_word.x0.saturating_sub(width / 100);
        let margin = width / 50;
        // The title is centred on the page; the header's columns keep to their sides of it.
        let centre = width / 2;
        let end_y = lines
            .iter()
            .filter(|l| !has_column_gap(l))
            .filter_map(|l| l.bbox)
            .filter(|b| b.y0 > nat.y1 && b.x0 + margin < centre && b.x1 > centre + margin)
            .map(|b| b.y0)
            .chain(
                // The body's first words, wherever they stand (`Kính gửi:` is often indented).
                lines
                    .iter()
                    .filter(|l| {
                        let f = letters(l);
                        f.starts_with("kinh gui") || f.starts_with("can cu")
                    })
                    .filter_map(|l| l.bbox)
                    .filter(|b| b.y0 > nat.y1)
                    .map(|b| b.y0),
            )
            .min()
            .unwrap_or(top);
        let number_y = lines
            .iter()
            .filter(|l| {
                l.bbox
                    .is_some_and(|b| b.y1 <= end_y && b.x1 <= split_x + margin)
            })
            .find(|l| {
                let f = fold(&l.raw_text());
                let f = f.trim_start_matches(|c: char| !c.is_alphanumeric());
                f.starts_with("so:") || f.starts_with("so ") && f.contains('/')
            })
            .and_then(|l| l.bbox)
            .map(|b| b.y0);
        let motto_y = lines
            .iter()
            .filter(|l| letters(l).contains("doc lap"))
            .filter_map(|l| l.bbox)
            .filter(|b| b.y0 >= nat.y0 && b.y1 <= end_y)
            .map(|b| b.y1)
            .min()
            .unwrap_or(nat.y1);
        Some(Header {
            split_x,
            number_y,
            motto_y,
            end_y,
        })
    }

    /// True when a line with box `b` stands in the header (it ends above [`Header::end_y`]).
    pub fn holds(&self, b: BBox) -> bool {
        b.y1 <= self.end_y
    }

    fn key(&self, b: BBox) -> Option<(u8, u8)> {
        if b.y1 > self.end_y {
            return None;
        }
        let col = u8::from((b.x0 + b.x1) / 2 >= self.split_x);
        let band = if col == 0 {
            self.number_y.is_some_and(|y| b.y0 + b.height() / 2 >= y)
        } else {
            b.y0 + b.height() / 2 >= self.motto_y
        };
        Some((u8::from(band), col))
    }
}

/// True when a line has a gap between words wider than twice its median word height: two header
/// columns glued on one row (`Số: 37/2026/TT-BCA    Hà Nội, ngày 24 …`), which crosses the page's
/// centre like a title but is not one.
fn has_column_gap(l: &Line) -> bool {
    let mut hs: Vec<u32> = l
        .words
        .iter()
        .filter(|w| w.raw.chars().filter(|c| c.is_alphanumeric()).count() >= 2)
        .filter_map(|w| w.bbox)
        .map(BBox::height)
        .collect();
    hs.sort_unstable();
    let Some(&h) = hs.get(hs.len() / 2) else {
        return false;
    };
    l.words
        .windows(2)
        .filter_map(|p| Some(p[1].bbox?.x0.saturating_sub(p[0].bbox?.x1)))
        .any(|gap| gap > 2 * h.max(1))
}

fn letters_of(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Puts a page's lines in Decree 30 reading order (see the module doc); a page whose zones are not
/// found keeps its order.
pub fn reading_order(page: &mut Page) {
    let Some(z) = Zones::find(page) else {
        return;
    };
    let lines = std::mem::take(&mut page.lines);
    let mut header: Vec<((u8, u8), usize, Line)> = Vec::new();
    let mut bottom: Vec<(u8, usize, Line)> = Vec::new();
    let mut middle: Vec<Line> = Vec::new();
    for (i, l) in lines.into_iter().enumerate() {
        let Some(b) = l.bbox else {
            middle.push(l);
            continue;
        };
        if let Some(k) = z.header.and_then(|h| h.key(b)) {
            header.push((k, i, l));
        } else if z.bottom_y.is_some_and(|y| b.y0 >= y) {
            bottom.push((u8::from(b.x0 >= z.bottom_split_x), i, l));
        } else {
            middle.push(l);
        }
    }
    header.sort_by_key(|(k, i, _)| (*k, *i));
    bottom.sort_by_key(|(c, i, _)| (*c, *i));
    page.lines = header
        .into_iter()
        .map(|(_, _, l)| l)
        .chain(middle)
        .chain(bottom.into_iter().map(|(_, _, l)| l))
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Origin, Word};

    fn line(t: &str, x0: u32, y0: u32, x1: u32, block: u32) -> Line {
        let words: Vec<Word> = t
            .split(' ')
            .enumerate()
            .map(|(i, w)| {
                let n = t.split(' ').count() as u32;
                let step = (x1 - x0) / n;
                let a = x0 + i as u32 * step;
                Word::new(
                    w,
                    Some(BBox {
                        x0: a,
                        y0,
                        x1: a + step - 5,
                        y1: y0 + 40,
                    }),
                    0.9,
                )
            })
            .collect();
        Line {
            bbox: Some(BBox {
                x0,
                y0,
                x1,
                y1: y0 + 40,
            }),
            block,
            words,
        }
    }

    #[test]
    fn noi_nhan_is_found_with_its_first_letter_misread() {
        let line = |s: &str| Line {
            bbox: None,
            block: 0,
            words: s
                .split(' ')
                .map(|w| crate::Word::new(w, None, 0.9))
                .collect(),
        };
        for yes in [
            "Nơi nhận:",
            "- Nơi nhận",
            "4Wơi nhận:",
            "Mới nhận:",
            "Nơi nhật",
        ] {
            assert!(is_noi_nhan(&line(yes)), "{yes}");
        }
        for no in [
            "Người nhận: ông A",
            "Tôi nhận: hồ sơ",
            "Mới nhận được",
            "nơi cư trú",
        ] {
            assert!(!is_noi_nhan(&line(no)), "{no}");
        }
    }

    #[test]
    fn header_bands_then_body_then_recipients_before_the_signer() {
        let lines = vec![
            line("ỦY BAN NHÂN DÂN", 280, 140, 640, 0),
            line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 730, 140, 1540, 1),
            line("Độc lập - Tự do - Hạnh phúc", 890, 190, 1380, 1),
            line("Số: /TB-UBND", 290, 250, 640, 2),
            line("Hà Nội, ngày", 880, 300, 1090, 4),
            line("THÔNG BÁO", 810, 430, 1070, 5),
            line("tháng năm", 1170, 300, 1380, 6),
            line("Nhân dịp Đại hội đại biểu toàn quốc", 240, 615, 1540, 7),
            line("TL. CHỦ TỊCH", 1000, 1600, 1400, 9),
            line("Nơi nhận:", 235, 1610, 360, 10),
            line("- Như trên;", 235, 1650, 500, 10),
            line("Võ Tuấn Anh", 1050, 1900, 1350, 11),
        ];
        let mut page = Page {
            number: 1,
            width: 1700,
            height: 2300,
            dpi: 200,
            origin: Origin::Ocr,
            lines,
        };
        reading_order(&mut page);
        let order: Vec<String> = page.lines.iter().map(Line::raw_text).collect();
        assert_eq!(
            order,
            [
                "ỦY BAN NHÂN DÂN",
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Độc lập - Tự do - Hạnh phúc",
                "Số: /TB-UBND",
                "Hà Nội, ngày",
                "tháng năm",
                "THÔNG BÁO",
                "Nhân dịp Đại hội đại biểu toàn quốc",
                "Nơi nhận:",
                "- Như trên;",
                "TL. CHỦ TỊCH",
                "Võ Tuấn Anh",
            ]
        );
    }

    #[test]
    fn a_row_glued_across_the_gutter_stays_in_the_header() {
        // The left column's number and the right column's date read as one line across the
        // page's centre: still the header, which ends at the title below it.
        let mut glued = line("Số: 37/2026/TT-BCA", 280, 300, 680, 2);
        glued
            .words
            .extend(line("Hà Nội, ngày 24 tháng 4 năm 2026", 810, 300, 1400, 2).words);
        glued.bbox = Some(BBox {
            x0: 280,
            y0: 300,
            x1: 1400,
            y1: 340,
        });
        let lines = vec![
            line("BỘ CÔNG AN", 360, 170, 590, 0),
            line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 730, 170, 1480, 1),
            line("Độc lập - Tự do - Hạnh phúc", 870, 220, 1340, 1),
            glued,
            line("THÔNG TƯ", 765, 390, 980, 3),
            line(
                "Sửa đổi, bổ sung một số điều của các Thông tư",
                400,
                435,
                1330,
                3,
            ),
        ];
        let h = Header::locate(&lines, 1650, 2340).expect("a header");
        assert_eq!(h.end_y, 390);
        assert!(h.holds(lines[3].bbox.unwrap()));
    }

    #[test]
    fn a_last_page_gets_its_recipients_before_the_signer_and_keeps_the_rest() {
        let lines = vec![
            line("b", 10, 500, 100, 0),
            line("a", 10, 100, 100, 0),
            line("KT. CHỦ TỊCH", 1000, 1600, 1400, 1),
            line("Nơi nhận:", 235, 1610, 360, 2),
        ];
        let mut page = Page {
            number: 2,
            width: 1700,
            height: 2300,
            dpi: 200,
            origin: Origin::Ocr,
            lines,
        };
        reading_order(&mut page);
        let order: Vec<String> = page.lines.iter().map(Line::raw_text).collect();
        assert_eq!(order, ["b", "a", "Nơi nhận:", "KT. CHỦ TỊCH"]);
    }
}
