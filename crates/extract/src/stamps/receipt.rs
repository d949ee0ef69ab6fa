//! The handwritten date of a receipt stamp (`ĐẾN … Ngày: 28/4/2026`): the clerk writes the day,
//! the month and the year into the stamp's dotted blank, separators (`/`, `|`) by hand too. The
//! stamp's frame (found in the page image) is cut out, its ink is grouped into glyphs row by row
//! with the header blanks' machinery ([`crate::handwriting`]), each glyph is read by the digit
//! recogniser ([`crate::digits`]), and a row is a date when its glyphs can be read as
//! `D/M/YYYY` (or `D/M/YY`) in exactly one way: a thin upright stroke may be a separator or a `1`,
//! every reading is tried, and two different dates from one row give none. The date must be a
//! calendar date, within a year of the document's own date and not before it; its confidence is
//! the product of its digits' probabilities and it is accepted from [`RECEIVED_ACCEPT`].

use image::GrayImage;
use vanban_doc::{BBox, Document, Evidence, Metadata};

use crate::handwriting::{components, group, ink_of, read_group, read_group_as, Glyph};

/// A handwritten stamp date is put into `received.date` at or above this confidence. Chosen on
/// data the recogniser never saw, not on the real stamps: of 1,000 synthetic stamp dates of
/// held-out MNIST digits with drawn separators (the test below), 0.9 gives 360, all right; 0.8
/// gives 417 with 1 wrong, 0.7 446 with 2 wrong. It is the header blanks' threshold too
/// ([`crate::DIGITS_ACCEPT`]). On the real development set a misread `4` came out a `9` at 0.85,
/// so nothing lower is safe.
pub const RECEIVED_ACCEPT: f32 = crate::DIGITS_ACCEPT;

/// Day, month, year.
type Dmy = (u32, u32, u32);
/// A document's own date as far as it is known: year, month, day.
type OwnDate = (u32, Option<u32>, Option<u32>);

/// A date read in a stamp.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct DateReading {
    /// Day, month, year.
    pub dmy: Dmy,
    /// The glyphs as read, separators as `/`.
    pub text: String,
    /// Product of the digits' probabilities.
    pub conf: f32,
    /// Where the date is, in crop pixels.
    pub bbox: BBox,
}

/// What a glyph may be in a date.
fn options(g: &Glyph) -> Vec<(Option<char>, f32)> {
    let (w, h) = (g.x1 - g.x0 + 1, g.y1 - g.y0 + 1);
    let digit = char::from(b'0' + g.digit as u8);
    // A thin stroke that reads as a `1` or as no digit surely: a separator (`/`, `|`) or the
    // digit it reads as.
    if w * 100 < h * 60 && (g.digit == 1 || g.p_digit < 0.5) {
        vec![(None, 1.0), (Some(digit), g.p_digit)]
    } else {
        vec![(Some(digit), g.p_digit)]
    }
}

/// The dates a row of glyphs can spell, with their confidences, for every reading of its thin
/// strokes (at most 2^10 readings).
fn dates_of(glyphs: &[Glyph]) -> Vec<(Dmy, String, f32)> {
    let opts: Vec<Vec<(Option<char>, f32)>> = glyphs.iter().map(options).collect();
    let choices = opts.iter().filter(|o| o.len() > 1).count();
    if choices > 10 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for mask in 0u32..(1 << choices) {
        let (mut text, mut conf, mut k) = (String::new(), 1.0f32, 0);
        for o in &opts {
            let (c, p) = if o.len() > 1 {
                let pick = o[((mask >> k) & 1) as usize];
                k += 1;
                pick
            } else {
                o[0]
            };
            text.push(c.unwrap_or('/'));
            conf *= p;
        }
        let parts: Vec<&str> = text.split('/').collect();
        let [d, m, y] = parts[..] else { continue };
        if !(1..=2).contains(&d.len()) || !(1..=2).contains(&m.len()) || ![2, 4].contains(&y.len())
        {
            continue;
        }
        let (Ok(d), Ok(m), Ok(y)) = (d.parse::<u32>(), m.parse::<u32>(), y.parse::<u32>()) else {
            continue;
        };
        let y = if y < 100 { 2000 + y } else { y };
        if crate::meta::iso(d, m, y).is_some() {
            out.push(((d, m, y), text, conf));
        }
    }
    out
}

/// Reads the handwritten dates in a crop of a stamp (its frame's inside): rows of glyphs of at
/// least `min_h` pixels, printed letters at a row's ends (`Ngày:`) dropped, and each row read as
/// a date when its glyphs spell exactly one date that `plausible` admits.
pub(crate) fn read_dates(
    crop: &GrayImage,
    min_h: usize,
    plausible: &dyn Fn(Dmy) -> bool,
) -> Vec<DateReading> {
    let (w, h) = (crop.width() as usize, crop.height() as usize);
    if w < 8 || h < 8 {
        return Vec::new();
    }
    let (levels, mask) = ink_of(crop);
    let comps: Vec<crate::handwriting::Comp> = components(&mask, w, h)
        .into_iter()
        // rules and leaders: long and flat; the frame's sides: as tall as the stamp
        .filter(|c| !(c.h() * 4 < c.w() && c.h() < min_h))
        .filter(|c| c.h() * 10 < h * 7)
        .filter(|c| c.area() * 10 >= min_h * min_h / 2)
        .collect();
    // Rows: the cores (middle halves) of the glyph-sized components, overlapping, make a row's
    // band; each component goes to the band it overlaps most, and is grouped with its row only
    // (the blanks' grouping joins what stands one over the other).
    let mut hs: Vec<usize> = comps.iter().map(|c| c.h()).collect();
    hs.sort_unstable();
    let typical = hs.get(hs.len() / 2).copied().unwrap_or(0);
    let mut profile = vec![false; h];
    for c in comps.iter().filter(|c| c.h() * 2 <= typical * 3) {
        profile[c.y0 + c.h() / 4..=c.y1 - c.h() / 4].fill(true);
    }
    let mut bands: Vec<(usize, usize)> = Vec::new();
    for (y, &on) in profile.iter().enumerate() {
        match bands.last_mut() {
            Some(b) if on && b.1 + 1 == y => b.1 = y,
            _ if on => bands.push((y, y)),
            _ => {}
        }
    }
    let mut rows: Vec<Vec<crate::handwriting::Comp>> = vec![Vec::new(); bands.len()];
    for c in comps {
        let best = bands
            .iter()
            .enumerate()
            .map(|(i, b)| (i, (c.y1.min(b.1) + 1).saturating_sub(c.y0.max(b.0))))
            .max_by_key(|&(_, o)| o);
        if let Some((i, o)) = best.filter(|&(_, o)| o > 0) {
            let _ = o;
            rows[i].push(c);
        }
    }
    let rows: Vec<Vec<crate::handwriting::Comp>> = rows
        .into_iter()
        .map(|r| group(r).into_iter().filter(|g| g.h() >= min_h).collect())
        .collect();
    let mut out = Vec::new();
    for mut row in rows {
        if row.len() < 5 {
            continue;
        }
        row.sort_by_key(|g| g.x0);
        let mut glyphs: Vec<(usize, Glyph)> = row
            .iter()
            .enumerate()
            .flat_map(|(i, g)| read_group(&levels, w, g).into_iter().map(move |x| (i, x)))
            .collect();
        trace_row(&glyphs);
        // At the ends: what is much taller than the row's glyphs (the big `ĐẾN`, the frame's
        // side), printed letters (the blank's label) and the label's small letters, whose top is
        // a quarter of the tallest glyph's height below the highest top.
        let gh = |g: &Glyph| g.y1 - g.y0 + 1;
        let mut hs: Vec<usize> = glyphs.iter().map(|(_, g)| gh(g)).collect();
        hs.sort_unstable();
        let mid_h = hs.get(hs.len() / 2).copied().unwrap_or(0);
        let too_tall = |g: &Glyph| gh(g) * 2 > mid_h * 3;
        while glyphs.first().is_some_and(|(_, g)| too_tall(g)) {
            glyphs.remove(0);
        }
        while glyphs.last().is_some_and(|(_, g)| too_tall(g)) {
            glyphs.pop();
        }
        let top = glyphs.iter().map(|(_, g)| g.y0).min().unwrap_or(0);
        let tall = glyphs.iter().map(|(_, g)| gh(g)).max().unwrap_or(0);
        let letter = |g: &Glyph| g.p_letter > g.p_digit || g.y0 * 4 > top * 4 + tall;
        while glyphs.first().is_some_and(|(_, g)| letter(g)) {
            glyphs.remove(0);
        }
        while glyphs.last().is_some_and(|(_, g)| letter(g)) {
            glyphs.pop();
        }
        let (Some(&(first, _)), Some(&(last, _))) = (glyphs.first(), glyphs.last()) else {
            continue;
        };
        // Between the ends there are only the date's digits and separators: its groups are read
        // again as digits (a `20` written in one stroke, a `0` the letter class took).
        let glyphs: Vec<Glyph> = row[first..=last]
            .iter()
            .flat_map(|g| read_group_as(&levels, w, g, true))
            .collect();
        trace_row(&glyphs.iter().cloned().map(|g| (0, g)).collect::<Vec<_>>());
        let dates = dates_of(&glyphs);
        let mut found: Vec<_> = dates.into_iter().filter(|d| plausible(d.0)).collect();
        tracing::debug!(
            "stamp row of {} glyphs: {:?}",
            glyphs.len(),
            found.iter().map(|d| (&d.1, d.2)).collect::<Vec<_>>()
        );
        found.sort_by(|a, b| b.2.total_cmp(&a.2));
        let Some(best) = found.first() else { continue };
        if found.iter().any(|d| d.0 != best.0) {
            continue; // two dates: none
        }
        out.push(DateReading {
            dmy: best.0,
            text: best.1.clone(),
            conf: best.2,
            bbox: BBox {
                x0: glyphs.iter().map(|g| g.x0).min().unwrap_or(0) as u32,
                y0: glyphs.iter().map(|g| g.y0).min().unwrap_or(0) as u32,
                x1: glyphs.iter().map(|g| g.x1 + 1).max().unwrap_or(0) as u32,
                y1: glyphs.iter().map(|g| g.y1 + 1).max().unwrap_or(0) as u32,
            },
        });
    }
    out
}

/// Logs a row's glyphs as first read (`digit:p/Lletter wxh@x,y`).
fn trace_row(glyphs: &[(usize, Glyph)]) {
    tracing::trace!(
        "stamp row: {:?}",
        glyphs
            .iter()
            .map(|(_, g)| format!(
                "{}:{:.2}/L{:.2} {}x{}@{},{}",
                g.digit,
                g.p_digit,
                g.p_letter,
                g.x1 - g.x0 + 1,
                g.y1 - g.y0 + 1,
                g.x0,
                g.y0
            ))
            .collect::<Vec<_>>()
    );
}

/// The document's own date as far as it is known: year, month, day.
fn own_date(m: &Metadata) -> Option<OwnDate> {
    if let Some(d) = &m.issued_date {
        let v: Vec<u32> = d.split('-').filter_map(|p| p.parse().ok()).collect();
        if let [y, mo, da] = v[..] {
            return Some((y, Some(mo), Some(da)));
        }
    }
    let p = m.date_parts.as_ref()?;
    Some((p.year?, p.month, p.day))
}

/// Whether a stamp date can be the receipt of a document of date `own`: within a year of it and
/// not before it (as far as its parts are known).
fn plausible(own: OwnDate, (d, m, y): Dmy) -> bool {
    let (oy, om, od) = own;
    if y < oy || y > oy + 1 {
        return false;
    }
    let not_before = match (om, od) {
        (Some(om), Some(od)) => (y, m, d) >= (oy, om, od),
        (Some(om), None) => (y, m) >= (oy, om),
        _ => true,
    };
    // "within a year": a year after at most
    let within = match om {
        Some(om) => (y - oy) * 12 + m <= om + 12,
        None => true,
    };
    not_before && within
}

/// Reads the handwritten date of page 1's receipt stamp when no typed one was read: `frames` are
/// the stamp frames of page 1's image; the one that holds a `received` stamp line is read. A date
/// at [`RECEIVED_ACCEPT`] or above goes into `received.date`, with its confidence and evidence
/// under `received.date`.
pub fn read_received_date(m: &mut Metadata, doc: &Document, image: &GrayImage, frames: &[BBox]) {
    let Some(received) = m.received.as_ref() else {
        return;
    };
    if received.date.is_some() {
        return;
    }
    let Some(own) = own_date(m) else {
        return; // no date of its own to check a stamp date against
    };
    let Some(page) = doc.pages.first() else {
        return;
    };
    if (page.width, page.height) != image.dimensions() {
        return;
    }
    let inside = |f: &BBox, b: BBox| {
        let (x, y) = ((b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2);
        (f.x0..f.x1).contains(&x) && (f.y0..f.y1).contains(&y)
    };
    let Some(frame) = frames.iter().find(|f| {
        doc.stamps.iter().any(|s| {
            s.page == page.number
                && s.kind == "received"
                && s.line.bbox.is_some_and(|b| inside(f, b))
        })
    }) else {
        return;
    };
    // The frame's inside: its sides' strokes cut off.
    let inset = (page.dpi / 40).max(2);
    if frame.width() <= 4 * inset || frame.height() <= 4 * inset {
        return;
    }
    let (x0, y0) = (frame.x0 + inset, frame.y0 + inset);
    let (cw, ch) = (frame.width() - 2 * inset, frame.height() - 2 * inset);
    let crop = image::imageops::crop_imm(image, x0, y0, cw, ch).to_image();
    // Handwritten digits in a stamp are 2 mm high or more; printed dots and specks are less.
    let min_h = (page.dpi as usize / 14).max(4);
    let start = std::time::Instant::now();
    let dates = read_dates(&crop, min_h, &|d| plausible(own, d));
    tracing::debug!(
        "stamp date rows read in {:.1} ms",
        start.elapsed().as_secs_f64() * 1000.0
    );
    // One date in a stamp: two rows that both read as dates give none.
    let [date] = &dates[..] else {
        return;
    };
    let (d, mo, y) = date.dmy;
    tracing::debug!("received date {} at {:.2}", date.text, date.conf);
    let Some(iso) = crate::meta::iso(d, mo, y) else {
        return;
    };
    m.confidence.insert("received.date".into(), date.conf);
    m.evidence.insert(
        "received.date".into(),
        Evidence {
            page: page.number,
            bbox: Some(date.bbox.offset(x0, y0)),
            text: format!("{} (handwritten)", date.text),
        },
    );
    if date.conf >= RECEIVED_ACCEPT {
        if let Some(r) = m.received.as_mut() {
            r.date = Some(iso);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyph(digit: usize, p: f32, x0: usize, w: usize) -> Glyph {
        Glyph {
            digit,
            p_digit: p,
            p_letter: 0.0,
            x0,
            x1: x0 + w - 1,
            y0: 0,
            y1: 39,
        }
    }

    #[test]
    fn thin_strokes_are_separators_or_ones_and_two_dates_give_none() {
        // 23|4|2026: the strokes are read as 1s
        let row = [
            glyph(2, 0.99, 0, 20),
            glyph(3, 0.99, 22, 20),
            glyph(1, 0.9, 44, 6),
            glyph(4, 0.99, 52, 20),
            glyph(1, 0.9, 74, 6),
            glyph(2, 0.99, 82, 20),
            glyph(0, 0.99, 104, 20),
            glyph(2, 0.99, 126, 20),
            glyph(6, 0.99, 148, 20),
        ];
        let dates = dates_of(&row);
        assert!(dates.iter().all(|d| d.0 == (23, 4, 2026)), "{dates:?}");
        assert!(!dates.is_empty());
        // 1|1|2026 could be 1/1/2026 only; 11|1|2026 is 11/1/2026 or 1/11/2026: two dates
        let row = [
            glyph(1, 0.99, 0, 6),
            glyph(1, 0.99, 10, 6),
            glyph(1, 0.9, 20, 6),
            glyph(1, 0.99, 30, 6),
            glyph(1, 0.9, 40, 6),
            glyph(2, 0.99, 50, 20),
            glyph(0, 0.99, 72, 20),
            glyph(2, 0.99, 94, 20),
            glyph(6, 0.99, 116, 20),
        ];
        let mut ds: Vec<_> = dates_of(&row).into_iter().map(|d| d.0).collect();
        ds.dedup();
        assert!(ds.len() > 1, "{ds:?}");
        let own = (2026, Some(4), Some(23));
        assert!(plausible(own, (23, 4, 2026)) && plausible(own, (5, 1, 2027)));
        assert!(!plausible(own, (22, 4, 2026)) && !plausible(own, (1, 5, 2027)));
        assert!(!plausible((2026, Some(4), None), (30, 3, 2026)));
    }

    /// xorshift, for the synthetic stamp dates.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// A synthetic handwritten stamp date: held-out MNIST digits (never trained on) of random
    /// size and spacing, `/` or `|` separators drawn as strokes of random slant and width, a
    /// dotted leader under them half of the time, paper noise. Returns the crop, the smallest
    /// digit height to keep, the date and the document's own date (0–20 days before).
    fn synthetic_date(rng: &mut Rng, grid: &GrayImage) -> (GrayImage, usize, Dmy, OwnDate) {
        use image::Luma;
        let y = 2018 + rng.below(9) as u32;
        let m = 1 + rng.below(12) as u32;
        let d = 1 + rng.below(28) as u32;
        let own_d = d.saturating_sub(rng.below(20) as u32).max(1);
        let year = if rng.below(5) == 0 {
            format!("{:02}", y % 100)
        } else {
            y.to_string()
        };
        let text = format!("{d}/{m}/{year}");
        let side = 36 + rng.below(30) as u32; // a 28-px MNIST cell scaled: digits 26-47 px high
        let slant = rng.below(3) as i32 - 1; // separators: `|`, `/` or leaning back
        let thick = 2 + rng.below(3) as u32;
        let paper = 220 + rng.below(30) as u8;
        let ink = 10 + rng.below(90) as u8;
        let step = |rng: &mut Rng| side * (60 + rng.below(30) as u32) / 100;
        let w = side * (text.len() as u32 + 2);
        let h = side + side / 2;
        let mut page = GrayImage::from_pixel(w, h, Luma([paper]));
        let mut x = side / 2;
        for ch in text.chars() {
            if ch == '/' {
                let sh = side * 7 / 10;
                let top = side / 4 + side * 15 / 100;
                for dy in 0..sh {
                    let off = (slant * (sh as i32 / 2 - dy as i32) / 3) as i64;
                    for t in 0..thick {
                        let px = (x as i64 + side as i64 / 6 + off + t as i64).max(0) as u32;
                        if px < w {
                            page.put_pixel(px, top + dy, Luma([ink]));
                        }
                    }
                }
                x += side * (35 + rng.below(20) as u32) / 100;
                continue;
            }
            let dg = ch.to_digit(10).unwrap_or(0);
            let k = dg * 100 + rng.below(100) as u32;
            let (r, c) = (k / 40, k % 40);
            let cell = image::imageops::crop_imm(grid, c * 28, r * 28, 28, 28).to_image();
            let cell =
                image::imageops::resize(&cell, side, side, image::imageops::FilterType::Triangle);
            for (dx, dy, p) in cell.enumerate_pixels() {
                let v = f32::from(p[0]) / 255.0;
                if x + dx >= w {
                    continue;
                }
                let q = page.get_pixel_mut(x + dx, side / 4 + dy);
                let val = f32::from(paper) - v * f32::from(paper - ink);
                q[0] = q[0].min(val as u8);
            }
            x += step(rng);
        }
        if rng.below(2) == 0 {
            let yl = side / 4 + side * 85 / 100;
            for lx in (4..w - 4).step_by(6) {
                page.put_pixel(lx, yl, Luma([60]));
                page.put_pixel(lx + 1, yl, Luma([60]));
            }
        }
        for p in page.pixels_mut() {
            let n = (rng.below(16) as i32) - 8;
            p[0] = (i32::from(p[0]) + n).clamp(0, 255) as u8;
        }
        let own = (y, Some(m), Some(own_d));
        (page, (side as usize * 3 / 10).max(4), (d, m, y), own)
    }

    /// The threshold's calibration: synthetic dates of held-out digits, read as stamps are.
    #[test]
    fn synthetic_stamp_dates_read_right_when_sure() {
        let grid = crate::handwriting::tests::heldout_digits();
        let mut rng = Rng(0x57a3_9d41_0c2e);
        let n = 1000;
        let mut read: Vec<(bool, f32)> = Vec::new();
        for _ in 0..n {
            let (crop, min_h, truth, own) = synthetic_date(&mut rng, &grid);
            let got = read_dates(&crop, min_h, &|d| plausible(own, d));
            let r = got.first().map(|r| (r.dmy == truth, r.conf));
            if let Some((false, c)) = r.filter(|r| r.1 >= 0.5) {
                eprintln!("wrong at {c:.2}: {:?} for {truth:?}", got[0].text);
            }
            read.push(r.unwrap_or((false, 0.0)));
        }
        let (given, right) = crate::handwriting::tests::coverage(
            "synthetic stamp dates",
            &read,
            &[0.3, 0.5, 0.7, 0.8, 0.95],
            RECEIVED_ACCEPT,
        );
        assert!(right * 100 >= given * 99, "{right} of {given} right");
        assert!(given * 4 > n, "only {given} of {n} given");
    }
}
