//! Stamps that the page OCR does not read: the framed marks put on page 1 after signing. An urgency
//! stamp (`HỎA TỐC` in an arrow, `KHẨN` in a box) is often set at an angle in the margin, where
//! Tesseract's page layout reads nothing; a receipt stamp's big `ĐẾN` beside two small lines of
//! blanks is read as noise. Here the frames in the upper part of page 1 are found (connected ink
//! whose box is stamp-sized and nearly empty, with letters inside), the letters' baseline angle is
//! measured and the band of letters is straightened and read again, single-line mode; a reading
//! that is an urgency mark of the closed vocabulary ([`vanban_extract::urgency_in`]) becomes a line
//! of its own, which [`vanban_extract::take_stamps`] then moves out of the text into the stamps. A
//! level frame is read as a small page; when its reading has a receipt line (`ĐẾN … Ngày`) and the
//! page OCR's lines inside the frame have none, the frame's reading replaces them.

use image::{GrayImage, Luma};
use vanban_doc::{BBox, Line, Word};
use vanban_extract::Grid;
use vanban_ocr::{OcrError, Recognize, Segmentation};

use crate::engines::Engines;

/// A pixel darker than this is ink.
const INK: u8 = 128;
/// Stamps are looked for above this fraction of page 1's height.
const UPPER: f32 = 0.45;
/// At most this many frames of a page are read (the ones with the most letters inside).
const MAX_CANDIDATES: usize = 3;
/// A frame whose ink covers more of its box than this is a picture (an emblem, a seal), not a
/// stamp's outline.
const MAX_FILL: f32 = 0.25;
/// Letters whose baseline slopes more than this (tan 4°) are read straightened.
const LEVEL_SLOPE: f32 = 0.07;

/// A connected component of ink.
#[derive(Clone, Debug)]
struct Comp {
    x0: u32,
    y0: u32,
    x1: u32,
    y1: u32,
    n: u32,
    cx: f32,
    cy: f32,
}

impl Comp {
    fn w(&self) -> u32 {
        self.x1 - self.x0 + 1
    }
    fn h(&self) -> u32 {
        self.y1 - self.y0 + 1
    }
    fn inside(&self, f: &Comp) -> bool {
        self.x0 > f.x0 && self.x1 < f.x1 && self.y0 > f.y0 && self.y1 < f.y1
    }
}

/// The 8-connected components of ink in the top `rows` rows of `image`.
fn components(image: &GrayImage, rows: u32) -> Vec<Comp> {
    let (w, h) = (image.width() as usize, rows.min(image.height()) as usize);
    let raw = image.as_raw();
    let mut seen = vec![false; w * h];
    let mut out = Vec::new();
    let mut stack = Vec::new();
    for start in 0..w * h {
        if seen[start] || raw[start] >= INK {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
        let (mut n, mut sx, mut sy) = (0u32, 0f64, 0f64);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            n += 1;
            sx += x as f64;
            sy += y as f64;
            for dy in [-1i64, 0, 1] {
                for dx in [-1i64, 0, 1] {
                    let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                    if nx < 0 || ny < 0 || nx >= w as i64 || ny >= h as i64 {
                        continue;
                    }
                    let j = ny as usize * w + nx as usize;
                    if !seen[j] && raw[j] < INK {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        out.push(Comp {
            x0: x0 as u32,
            y0: y0 as u32,
            x1: x1 as u32,
            y1: y1 as u32,
            n,
            cx: (sx / f64::from(n)) as f32,
            cy: (sy / f64::from(n)) as f32,
        });
    }
    out
}

/// Whether a ruled box the table finder found on page 1 is a stamp's frame: no larger than 3 × 2
/// inches and wholly in the upper part of the page. Such a box is read as a stamp (or as page
/// text), never as a table.
fn is_stamp_box(b: BBox, page_h: u32, dpi: u32) -> bool {
    let d = dpi.max(50);
    b.width() <= d * 3 && b.height() <= d * 2 && (b.y1 as f32) <= page_h as f32 * UPPER
}

/// Takes out of page 1's ruled tables the boxes that are stamp frames (see [`is_stamp_box`]) and
/// returns them: a receipt stamp's two ruled rows are no table, and its text is read by
/// [`read_stamps`].
pub fn take_stamp_grids(image: &GrayImage, dpi: u32, grids: &mut Vec<Grid>) -> Vec<Grid> {
    let (stamps, tables) = std::mem::take(grids)
        .into_iter()
        .partition(|g| is_stamp_box(g.bbox, image.height(), dpi));
    *grids = tables;
    stamps
}

/// A frame with the letters inside it.
struct Candidate {
    frame: Comp,
    letters: Vec<Comp>,
}

/// The stamp frames of the upper part of a page: stamp-sized, nearly empty outlines with at least
/// three letters inside, outside ruled tables, those with the most letters first.
fn candidates(image: &GrayImage, dpi: u32, grids: &[Grid]) -> Vec<Candidate> {
    let rows = (image.height() as f32 * UPPER) as u32;
    let comps = components(image, rows);
    let d = dpi.max(50);
    let in_grid = |c: &Comp| {
        grids.iter().any(|g| {
            c.x1 >= g.bbox.x0 && c.x0 <= g.bbox.x1 && c.y1 >= g.bbox.y0 && c.y0 <= g.bbox.y1
        })
    };
    let min_letter = (d / 25).max(4); // a letter at least 1 mm high
    let mut out: Vec<Candidate> = comps
        .iter()
        .filter(|f| {
            // from a one-word box on a page whose resolution was assumed too high (a 150 dpi
            // image that does not say so is taken for 300 dpi) to a wide receipt stamp
            (d / 4..=d * 3).contains(&f.w())
                && (d / 8..=d * 2).contains(&f.h())
                && (f.n as f32) < MAX_FILL * (f.w() * f.h()) as f32
                && f.y1 + 1 < rows
                && !in_grid(f)
        })
        .map(|f| Candidate {
            frame: f.clone(),
            letters: comps
                .iter()
                .filter(|c| c.inside(f) && c.h() >= min_letter && c.h() * 2 <= f.h().max(c.h()))
                .filter(|c| c.n >= min_letter * 2)
                .cloned()
                .collect(),
        })
        .filter(|c| (3..=80).contains(&c.letters.len()))
        .collect();
    out.sort_by_key(|c| std::cmp::Reverse(c.letters.len()));
    out.truncate(MAX_CANDIDATES);
    out
}

/// The boxes of the stamp frames of page 1's image (see [`candidates`]).
pub fn frames(image: &GrayImage, dpi: u32) -> Vec<BBox> {
    let start = std::time::Instant::now();
    let frames = candidates(image, dpi, &[]);
    tracing::debug!(
        "stamp frames found again in {:.1} ms",
        start.elapsed().as_secs_f64() * 1000.0
    );
    frames
        .into_iter()
        .map(|c| BBox {
            x0: c.frame.x0,
            y0: c.frame.y0,
            x1: c.frame.x1 + 1,
            y1: c.frame.y1 + 1,
        })
        .collect()
}

/// The slope (dy/dx, page pixels) of the line through the letters' centres: least squares, again
/// without the letters more than a letter's height off the first fit (accents, specks).
fn baseline_slope(letters: &[Comp]) -> Option<f32> {
    let fit = |ls: &[&Comp]| -> Option<(f32, f32)> {
        let n = ls.len() as f32;
        let (mx, my) = (
            ls.iter().map(|c| c.cx).sum::<f32>() / n,
            ls.iter().map(|c| c.cy).sum::<f32>() / n,
        );
        let sxx: f32 = ls.iter().map(|c| (c.cx - mx).powi(2)).sum();
        let sxy: f32 = ls.iter().map(|c| (c.cx - mx) * (c.cy - my)).sum();
        (sxx > 1.0).then(|| (sxy / sxx, my - sxy / sxx * mx))
    };
    let all: Vec<&Comp> = letters.iter().collect();
    let (s, b) = fit(&all)?;
    let lh = median(letters.iter().map(Comp::h).collect()) as f32;
    let near: Vec<&Comp> = all
        .into_iter()
        .filter(|c| (c.cy - (s * c.cx + b)).abs() <= lh)
        .collect();
    if near.len() < 3 {
        return Some(s);
    }
    fit(&near).map(|(s, _)| s)
}

fn median(mut v: Vec<u32>) -> u32 {
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or(0)
}

/// Whether the letters stand in one row along slope `slope`: seven in ten of them or more within
/// 0.6 of a letter's height of the line through their middle (accents and specks aside). An
/// urgency mark is one row; a receipt stamp has two or three.
fn one_row(letters: &[Comp], slope: f32) -> bool {
    let len = (1.0 + slope * slope).sqrt();
    let mut off: Vec<f32> = letters.iter().map(|c| c.cy - slope * c.cx).collect();
    off.sort_by(f32::total_cmp);
    let mid = off[off.len() / 2];
    let lh = median(letters.iter().map(Comp::h).collect()).max(1) as f32;
    let near = off
        .iter()
        .filter(|&&o| (o - mid).abs() / len <= 0.6 * lh)
        .count();
    near * 10 >= letters.len() * 7
}

/// The band of `letters` along the direction of slope `slope`, cut out of `image` and turned level
/// (bilinear), a letter's height above and below the letters' centre line and at either end.
fn straightened_band(image: &GrayImage, letters: &[Comp], slope: f32) -> Option<GrayImage> {
    let len = (1.0 + slope * slope).sqrt();
    let (dx, dy) = (1.0 / len, slope / len); // along the text
    let (nx, ny) = (-dy, dx); // down, across it
    let lh = median(letters.iter().map(Comp::h).collect()) as f32;
    let us: Vec<f32> = letters.iter().map(|c| c.cx * dx + c.cy * dy).collect();
    let mut vs: Vec<f32> = letters.iter().map(|c| c.cx * nx + c.cy * ny).collect();
    vs.sort_by(f32::total_cmp);
    let v_mid = vs[vs.len() / 2];
    let u0 = us.iter().copied().fold(f32::MAX, f32::min) - lh;
    let u1 = us.iter().copied().fold(f32::MIN, f32::max) + lh;
    let (bw, bh) = ((u1 - u0).ceil() as u32, (2.0 * lh).ceil() as u32);
    if bw < 8 || bh < 8 || bw > 4000 || bh > 1000 {
        return None;
    }
    let (w, h) = (image.width() as f32, image.height() as f32);
    let px = |x: i64, y: i64| -> f32 {
        if x < 0 || y < 0 || x as f32 >= w || y as f32 >= h {
            255.0
        } else {
            f32::from(image.get_pixel(x as u32, y as u32)[0])
        }
    };
    let v0 = v_mid - lh;
    Some(GrayImage::from_fn(bw, bh, |i, j| {
        let (u, v) = (u0 + i as f32, v0 + j as f32);
        let (x, y) = (u * dx + v * nx, u * dy + v * ny);
        let (fx, fy) = (x.floor(), y.floor());
        let (ax, ay) = (x - fx, y - fy);
        let (x, y) = (fx as i64, fy as i64);
        let top = px(x, y) * (1.0 - ax) + px(x + 1, y) * ax;
        let bottom = px(x, y + 1) * (1.0 - ax) + px(x + 1, y + 1) * ax;
        Luma([(top * (1.0 - ay) + bottom * ay).round().clamp(0.0, 255.0) as u8])
    }))
}

/// Mean word confidence of some lines.
fn mean_conf(lines: &[Line]) -> f32 {
    let words: Vec<Word> = lines.iter().flat_map(|l| l.words.clone()).collect();
    crate::reread::mean_conf(&words)
}

/// Whether two boxes are one frame (each side within a twentieth of an inch).
pub fn same_box(a: BBox, b: BBox, dpi: u32) -> bool {
    let t = (dpi / 20).max(2);
    a.x0.abs_diff(b.x0) <= t
        && a.y0.abs_diff(b.y0) <= t
        && a.x1.abs_diff(b.x1) <= t
        && a.y1.abs_diff(b.y1) <= t
}

/// Reads the stamps of page 1 that the page OCR missed (see the module's note) and puts their
/// lines into `lines`. Returns the frames that hold a stamp (an urgency mark or a receipt line).
pub fn read_stamps(
    engines: &Engines,
    image: &GrayImage,
    dpi: u32,
    grids: &[Grid],
    lines: &mut Vec<Line>,
) -> Result<Vec<BBox>, OcrError> {
    let start = std::time::Instant::now();
    let mut found = Vec::new();
    let candidates = candidates(image, dpi, grids);
    let n = candidates.len();
    for c in candidates {
        let f = &c.frame;
        let frame = BBox {
            x0: f.x0,
            y0: f.y0,
            x1: f.x1 + 1,
            y1: f.y1 + 1,
        };
        let block = lines.iter().map(|l| l.block).max().map_or(0, |b| b + 1);
        let Some(slope) = baseline_slope(&c.letters) else {
            continue;
        };
        // The band of letters straightened and read as one line: a mark set at an angle at the
        // measured angle and 4° to either side (the letters' centres give the angle within a few
        // degrees), a level one as it stands (without its frame, which the page mode reads as
        // junk around a short word).
        let level = slope.abs() <= LEVEL_SLOPE;
        // An urgency mark is one row of letters; a receipt stamp has two or three.
        let one_row = one_row(&c.letters, slope);
        let angles: &[f32] = match (one_row, level) {
            (false, _) => &[],
            (true, true) => &[0.0],
            (true, false) => &[0.0, -4.0, 4.0],
        };
        let a = slope.atan();
        let mut mark = None;
        for da in angles {
            let s = (a + da.to_radians()).tan();
            let Some(band) = straightened_band(image, &c.letters, s) else {
                continue;
            };
            let how = Recognize {
                segmentation: Segmentation::Line,
                whitelist: None,
            };
            let read = engines.recognize_with(&band, dpi, how)?;
            let text: Vec<String> = read.iter().map(Line::raw_text).collect();
            let text = text.join(" ");
            tracing::debug!(
                "stamp at {frame:?}, slope {:.1}°: {text:?}",
                (a + da.to_radians()).to_degrees()
            );
            if let Some(u) = vanban_extract::urgency_in(&text) {
                mark = Some(mark_line(u.printed, frame, block, mean_conf(&read)));
                break;
            }
        }
        let inside = |l: &Line| {
            l.bbox.is_some_and(|b| {
                let (cx, cy) = ((b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2);
                (frame.x0..frame.x1).contains(&cx) && (frame.y0..frame.y1).contains(&cy)
            })
        };
        if let Some(mark) = mark {
            lines.retain(|l| !inside(l));
            lines.push(mark);
            found.push(frame);
            continue;
        }
        if !level || one_row {
            continue;
        }
        // A level frame: read as a small page.
        let crop = image::imageops::crop_imm(image, f.x0, f.y0, f.w(), f.h()).to_image();
        let mut read = engines.recognize(&crop, dpi)?;
        for l in &mut read {
            l.block = block;
            l.bbox = l.bbox.map(|b| b.offset(f.x0, f.y0));
            for w in &mut l.words {
                w.bbox = w.bbox.map(|b| b.offset(f.x0, f.y0));
            }
        }
        read.retain(|l| !l.words.is_empty());
        let text: Vec<String> = read.iter().map(Line::raw_text).collect();
        tracing::debug!("stamp at {frame:?}, level: {text:?}");
        if let Some(u) = vanban_extract::urgency_in(&text.join(" ")) {
            lines.retain(|l| !inside(l));
            lines.push(mark_line(u.printed, frame, block, mean_conf(&read)));
            found.push(frame);
        } else if lines
            .iter()
            .any(|l| inside(l) && vanban_extract::is_receipt_line(l))
        {
            found.push(frame);
        } else if read.iter().any(vanban_extract::is_receipt_line) {
            let at = lines.iter().position(&inside).unwrap_or(lines.len());
            lines.retain(|l| !inside(l));
            let at = at.min(lines.len());
            lines.splice(at..at, read);
            found.push(frame);
        }
    }
    tracing::debug!(
        "stamps: {n} frames, {} stamps, {:.1} ms",
        found.len(),
        start.elapsed().as_secs_f64() * 1000.0
    );
    Ok(found)
}

/// The line an urgency stamp becomes: the mark as printed, over the stamp's box.
fn mark_line(printed: &str, frame: BBox, block: u32, conf: f32) -> Line {
    Line {
        bbox: Some(frame),
        block,
        words: printed
            .split(' ')
            .map(|w| Word::new(w, Some(frame), conf))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A frame with letters along a slope of 0.7 (35°).
    #[test]
    fn a_slanted_row_of_letters_is_measured_and_straightened() {
        let mut img = GrayImage::from_pixel(400, 300, Luma([255]));
        // five 12×20 letters along y = 250 - 0.7 x
        for k in 0..5u32 {
            let cx = 80 + k * 50;
            let cy = (250.0 - 0.7 * cx as f32) as u32;
            for y in cy - 10..cy + 10 {
                for x in cx - 6..cx + 6 {
                    img.put_pixel(x, y, Luma([0]));
                }
            }
        }
        let comps = components(&img, 300);
        assert_eq!(comps.len(), 5);
        let s = baseline_slope(&comps).unwrap();
        assert!((s + 0.7).abs() < 0.02, "slope {s}");
        assert!(one_row(&comps, s));
        let band = straightened_band(&img, &comps, s).unwrap();
        // level: every letter's ink is in the band's middle rows
        let dark_rows: Vec<u32> = (0..band.height())
            .filter(|&y| (0..band.width()).any(|x| band.get_pixel(x, y)[0] < 128))
            .collect();
        assert!(!dark_rows.is_empty());
        let span = dark_rows.last().unwrap() - dark_rows.first().unwrap();
        assert!(span < 30, "letters span {span} rows after straightening");
    }

    /// A receipt stamp's two rows of letters are not one row.
    #[test]
    fn two_rows_of_letters_are_not_one() {
        let letter = |cx: f32, cy: f32| Comp {
            x0: cx as u32 - 6,
            y0: cy as u32 - 10,
            x1: cx as u32 + 6,
            y1: cy as u32 + 10,
            n: 120,
            cx,
            cy,
        };
        let rows: Vec<Comp> = (0..8)
            .flat_map(|k| {
                [
                    letter(30.0 + 20.0 * k as f32, 40.0),
                    letter(30.0 + 20.0 * k as f32, 80.0),
                ]
            })
            .collect();
        let s = baseline_slope(&rows).unwrap();
        assert!(s.abs() < 0.05);
        assert!(!one_row(&rows, s));
        assert!(same_box(
            BBox {
                x0: 100,
                y0: 50,
                x1: 400,
                y1: 200
            },
            BBox {
                x0: 104,
                y0: 48,
                x1: 397,
                y1: 203
            },
            200
        ));
    }
}
