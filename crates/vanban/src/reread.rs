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

/// Mean word confidence of some words, each weighted by its length in characters.
pub(crate) fn mean_conf(words: &[vanban_doc::Word]) -> f32 {
    if words.is_empty() {
        return 0.0;
    }
    let chars: usize = words.iter().map(|w| w.raw.chars().count().max(1)).sum();
    words
        .iter()
        .map(|w| w.conf * w.raw.chars().count().max(1) as f32)
        .sum::<f32>()
        / chars as f32
}

/// A word under this confidence makes a header line weak (the header's fields are read from
/// single words: `Số: †0X SP TTg` has a mean of 0.71 but its symbol is lost).
const WEAK_WORD_CONF: f32 = 0.6;

/// Reads the page's weak lines again, one crop each, and keeps the better readings.
pub fn reread_weak_lines(
    engines: &Engines,
    image: &GrayImage,
    dpi: u32,
    lines: &mut [Line],
) -> Result<usize, OcrError> {
    let min_h = dpi / 20; // a line lower than 1.3 mm is a speck
    let header_end = image.height() * 3 / 10;
    let in_header = |l: &Line| l.bbox.is_some_and(|b| b.y1 <= header_end);
    let has_weak_word = |l: &Line| l.words.iter().any(|w| w.conf < WEAK_WORD_CONF);
    let mut weak: Vec<(usize, f32)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.bbox.is_some_and(|b| b.height() >= min_h) && !l.words.is_empty())
        .map(|(i, l)| (i, mean_conf(&l.words)))
        .filter(|&(i, c)| c < WEAK_LINE_CONF || (in_header(&lines[i]) && has_weak_word(&lines[i])))
        .collect();
    weak.sort_by(|a, b| a.1.total_cmp(&b.1));
    weak.truncate(MAX_REREADS);
    let mut replaced = 0;
    for (i, old) in weak {
        let Some(b) = lines[i].bbox else { continue };
        let margin = (b.height() / 3).max(dpi / 50);
        let words = read_box(engines, image, dpi, b, (margin, margin), Segmentation::Line)?;
        if words.is_empty() {
            continue;
        }
        let candidate = Line {
            bbox: lines[i].bbox,
            block: lines[i].block,
            words,
        };
        let new = mean_conf(&candidate.words);
        if new >= old + BETTER_BY {
            let mut candidate = candidate;
            settle_digits(engines, image, dpi, &lines[i].words, &mut candidate.words)?;
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

/// Reads the box `b` of the page, widened by `(mx, my)` pixels, in segmentation `how`: the words,
/// with their boxes in page pixels (none when the crop is too small).
pub(crate) fn read_box(
    engines: &Engines,
    image: &GrayImage,
    dpi: u32,
    b: BBox,
    (mx, my): (u32, u32),
    how: Segmentation,
) -> Result<Vec<vanban_doc::Word>, OcrError> {
    let x0 = b.x0.saturating_sub(mx);
    let y0 = b.y0.saturating_sub(my);
    let x1 = (b.x1 + mx).min(image.width());
    let y1 = (b.y1 + my).min(image.height());
    if x1 <= x0 + 4 || y1 <= y0 + 4 {
        return Ok(Vec::new());
    }
    let crop = image::imageops::crop_imm(image, x0, y0, x1 - x0, y1 - y0).to_image();
    let how = Recognize {
        segmentation: how,
        whitelist: None,
    };
    let mut words: Vec<vanban_doc::Word> = engines
        .recognize_with(&crop, dpi, how)?
        .into_iter()
        .flat_map(|l| l.words)
        .collect();
    for w in &mut words {
        w.bbox = w.bbox.map(|b| b.offset(x0, y0));
    }
    Ok(words)
}

/// The runs of digits of a word, as (byte range, digits), a `1` read as `I`, `l` or `|` beside a
/// digit counted as one (`QHI4` holds `14`, `QHI` none).
fn digit_runs(t: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let cs: Vec<(usize, char)> = t.char_indices().collect();
    let is_digit = |j: usize| cs.get(j).is_some_and(|c| c.1.is_ascii_digit());
    let mut runs: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for (j, &(i, c)) in cs.iter().enumerate() {
        let d = if c.is_ascii_digit() {
            c
        } else if matches!(c, 'I' | 'l' | '|')
            && (is_digit(j + 1) || j.checked_sub(1).is_some_and(is_digit))
        {
            '1'
        } else {
            continue;
        };
        match runs.last_mut() {
            Some((r, s)) if r.end == i => {
                r.end = i + c.len_utf8();
                s.push(d);
            }
            _ => runs.push((i..i + c.len_utf8(), d.to_string())),
        }
    }
    runs
}

/// Where a second reading changed a number in a word (`35/2018/QH14` read again as
/// `33/2018/QH14`), the word's crop alone is read a third time, as one word, tight above and
/// below, and the majority decides each changed number: the page's number is put back into the
/// second reading's word when the third reading agrees with it. Without a majority the word keeps
/// the second reading with a confidence under both, so that the number counts as doubtful. A
/// number is the one thing a surer line cannot vouch for: line confidence rises with the words
/// around it.
fn settle_digits(
    engines: &Engines,
    image: &GrayImage,
    dpi: u32,
    old: &[vanban_doc::Word],
    new: &mut [vanban_doc::Word],
) -> Result<(), OcrError> {
    for w in new.iter_mut() {
        let Some(nb) = w.bbox else { continue };
        let nr = digit_runs(&w.raw);
        if nr.is_empty() {
            continue;
        }
        let under: Vec<&vanban_doc::Word> = old
            .iter()
            .filter(|o| {
                o.raw.chars().any(|c| c.is_ascii_digit())
                    && o.bbox.is_some_and(|ob| {
                        let overlap = ob.x1.min(nb.x1).saturating_sub(ob.x0.max(nb.x0));
                        2 * overlap > ob.width().min(nb.width())
                    })
            })
            .collect();
        let [page_word] = under.as_slice() else {
            continue;
        };
        let or = digit_runs(&page_word.raw);
        if or.len() != nr.len() {
            continue;
        }
        let changed: Vec<usize> = (0..nr.len()).filter(|&k| or[k].1 != nr[k].1).collect();
        if changed.is_empty() {
            continue;
        }
        // the page OCR's box of the word: a single-line reading's word boxes run wide
        let Some(b) = page_word.bbox else { continue };
        // Tight above and below: the descenders of the line above, read with the word, turned
        // tt 37's `35/2018` into `33/2018`.
        let margins = ((b.height() / 4).max(dpi / 50), (b.height() / 8).max(2));
        let third: String = read_box(engines, image, dpi, b, margins, Segmentation::Word)?
            .into_iter()
            .map(|t| t.raw)
            .collect();
        let tr = digit_runs(&third);
        let before = w.raw.clone();
        let mut settled = true;
        // from the last run back, so that earlier byte ranges stay valid
        for &k in changed.iter().rev() {
            match tr.get(k) {
                Some((_, t)) if *t == or[k].1 => w.raw.replace_range(nr[k].0.clone(), t),
                Some((_, t)) if *t == nr[k].1 => {}
                _ => settled = false,
            }
        }
        if settled {
            w.text = w.raw.clone();
        } else {
            w.conf = w.conf.min(page_word.conf).min(0.5);
        }
        tracing::debug!(
            "a reread word's number: page {:?}, line {before:?}, word {third:?} -> {:?} at {:.2}",
            page_word.raw,
            w.raw,
            w.conf
        );
    }
    Ok(())
}

/// Letters of the words OCR is sure of: how much readable text a reading holds.
fn sure_letters(lines: &[Line]) -> usize {
    lines
        .iter()
        .flat_map(|l| &l.words)
        .filter(|w| w.conf >= 0.8)
        .map(|w| w.raw.chars().filter(|c| c.is_alphabetic()).count())
        .filter(|&n| n >= 2)
        .sum()
}

/// Where a page's signature block stands: right of the page's middle, from the top of `Nơi nhận`
/// (or the end of the body, `./.`) down to the foot of the page.
pub(crate) fn signature_zone(lines: &[Line], width: u32, height: u32) -> Option<BBox> {
    let noi = lines.iter().find(|l| vanban_doc::zones::is_noi_nhan(l));
    let end = lines.iter().rev().find(|l| l.raw_text().contains("./."));
    let line_h = noi.and_then(|l| l.bbox).map_or(height / 60, |b| b.height());
    // From half a line above `Nơi nhận` (the authority line stands level with it), never above the
    // body's last line.
    let y0 = match (noi.and_then(|l| l.bbox), end.and_then(|l| l.bbox)) {
        (Some(a), Some(b)) => a.y0.saturating_sub(line_h / 2).max(b.y1 + 2),
        (Some(a), None) => a.y0.saturating_sub(line_h / 2),
        (None, Some(b)) => b.y1 + 2,
        (None, None) => return None,
    };
    let x0 = width * 45 / 100;
    (y0 + 4 * line_h < height).then_some(BBox {
        x0,
        y0,
        x1: width,
        y1: height,
    })
}

/// The boxes of the `Nơi nhận` list's lines that run into the signature zone `z` (`TGĐ Cổng
/// TTĐT, các Vụ: TH, NC, QHQT, PL;` to 55 % of the width): lines starting in the page's left
/// third and ending before 60 % of its width. Read with the block, they came out twice.
fn list_boxes(lines: &[Line], width: u32, z: BBox) -> Vec<BBox> {
    lines
        .iter()
        .filter_map(|l| l.bbox)
        .filter(|b| {
            b.y1 > z.y0 && b.x0 < width * 30 / 100 && b.x1 > z.x0 && b.x1 < width * 60 / 100
        })
        .collect()
}

/// Reads a page's signature block again as one block of text. Tesseract's page layout takes a
/// seal over the signer's title and name (black on a bilevel scan) for a picture and drops the
/// lines under it; read as a block of its own, the lines come back (`KT. BỘ TRƯỞNG, CHỦ NHIỆM`,
/// `… Lê Minh Hưng`, with the seal's strokes as junk before them, which extraction leaves out).
/// The new reading replaces the lines in the zone when it holds more sure letters.
pub fn reread_signature_block(
    engines: &Engines,
    image: &GrayImage,
    dpi: u32,
    lines: &mut Vec<Line>,
) -> Result<bool, OcrError> {
    let (w, h) = image.dimensions();
    let Some(z) = signature_zone(lines, w, h) else {
        return Ok(false);
    };
    let mask = list_boxes(lines, w, z);
    reread_zone(engines, image, dpi, lines, z, &mask, "signature block")
}

/// Where a page's `Nơi nhận` list stands: from its heading down to the foot of the page, left of
/// the signature block.
fn recipients_zone(lines: &[Line], width: u32, height: u32) -> Option<BBox> {
    let noi = lines
        .iter()
        .find(|l| vanban_doc::zones::is_noi_nhan(l))?
        .bbox?;
    // up to the signature block's left edge (recipient lines run past the page's middle)
    let mid = width * 45 / 100;
    let x1 = lines
        .iter()
        .filter_map(|l| l.bbox)
        .filter(|b| b.x0 >= mid && b.y1 + noi.height() >= noi.y0)
        .map(|b| b.x0.saturating_sub(noi.height() / 2))
        .min()
        .unwrap_or(width);
    (noi.x0 < mid && noi.y0 + 4 * noi.height() < height).then_some(BBox {
        x0: noi.x0.saturating_sub(noi.height()),
        y0: noi.y0.saturating_sub(noi.height() / 3),
        x1,
        y1: height,
    })
}

/// Reads a page's `Nơi nhận` list again as one block of text: its items are printed small, often
/// in grey, and the page layout reads some of them as junk (`ˆ bouá uyl b` for `- Như trên;`). The
/// new reading replaces the lines in the zone when it holds more sure letters.
pub fn reread_recipients_block(
    engines: &Engines,
    image: &GrayImage,
    dpi: u32,
    lines: &mut Vec<Line>,
) -> Result<bool, OcrError> {
    let (w, h) = image.dimensions();
    let Some(z) = recipients_zone(lines, w, h) else {
        return Ok(false);
    };
    // only when a line there reads weakly: a clean list is left as it is
    let weak = lines.iter().any(|l| {
        l.bbox
            .is_some_and(|b| b.x0 + dpi / 20 >= z.x0 && b.y0 >= z.y0 && b.x1 <= z.x1)
            && mean_conf(&l.words) < WEAK_LINE_CONF
    });
    if !weak {
        return Ok(false);
    }
    reread_zone(engines, image, dpi, lines, z, &[], "recipients")
}

/// Reads zone `z` of the page again as one block and puts the new reading in place of the lines
/// inside it when it holds more sure letters.
fn reread_zone(
    engines: &Engines,
    image: &GrayImage,
    dpi: u32,
    lines: &mut Vec<Line>,
    z: BBox,
    mask: &[BBox],
    what: &str,
) -> Result<bool, OcrError> {
    let mut crop = image::imageops::crop_imm(image, z.x0, z.y0, z.width(), z.height()).to_image();
    // other lines' ink inside the zone made paper
    for m in mask {
        let (x0, y0) = (m.x0.max(z.x0) - z.x0, m.y0.max(z.y0) - z.y0);
        let (x1, y1) = (m.x1.min(z.x1) - z.x0, m.y1.min(z.y1) - z.y0);
        for y in y0..y1.min(crop.height()) {
            for x in x0..x1.min(crop.width()) {
                crop.put_pixel(x, y, image::Luma([255]));
            }
        }
    }
    let how = Recognize {
        segmentation: Segmentation::Block,
        whitelist: None,
    };
    let block = lines.iter().map(|l| l.block).max().map_or(0, |b| b + 1);
    let mut again = engines.recognize_with(&crop, dpi, how)?;
    // The seal's and the signature's strokes read as marks and stray letters: dropped.
    for l in &mut again {
        // a list item's dash (`- Như trên;`) read surely is print
        let dash = |w: &vanban_doc::Word| {
            w.conf >= 0.7 && matches!(w.raw.as_str(), "-" | "–" | "+" | "•" | "*")
        };
        let first = l.words.first().map(dash).unwrap_or(false);
        let mut at = 0usize;
        l.words.retain(|w| {
            let letters = w.raw.chars().filter(|c| c.is_alphanumeric()).count();
            at += 1;
            (at == 1 && first) || (letters > 0 && !(w.conf < 0.5 && letters < 2))
        });
        let lead = l
            .words
            .iter()
            .take_while(|w| w.conf < 0.5 && !w.raw.chars().all(char::is_alphabetic))
            .count();
        l.words.drain(..lead);
    }
    again.retain(|l| {
        l.words
            .iter()
            .any(|w| w.conf >= 0.7 && w.raw.chars().filter(|c| c.is_alphabetic()).count() >= 2)
    });
    for l in &mut again {
        l.block = block;
        l.bbox = l.bbox.map(|b| b.offset(z.x0, z.y0));
        for wd in &mut l.words {
            wd.bbox = wd.bbox.map(|b| b.offset(z.x0, z.y0));
        }
    }
    let inside = |l: &Line| {
        l.bbox.is_some_and(|b| {
            b.x0 + dpi / 20 >= z.x0 && b.y0 + dpi / 50 >= z.y0 && b.x1 <= z.x1 + dpi / 20
        })
    };
    let old: Vec<Line> = lines.iter().filter(|l| inside(l)).cloned().collect();
    let (before, after) = (sure_letters(&old), sure_letters(&again));
    if after <= before {
        return Ok(false);
    }
    tracing::debug!(
        "{what} read again: {before} -> {after} sure letters: {:?}",
        again.iter().map(Line::raw_text).collect::<Vec<_>>()
    );
    // The block reads after the recipients beside it (Decree 30's reading order).
    let at = lines
        .iter()
        .rposition(|l| !inside(l) && l.bbox.is_some_and(|b| b.y0 >= z.y0))
        .map(|i| i + 1)
        .or_else(|| lines.iter().position(&inside))
        .unwrap_or(lines.len());
    let kept_before: Vec<Line> = lines[..at].iter().filter(|l| !inside(l)).cloned().collect();
    let kept_after: Vec<Line> = lines[at..].iter().filter(|l| !inside(l)).cloned().collect();
    *lines = kept_before;
    lines.extend(again);
    lines.extend(kept_after);
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use vanban_doc::Word;

    fn line(t: &str, x0: u32, y0: u32, x1: u32) -> Line {
        let b = BBox {
            x0,
            y0,
            x1,
            y1: y0 + 30,
        };
        Line {
            bbox: Some(b),
            block: 0,
            words: vec![Word::new(t, Some(b), 0.95)],
        }
    }

    #[test]
    fn digit_runs_count_a_one_read_as_a_letter_beside_a_digit() {
        let runs = |t: &str| -> Vec<String> { digit_runs(t).into_iter().map(|r| r.1).collect() };
        assert_eq!(runs("35⁄2018/QHI4,"), ["35", "2018", "14"]);
        assert_eq!(runs("33/2018/QH14,"), ["33", "2018", "14"]);
        assert_eq!(runs("QHI"), Vec::<String>::new());
        assert_eq!(runs("l2/TTr"), ["12"]);
        let r = digit_runs("35⁄2018");
        assert_eq!(&"35⁄2018"[r[1].0.clone()], "2018");
    }

    #[test]
    fn recipient_lines_running_into_the_signature_zone_are_masked() {
        // An A4 page 1667 px wide: `Nơi nhận` and a recipient line running to 55 % of the width.
        let lines = vec![
            line("Điều 3. Các Bộ trưởng", 300, 170, 1500),
            line("Nơi nhận:", 300, 350, 450),
            line("- Như Điều 3;", 300, 390, 470),
            line("TGĐ Cổng TTĐT, các Vụ: TH, NC, QHQT, PL;", 320, 700, 920),
            line("KT. THỦ TƯỚNG", 1100, 340, 1430),
        ];
        let z = signature_zone(&lines, 1667, 2358).unwrap();
        assert_eq!((z.x0, z.y0), (750, 335));
        let m = list_boxes(&lines, 1667, z);
        assert_eq!(m.len(), 1);
        assert_eq!((m[0].x0, m[0].x1), (320, 920));
    }
}
