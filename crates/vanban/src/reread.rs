//! Second readings of lines the page OCR read weakly. Tesseract's page layout reads a real scan's
//! header and signature block worst: a stamp or a seal beside a line, two columns on one row, an
//! italic date line. Each weak line (low word confidences) is read again on its own crop in
//! single-line mode and the better reading, by mean word confidence, is kept. The crop is cut from
//! the same prepared page image, so boxes stay in page pixels.

use image::GrayImage;
use vanban_doc::{BBox, Line};
use vanban_ocr::{OcrError, Recognize, Segmentation};

use crate::engines::Engines;

/// A line whose mean word confidence is under this is read again.
pub const WEAK_LINE_CONF: f32 = 0.7;
/// At most this many lines of a page are read again (the weakest first), which bounds the cost
/// on a page of noise.
pub const MAX_REREADS: usize = 24;
/// A second reading replaces the first only when its mean confidence is higher by this much.
const BETTER_BY: f32 = 0.08;

fn mean_conf(l: &Line) -> f32 {
    if l.words.is_empty() {
        return 0.0;
    }
    let chars: usize = l.words.iter().map(|w| w.raw.chars().count().max(1)).sum();
    l.words
        .iter()
        .map(|w| w.conf * w.raw.chars().count().max(1) as f32)
        .sum::<f32>()
        / chars as f32
}

/// Reads the page's weak lines again, one crop each, and keeps the better readings.
pub fn reread_weak_lines(
    engines: &Engines,
    image: &GrayImage,
    dpi: u32,
    lines: &mut [Line],
) -> Result<usize, OcrError> {
    let min_h = dpi / 20; // a line lower than 1.3 mm is a speck
    let mut weak: Vec<(usize, f32)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.bbox.is_some_and(|b| b.height() >= min_h) && !l.words.is_empty())
        .map(|(i, l)| (i, mean_conf(l)))
        .filter(|(_, c)| *c < WEAK_LINE_CONF)
        .collect();
    weak.sort_by(|a, b| a.1.total_cmp(&b.1));
    weak.truncate(MAX_REREADS);
    let mut replaced = 0;
    for (i, old) in weak {
        let Some(b) = lines[i].bbox else { continue };
        let margin = (b.height() / 3).max(dpi / 50);
        let x0 = b.x0.saturating_sub(margin);
        let y0 = b.y0.saturating_sub(margin);
        let x1 = (b.x1 + margin).min(image.width());
        let y1 = (b.y1 + margin).min(image.height());
        if x1 <= x0 + 4 || y1 <= y0 + 4 {
            continue;
        }
        let crop = image::imageops::crop_imm(image, x0, y0, x1 - x0, y1 - y0).to_image();
        let how = Recognize {
            segmentation: Segmentation::Line,
            whitelist: None,
        };
        let again = engines.recognize_with(&crop, dpi, how)?;
        let mut words: Vec<vanban_doc::Word> = again.into_iter().flat_map(|l| l.words).collect();
        if words.is_empty() {
            continue;
        }
        for w in &mut words {
            if let Some(wb) = w.bbox.as_mut() {
                *wb = BBox {
                    x0: wb.x0 + x0,
                    y0: wb.y0 + y0,
                    x1: wb.x1 + x0,
                    y1: wb.y1 + y0,
                };
            }
        }
        let candidate = Line {
            bbox: lines[i].bbox,
            block: lines[i].block,
            words,
        };
        let new = mean_conf(&candidate);
        if new >= old + BETTER_BY {
            tracing::debug!(
                "line read again ({old:.2} -> {new:.2}): {:?} -> {:?}",
                lines[i].raw_text(),
                candidate.raw_text()
            );
            lines[i].words = candidate.words;
            replaced += 1;
        }
    }
    Ok(replaced)
}
