//! Lines Tesseract's page layout lost. Beside a stamp, under handwriting or between two blocks,
//! the layout analysis sometimes drops a whole line of print (on a real decision, the third line
//! of the subject, right under a receipt stamp, came out of the page OCR not at all). Here the
//! page's rows of ink that no OCR line covers are found; each band of line height is read on its
//! own in single-line mode, and kept only when the reading is print (sure words of real letters).
//! Bands inside ruled tables are left alone: their cells are read as cells.

use image::GrayImage;
use vanban_doc::{BBox, Line};
use vanban_extract::Grid;
use vanban_ocr::{OcrError, Segmentation};

use crate::engines::Engines;

/// A pixel darker than this is ink.
const INK: u8 = 128;
/// At most this many bands of a page are read (a page of noise stays cheap).
const MAX_BANDS: usize = 8;
/// A recovered reading is kept when its words' mean confidence reaches this.
const KEEP_CONF: f32 = 0.8;

/// The median height of a page's OCR lines of two words or more (its body text's line height).
fn line_height(lines: &[Line]) -> Option<u32> {
    let mut hs: Vec<u32> = lines
        .iter()
        .filter(|l| l.words.len() >= 3)
        .filter_map(|l| l.bbox.map(|b| b.height()))
        .collect();
    if hs.len() < 3 {
        return None;
    }
    hs.sort_unstable();
    Some(hs[hs.len() / 2])
}

/// Bands of rows, between `x0` and `x1`, holding ink outside every OCR word box and every table.
/// Word boxes, not line boxes: a line that handwriting joined to the next has a box over both.
fn uncovered_bands(
    image: &GrayImage,
    lines: &[Line],
    grids: &[Grid],
    x0: u32,
    x1: u32,
    line_h: u32,
) -> Vec<(u32, u32)> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let (cx0, cx1) = (x0 as usize, x1 as usize);
    let cw = cx1 - cx0;
    // covered pixels of the column, row by row
    let mut covered = vec![false; cw * h];
    let pad = (line_h / 6) as usize;
    let mut cover = |b: BBox| {
        let (bx0, bx1) = ((b.x0 as usize).max(cx0), (b.x1 as usize).min(cx1));
        if bx1 <= bx0 {
            return;
        }
        let from = (b.y0 as usize).saturating_sub(pad);
        let to = (b.y1 as usize + pad).min(h);
        for y in from..to {
            covered[y * cw + bx0 - cx0..y * cw + bx1 - cx0].fill(true);
        }
    };
    lines
        .iter()
        .flat_map(|l| &l.words)
        .filter_map(|wd| wd.bbox)
        .for_each(&mut cover);
    grids.iter().map(|g| g.bbox).for_each(&mut cover);
    // a row is print when it holds uncovered ink in at least 2 % of the column's width
    let need = (cw / 50).max(4);
    let raw = image.as_raw();
    let inked: Vec<bool> = (0..h)
        .map(|y| {
            raw[y * w + cx0..y * w + cx1]
                .iter()
                .zip(&covered[y * cw..(y + 1) * cw])
                .filter(|(&v, &c)| v < INK && !c)
                .count()
                >= need
        })
        .collect();
    let mut bands = Vec::new();
    let mut y = 0usize;
    while y < inked.len() {
        if !inked[y] {
            y += 1;
            continue;
        }
        let start = y;
        while y < inked.len() && inked[y] {
            y += 1;
        }
        let band_h = (y - start) as u32;
        // one line of print: not a speck, not a picture or a seal
        if band_h * 2 >= line_h && band_h <= line_h * 2 {
            bands.push((start as u32, y as u32));
        }
    }
    bands
}

/// Reads the page's lost lines (see the module) and adds those that read as print. Returns how
/// many were added.
pub fn recover_lost_lines(
    engines: &Engines,
    image: &GrayImage,
    dpi: u32,
    grids: &[Grid],
    lines: &mut Vec<Line>,
) -> Result<usize, OcrError> {
    let Some(line_h) = line_height(lines) else {
        return Ok(0);
    };
    // the text column: from the leftmost to the rightmost start and end of the body's lines
    let boxes: Vec<BBox> = lines
        .iter()
        .filter(|l| l.words.len() >= 3)
        .filter_map(|l| l.bbox)
        .collect();
    let (Some(x0), Some(x1)) = (
        boxes.iter().map(|b| b.x0).min(),
        boxes.iter().map(|b| b.x1).max(),
    ) else {
        return Ok(0);
    };
    let x1 = x1.min(image.width());
    if x1 <= x0 + 2 * line_h {
        return Ok(0);
    }
    let bands = uncovered_bands(image, lines, grids, x0, x1, line_h);
    let block = lines.iter().map(|l| l.block).max().map_or(0, |b| b + 1);
    let mut added = 0;
    for (y0, y1) in bands.into_iter().take(MAX_BANDS) {
        let band = BBox { x0, y0, x1, y1 };
        let mut words = crate::reread::read_box(
            engines,
            image,
            dpi,
            band,
            (0, line_h / 3),
            Segmentation::Line,
        )?;
        let letters = |w: &vanban_doc::Word| w.raw.chars().filter(|c| c.is_alphabetic()).count();
        let sure_words = words
            .iter()
            .filter(|w| w.conf >= 0.85 && letters(w) >= 2)
            .count();
        if sure_words < 3 || crate::reread::mean_conf(&words) < KEEP_CONF {
            continue;
        }
        // words the page OCR read already (the crop takes in the lines' edges) are not read twice
        let read_before = |b: &BBox| {
            let (mx, my) = ((b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2);
            lines.iter().flat_map(|l| &l.words).any(|o| {
                o.bbox
                    .is_some_and(|o| (o.x0..o.x1).contains(&mx) && (o.y0..o.y1).contains(&my))
            })
        };
        words.retain(|w| !w.bbox.is_some_and(|b| read_before(&b)));
        let bbox = words.iter().filter_map(|w| w.bbox).reduce(BBox::union);
        let line = Line { bbox, block, words };
        tracing::debug!("lost line read at y {y0}-{y1}: {:?}", line.raw_text());
        // before the first line whose middle is below its middle, in the block of the line
        // above it (a lost line most often goes on with the paragraph above)
        let mid = (y0 + y1) / 2;
        let at = lines
            .iter()
            .position(|l| l.bbox.is_some_and(|b| (b.y0 + b.y1) / 2 > mid))
            .unwrap_or(lines.len());
        let block_above = at.checked_sub(1).map(|i| lines[i].block);
        lines.insert(
            at,
            Line {
                block: block_above.unwrap_or(block),
                ..line
            },
        );
        added += 1;
    }
    Ok(added)
}
