//! The Decree 30 header of a page read column by column (issue 11 item 1): the page image's side.
//!
//! Tesseract's page layout reads a real header worst of the whole page: it glues the left column's
//! `Số: 3722/VPCP-CN` to the right column's date on the same row, and an italic date line beside a
//! wide gutter comes out as junk. After the page OCR (and the single-line re-reads of weak lines,
//! crate::reread), [`read_header`] finds the header (the two columns above the title or the first
//! body line, from the lines' boxes: [`vanban_doc::zones::Header::locate`]), moves the split
//! between the columns to the whitest column of ink in the gutter ([`gutter`]), and cuts every
//! header line that crosses it in two, one piece a column. Where a line was cut, each column is
//! OCRed again as a crop of its own (one block of text). Otherwise the weakest row holding digits
//! (the `Số:` row first, then the date: [`reads_surely`] says what is weak) is read again as one
//! block on its band of the column: whole columns on every page measured 10 % of the real set's
//! time, rows 1 %, for the same text. For every row the better reading, the page's or the crop's,
//! is kept by [`better`] ([`score`]: sure letters of plausible words, minus the doubt of
//! implausible ones; never a reading with fewer digits). Then, on a page that was deskewed, that
//! row, if still weak, is read once more in single-line mode on the page image as it was before
//! deskewing ([`vanban_pages::Unprocessed`], its box mapped back through the rotation), and kept
//! by the same rule. A header that reads surely costs only the check.

use image::GrayImage;
use vanban_doc::zones::Header;
use vanban_doc::{BBox, Line, Word};
use vanban_ocr::{OcrError, Recognize, Segmentation};
use vanban_pages::Unprocessed;
use vanban_restore::Restorer;

use crate::engines::Engines;
use crate::reread::mean_conf;

/// A word under this confidence makes a header line weak.
pub const WEAK_WORD_CONF: f32 = 0.6;
/// A header line whose mean word confidence is under this is weak.
pub const SURE_MEAN_CONF: f32 = 0.75;
/// A second reading replaces the first only when its [`score`] is higher by this much (one sure
/// letter): an equal reading keeps the page's.
const BETTER_BY: f32 = 1.0;
/// At most this many header lines are read again on the unprocessed image.
const MAX_UNPROCESSED_REREADS: usize = 1;
/// At most this many weak header rows are read again on their band of the column.
const MAX_BANDS: usize = 1;

/// What [`read_header`] did on a page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HeaderReport {
    /// Header lines that crossed the gutter and were cut in two.
    pub cut: usize,
    /// Columns OCRed as crops of their own (where a row was cut).
    pub columns_read: usize,
    /// Weak rows read again on their band of the column.
    pub bands_read: usize,
    /// Rows of a column whose crop reading replaced the page's.
    pub from_columns: usize,
    /// Lines whose reading on the unprocessed image replaced the prepared one's.
    pub from_unprocessed: usize,
}

/// True when a word's letters and digits are plausible print: each run of letters a syllable the
/// restorer's lexicon knows (with or without its marks) or a unit code (`VPCP`, `QĐ`, `TTg`), each
/// run of digits a number; a word without letters or digits plausible only as short punctuation.
/// Without a restorer every word is plausible.
pub fn plausible(word: &str, restorer: Option<&Restorer>) -> bool {
    let Some(r) = restorer else {
        return true;
    };
    if !word.chars().any(char::is_alphanumeric) {
        // a rule printed under the issuer or the motto (`——`), or short punctuation
        return word.chars().all(|c| "-–—_".contains(c))
            || word.chars().count() <= 3 && word.chars().all(|c| ",.:;-–()/\"'".contains(c));
    }
    // Punctuation only where print has it: opening and closing marks at the ends; `/` and `-`
    // inside a number or a code; `.` and `,` only between digits (`25.4.2026`). `ngày,24_`,
    // `8#tháng` and `ngày.2` are not print.
    let core = word
        .trim_start_matches(|c: char| "(\"'“".contains(c))
        .trim_end_matches(|c: char| ",.;:)!?\"'”".contains(c));
    let chars: Vec<char> = core.chars().collect();
    let inner_ok = chars.iter().enumerate().all(|(i, &c)| {
        let digit_at = |j: Option<usize>| {
            j.and_then(|j| chars.get(j))
                .is_some_and(char::is_ascii_digit)
        };
        c.is_alphanumeric()
            || c == '/'
            || c == '-'
            || ((c == '.' || c == ',') && digit_at(i.checked_sub(1)) && digit_at(Some(i + 1)))
    });
    if !inner_ok {
        return false;
    }
    let pieces: Vec<&str> = core
        .split(|c: char| !c.is_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect();
    pieces.iter().all(|p| {
        let digits = p.chars().filter(char::is_ascii_digit).count();
        let n = p.chars().count();
        if digits == n {
            return true;
        }
        if digits > 0 {
            return false; // `20ác`, `hgdy06`
        }
        let code = (2..=6).contains(&n)
            && p.chars()
                .take(2)
                .all(|c| c.is_ascii_uppercase() || c == 'Đ')
            && p.chars().all(|c| c.is_ascii_alphabetic() || c == 'Đ');
        // a foreign name (`Metro`): a capital, then small unmarked letters
        let name = n >= 3
            && p.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && p.chars().skip(1).all(|c| c.is_ascii_lowercase());
        // a letter alone (`V/v`, an initial)
        let letter = n == 1;
        code || name || letter || r.lm_cost(&[p]).is_some()
    })
}

/// Letters and digits of a word (at least 1: a mark counts as one).
fn size(w: &Word) -> f32 {
    w.raw.chars().filter(|c| c.is_alphanumeric()).count().max(1) as f32
}

/// How good a reading of a row is: each plausible word adds its letters times its confidence,
/// each implausible one takes away its letters times its doubt (1 - confidence). More plausible
/// text read surely scores higher; junk (`£`, `hgdy,06`, `20ác`) scores below nothing.
pub fn score(words: &[Word], restorer: Option<&Restorer>) -> f32 {
    words
        .iter()
        .map(|w| {
            let c = w.conf.clamp(0.0, 1.0);
            if plausible(&w.raw, restorer) {
                size(w) * c
            } else {
                -size(w) * (1.0 - c).max(0.25)
            }
        })
        .sum()
}

/// Digits in some words.
fn digits(words: &[Word]) -> usize {
    words
        .iter()
        .map(|w| w.raw.chars().filter(char::is_ascii_digit).count())
        .sum()
}

/// The rule for keeping a second reading (`new`, scoring `sn`) over the first (`old`, `so`): it
/// scores higher by [`BETTER_BY`] and keeps as many digits. The header's digits are its number
/// and date, often handwritten and read with low confidence: a reading that drops them (`ngày 24`
/// read again as `ngày 2`) loses the field however plausible its other words are.
pub fn better(old: &[Word], so: f32, new: &[Word], sn: f32) -> bool {
    sn > so + BETTER_BY && digits(new) >= digits(old)
}

/// True for a header line worth a second reading: it reads weakly and is print-sized text (a
/// line lower than 1.3 mm is a speck, a line without a word of two letters or digits a rule or a
/// mark).
fn worth_reading(l: &Line, dpi: u32, r: Option<&Restorer>) -> bool {
    l.bbox.is_some_and(|b| b.height() >= dpi / 20)
        && l.words
            .iter()
            .any(|w| w.raw.chars().filter(|c| c.is_alphanumeric()).count() >= 2)
        && !reads_surely(l, r)
}

/// The header rows worth a second reading, at most `max`, as (index, in the left column): weak
/// rows holding digits (the number and the date, the fields read from the header), the `Số:` row
/// first, then the weakest by mean confidence. A weak row without digits (a stamp, a seal's
/// letters) has had its single-line reading already (crate::reread).
fn weak_rows(
    left: &[Line],
    right: &[Line],
    dpi: u32,
    r: Option<&Restorer>,
    max: usize,
) -> Vec<(usize, bool)> {
    let mut rows: Vec<(bool, f32, usize, bool)> = left
        .iter()
        .enumerate()
        .map(|(i, l)| (i, l, true))
        .chain(right.iter().enumerate().map(|(i, l)| (i, l, false)))
        .filter(|(_, l, _)| digits(&l.words) > 0 && worth_reading(l, dpi, r))
        .map(|(i, l, is_left)| {
            let number = vanban_doc::zones::letters(l).starts_with("so ");
            (!number, mean_conf(&l.words), i, is_left)
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    rows.into_iter()
        .take(max)
        .map(|(_, _, i, is_left)| (i, is_left))
        .collect()
}

/// True when every word of a line is sure and plausible and its mean confidence is high.
pub fn reads_surely(l: &Line, restorer: Option<&Restorer>) -> bool {
    !l.words.is_empty()
        && mean_conf(&l.words) >= SURE_MEAN_CONF
        && l.words
            .iter()
            .all(|w| w.conf >= WEAK_WORD_CONF && plausible(&w.raw, restorer))
}

fn union(words: &[Word]) -> Option<BBox> {
    words.iter().filter_map(|w| w.bbox).reduce(BBox::union)
}

/// The x between the header's columns: the column of least ink within the band's rows, searched
/// from a twentieth of the page left of `split` to a hundredth right of it (the nearest to `split`
/// among equals). The national title's left edge ([`Header::split_x`]) can sit in a left-column
/// line's way; the ink says where the gutter is.
pub fn gutter(image: &GrayImage, split: u32, y0: u32, y1: u32) -> u32 {
    let (w, h) = image.dimensions();
    let lo = split.saturating_sub(w / 20);
    let hi = (split + w / 100).min(w);
    let (y0, y1) = (y0.min(h), y1.min(h));
    if hi <= lo || y1 <= y0 {
        return split;
    }
    let mut ink = vec![0u32; (hi - lo) as usize];
    let raw = image.as_raw();
    for y in (y0..y1).step_by(2) {
        let row = &raw[(y * w) as usize..((y + 1) * w) as usize];
        for (n, &p) in ink.iter_mut().zip(&row[lo as usize..hi as usize]) {
            *n += u32::from(p < 128);
        }
    }
    (lo..hi)
        .zip(&ink)
        .min_by_key(|&(x, &n)| (n, x.abs_diff(split)))
        .map_or(split, |(x, _)| x)
}

/// Cuts a line at `split`: the words whose centre lies left of it, and the others.
fn cut(line: &Line, split: u32) -> (Option<Line>, Option<Line>) {
    let (l, r): (Vec<Word>, Vec<Word>) = line
        .words
        .iter()
        .cloned()
        .partition(|w| w.bbox.map_or(true, |b| (b.x0 + b.x1) / 2 < split));
    let piece = |words: Vec<Word>| {
        (!words.is_empty()).then(|| Line {
            bbox: union(&words).or(line.bbox),
            block: line.block,
            words,
        })
    };
    (piece(l), piece(r))
}

/// True when two boxes share at least half the height of the lower one, and some width.
fn same_row(a: BBox, b: BBox) -> bool {
    let overlap = a.y1.min(b.y1).saturating_sub(a.y0.max(b.y0));
    2 * overlap >= a.height().min(b.height()) && a.x0 < b.x1 && b.x0 < a.x1
}

/// True for the header's `Số:` row.
fn is_number_row(l: &Line) -> bool {
    vanban_doc::zones::letters(l).starts_with("so ")
}

/// Where a document symbol stands in `words`: the first word holding a `/`, through the word
/// that completes `/[YYYY/]CODE-CODE[-CODE]` (`/QĐ-TTg`, `3722/VPCP-CN`, `/ 2023/TT-BCA`), as
/// (first, last) indexes.
fn symbol_span(words: &[Word]) -> Option<(usize, usize)> {
    let well_formed = |s: &str| {
        let Some((_, after)) = s.split_once('/') else {
            return false;
        };
        let after = after.trim_end_matches(['.', ',', ';']);
        // a legal document's year before its code (`2023/TT-BCA`)
        let after = match after.split_once('/') {
            Some((y, rest)) if y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()) => rest,
            _ => after,
        };
        let mut pieces = after.split('-');
        let first = pieces.next().unwrap_or("");
        let rest: Vec<&str> = pieces.collect();
        first.chars().next().is_some_and(char::is_uppercase)
            && !rest.is_empty()
            && std::iter::once(first)
                .chain(rest.iter().copied())
                .all(|p| !p.is_empty() && p.chars().all(char::is_alphanumeric))
    };
    let i = words.iter().position(|w| w.raw.contains('/'))?;
    let mut joined = String::new();
    let mut best = None;
    for (j, w) in words.iter().enumerate().skip(i).take(3) {
        // a word joins the symbol only across a `/` or `-` (`12 / QĐ-UBND`, `/QĐ- TTg`)
        if j > i && !joined.ends_with(['/', '-']) && !w.raw.starts_with(['/', '-']) {
            break;
        }
        joined.push_str(&w.raw);
        if well_formed(&joined) {
            best = Some((i, j));
        }
    }
    best
}

/// A `Số:` row's words (`old`) with the crop row's symbol (`new`) in place of the words under
/// it, when `old` has no well-formed symbol and `new` has one: `Số: †0X SP TTg` and the crop's
/// `Số: ‡o% /QĐ-TTg` give `Số: †0X /QĐ-TTg`. None when there is nothing to take.
fn spliced_symbol(old: &[Word], new: &[Word]) -> Option<Vec<Word>> {
    if symbol_span(old).is_some() {
        return None;
    }
    let (a, b) = symbol_span(new)?;
    let sym = &new[a..=b];
    let span = union(sym)?;
    let under = |w: &Word| {
        w.bbox.is_some_and(|wb| {
            let c = (wb.x0 + wb.x1) / 2;
            c >= span.x0 && c <= span.x1
        })
    };
    if !old.iter().any(under) {
        return None;
    }
    let mut out: Vec<Word> = old.iter().filter(|w| !under(w)).cloned().collect();
    let at = out
        .iter()
        .position(|w| w.bbox.is_some_and(|wb| wb.x0 > span.x0))
        .unwrap_or(out.len());
    out.splice(at..at, sym.iter().cloned());
    Some(out)
}

/// One column's rows, the page's reading against the crop's: the rows are grouped where their
/// boxes share a row, and each group keeps the reading with the higher [`score`]. Crop words
/// outside the page's reading of the group (a stamp beside the line) are left out, and a crop
/// row with no page row is not added (a stamp's or a margin note's text). Returns the rows and
/// how many groups took the crop's reading.
pub fn better_rows(
    page: Vec<Line>,
    crop: Vec<Line>,
    restorer: Option<&Restorer>,
) -> (Vec<Line>, usize) {
    // group ids: page rows 0..p, crop rows p..p+c, joined by union-find
    let (np, nc) = (page.len(), crop.len());
    let mut parent: Vec<usize> = (0..np + nc).collect();
    fn find(parent: &mut [usize], i: usize) -> usize {
        let mut i = i;
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (i, p) in page.iter().enumerate() {
        for (j, c) in crop.iter().enumerate() {
            if let (Some(a), Some(b)) = (p.bbox, c.bbox) {
                if same_row(a, b) {
                    let (x, y) = (find(&mut parent, i), find(&mut parent, np + j));
                    parent[x] = y;
                }
            }
        }
    }
    let groups: Vec<usize> = (0..np + nc).map(|i| find(&mut parent, i)).collect();
    let mut replaced = std::collections::HashSet::new();
    let mut spliced: Vec<(usize, Vec<Word>)> = Vec::new();
    let mut taken: Vec<Option<Line>> = vec![None; np];
    let mut crop_rows: Vec<(usize, Line)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for g in groups.iter().copied() {
        if !seen.insert(g) {
            continue;
        }
        let pages: Vec<usize> = (0..np).filter(|&i| groups[i] == g).collect();
        let crops: Vec<usize> = (0..nc).filter(|&j| groups[np + j] == g).collect();
        if pages.is_empty() || crops.is_empty() {
            continue;
        }
        let Some(span) = pages
            .iter()
            .filter_map(|&i| page[i].bbox)
            .reduce(BBox::union)
        else {
            continue;
        };
        let slack = span.height();
        let kept: Vec<Line> = crops
            .iter()
            .filter_map(|&j| {
                let words: Vec<Word> = crop[j]
                    .words
                    .iter()
                    .filter(|w| {
                        w.bbox.is_some_and(|b| {
                            let c = (b.x0 + b.x1) / 2;
                            c + slack >= span.x0 && c <= span.x1 + slack
                        })
                    })
                    .cloned()
                    .collect();
                (!words.is_empty()).then(|| Line {
                    bbox: union(&words),
                    block: crop[j].block,
                    words,
                })
            })
            .collect();
        let old: Vec<Word> = pages.iter().flat_map(|&i| page[i].words.clone()).collect();
        let new: Vec<Word> = kept.iter().flat_map(|l| l.words.clone()).collect();
        let (so, sn) = (score(&old, restorer), score(&new, restorer));
        if better(&old, so, &new, sn) {
            tracing::debug!(
                "header row read on its column ({so:.1} -> {sn:.1}): {:?} -> {:?}",
                pages
                    .iter()
                    .map(|&i| page[i].raw_text())
                    .collect::<Vec<_>>(),
                kept.iter().map(Line::raw_text).collect::<Vec<_>>()
            );
            replaced.insert(g);
            crop_rows.extend(kept.into_iter().map(|l| (pages[0], l)));
        } else if let Some(i) = pages.iter().copied().find(|&i| is_number_row(&page[i])) {
            // A `Số:` row without a symbol takes the crop's symbol alone, keeping its other words
            // (a handwritten number's digits the crop lost).
            if let Some(words) = spliced_symbol(&page[i].words, &new) {
                tracing::debug!(
                    "header number row took the crop's symbol: {:?} -> {:?}",
                    page[i].raw_text(),
                    words
                        .iter()
                        .map(|w| w.raw.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                );
                spliced.push((i, words));
            }
        }
    }
    let n = replaced.len() + spliced.len();
    let mut page = page;
    for (i, words) in spliced {
        page[i].bbox = union(&words);
        page[i].words = words;
    }
    for (i, l) in page.into_iter().enumerate() {
        if !replaced.contains(&groups[i]) {
            taken[i] = Some(l);
        }
    }
    // page rows in their order, each replaced group's crop rows where its first page row stood
    let mut out: Vec<(usize, u32, Line)> = taken
        .into_iter()
        .enumerate()
        .filter_map(|(i, l)| l.map(|l| (i, 0, l)))
        .collect();
    out.extend(
        crop_rows
            .into_iter()
            .map(|(i, l)| (i, l.bbox.map_or(0, |b| b.y0), l)),
    );
    out.sort_by_key(|(i, y, _)| (*i, *y));
    (out.into_iter().map(|(_, _, l)| l).collect(), n)
}

/// OCRs `image`'s area `z` as one block of text; boxes in page pixels.
fn read_block(
    engines: &Engines,
    image: &GrayImage,
    dpi: u32,
    z: BBox,
) -> Result<Vec<Line>, OcrError> {
    if z.width() < 8 || z.height() < 8 {
        return Ok(Vec::new());
    }
    let crop = image::imageops::crop_imm(image, z.x0, z.y0, z.width(), z.height()).to_image();
    let how = Recognize {
        segmentation: Segmentation::Block,
        whitelist: None,
    };
    let mut lines = engines.recognize_with(&crop, dpi, how)?;
    lines.retain(|l| {
        l.words
            .iter()
            .any(|w| w.raw.chars().any(char::is_alphanumeric))
    });
    for l in &mut lines {
        l.bbox = l.bbox.map(|b| b.offset(z.x0, z.y0));
        for w in &mut l.words {
            w.bbox = w.bbox.map(|b| b.offset(z.x0, z.y0));
        }
    }
    Ok(lines)
}

/// Reads line `l` again in single-line mode on the unprocessed image (its box mapped back through
/// the deskew rotation); the words come back with boxes on the prepared page.
fn read_unprocessed(
    engines: &Engines,
    kept: &Unprocessed,
    dpi: u32,
    b: BBox,
) -> Result<Vec<Word>, OcrError> {
    let (w, h) = kept.image.dimensions();
    let corners = [(b.x0, b.y0), (b.x1, b.y0), (b.x0, b.y1), (b.x1, b.y1)]
        .map(|(x, y)| kept.from_prepared(x as f32, y as f32));
    let fx0 = corners.iter().map(|c| c.0).fold(f32::MAX, f32::min);
    let fx1 = corners.iter().map(|c| c.0).fold(f32::MIN, f32::max);
    let fy0 = corners.iter().map(|c| c.1).fold(f32::MAX, f32::min);
    let fy1 = corners.iter().map(|c| c.1).fold(f32::MIN, f32::max);
    let margin = (b.height() / 3).max(dpi / 50) as f32;
    let clampx = |v: f32| v.clamp(0.0, w as f32) as u32;
    let clampy = |v: f32| v.clamp(0.0, h as f32) as u32;
    let (x0, x1) = (clampx(fx0 - margin), clampx(fx1 + margin));
    let (y0, y1) = (clampy(fy0 - margin), clampy(fy1 + margin));
    if x1 <= x0 + 4 || y1 <= y0 + 4 {
        return Ok(Vec::new());
    }
    let crop = image::imageops::crop_imm(&kept.image, x0, y0, x1 - x0, y1 - y0).to_image();
    let how = Recognize {
        segmentation: Segmentation::Line,
        whitelist: None,
    };
    let again = engines.recognize_with(&crop, dpi, how)?;
    let mut words: Vec<Word> = again.into_iter().flat_map(|l| l.words).collect();
    for wd in &mut words {
        wd.bbox = wd.bbox.map(|c| {
            let c = c.offset(x0, y0);
            let pts = [(c.x0, c.y0), (c.x1, c.y0), (c.x0, c.y1), (c.x1, c.y1)]
                .map(|(x, y)| kept.to_prepared(x as f32, y as f32));
            let min = |f: fn(&(f32, f32)) -> f32| pts.iter().map(f).fold(f32::MAX, f32::min);
            let max = |f: fn(&(f32, f32)) -> f32| pts.iter().map(f).fold(f32::MIN, f32::max);
            BBox {
                x0: min(|p| p.0).max(0.0) as u32,
                y0: min(|p| p.1).max(0.0) as u32,
                x1: max(|p| p.0).max(0.0) as u32,
                y1: max(|p| p.1).max(0.0) as u32,
            }
        });
    }
    Ok(words)
}

/// Reads the header of a page (see the module doc): `image` is the prepared page the page OCR
/// read, `unprocessed` the page before deskewing (when it was rotated), `lines` the page's lines,
/// changed in place.
pub fn read_header(
    engines: &Engines,
    image: &GrayImage,
    dpi: u32,
    unprocessed: Option<&Unprocessed>,
    lines: &mut Vec<Line>,
) -> Result<HeaderReport, OcrError> {
    let mut report = HeaderReport::default();
    let (w, h) = image.dimensions();
    let Some(hd) = Header::locate(lines, w, h) else {
        return Ok(report);
    };
    let r = engines.restorer.as_ref();
    let in_header = |l: &Line| l.bbox.is_some_and(|b| hd.holds(b)) && !l.words.is_empty();
    let Some(first) = lines.iter().position(in_header) else {
        return Ok(report);
    };
    let Some(top) = lines
        .iter()
        .filter(|l| in_header(l))
        .filter_map(|l| l.bbox)
        .map(|b| b.y0)
        .min()
    else {
        return Ok(report);
    };
    let split = gutter(image, hd.split_x, top, hd.end_y);
    // Each header line in its column: a line across the gutter is cut in two.
    let (mut left, mut right) = (Vec::new(), Vec::new());
    for l in lines.iter().filter(|l| in_header(l)) {
        let (a, b) = cut(l, split);
        if a.is_some() && b.is_some() {
            report.cut += 1;
        }
        left.extend(a);
        right.extend(b);
    }
    let span = |ls: &[Line]| ls.iter().filter_map(|l| l.bbox).reduce(BBox::union);
    let margin = dpi / 30;
    let (lspan, rspan) = (span(&left), span(&right));
    // Where the page layout glued the columns together, each column is read as a crop of its own.
    // Otherwise only the weakest row holding digits is, on its band of the column (whole columns
    // on every page cost 8 % of the real set's time; see the README).
    let (mut lcrop, mut rcrop) = (Vec::new(), Vec::new());
    if report.cut > 0 {
        let y0 = top.saturating_sub(margin);
        if let Some(s) = lspan {
            let z = BBox {
                x0: s.x0.saturating_sub(margin),
                y0,
                x1: split,
                y1: hd.end_y,
            };
            lcrop = read_block(engines, image, dpi, z)?;
            report.columns_read += 1;
        }
        if let Some(s) = rspan {
            let z = BBox {
                x0: split,
                y0,
                x1: (s.x1 + margin).min(w),
                y1: hd.end_y,
            };
            rcrop = read_block(engines, image, dpi, z)?;
            report.columns_read += 1;
        }
    } else {
        for (i, is_left) in weak_rows(&left, &right, dpi, r, MAX_BANDS) {
            let (row, col) = if is_left {
                (&left[i], lspan)
            } else {
                (&right[i], rspan)
            };
            let (Some(b), Some(c)) = (row.bbox, col) else {
                continue;
            };
            // The row's band across its column, half a line above and below.
            let (x0, x1) = if is_left {
                (c.x0.saturating_sub(margin), split)
            } else {
                (split, (c.x1 + margin).min(w))
            };
            let z = BBox {
                x0,
                y0: b.y0.saturating_sub(b.height() / 2),
                x1,
                y1: (b.y1 + b.height() / 2).min(hd.end_y.max(b.y1)),
            };
            let mut read = read_block(engines, image, dpi, z)?;
            read.retain(|l| l.bbox.is_some_and(|lb| same_row(lb, b)));
            report.bands_read += 1;
            if is_left {
                lcrop.extend(read)
            } else {
                rcrop.extend(read)
            }
        }
    }
    if !lcrop.is_empty() {
        let (rows, n) = better_rows(std::mem::take(&mut left), lcrop, r);
        left = rows;
        report.from_columns += n;
    }
    if !rcrop.is_empty() {
        let (rows, n) = better_rows(std::mem::take(&mut right), rcrop, r);
        right = rows;
        report.from_columns += n;
    }
    // The row still weakest, read again on the page before deskewing.
    if let Some(kept) = unprocessed.filter(|k| k.angle != 0.0) {
        for (i, is_left) in weak_rows(&left, &right, dpi, r, MAX_UNPROCESSED_REREADS) {
            let col = if is_left { &mut left } else { &mut right };
            let Some(b) = col[i].bbox else { continue };
            let words = read_unprocessed(engines, kept, dpi, b)?;
            let (so, sn) = (score(&col[i].words, r), score(&words, r));
            if !words.is_empty() && better(&col[i].words, so, &words, sn) {
                tracing::debug!(
                    "header line read on the unprocessed page ({so:.1} -> {sn:.1}): {:?} -> {:?}",
                    col[i].raw_text(),
                    words
                        .iter()
                        .map(|w| w.raw.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                );
                col[i].words = words;
                report.from_unprocessed += 1;
            }
        }
    }
    if report.cut == 0 && report.from_columns == 0 && report.from_unprocessed == 0 {
        return Ok(report);
    }
    // The header's lines in place of the old ones: the left column, then the right, each a block.
    let block = lines.iter().map(|l| l.block).max().map_or(0, |b| b + 1);
    for l in &mut left {
        l.block = block;
    }
    for l in &mut right {
        l.block = block + 1;
    }
    let old: Vec<Line> = std::mem::take(lines);
    for (i, l) in old.into_iter().enumerate() {
        if i == first {
            lines.append(&mut left);
            lines.append(&mut right);
        }
        if !in_header(&l) {
            lines.push(l);
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(t: &str, x0: u32, y0: u32, conf: f32) -> Word {
        let w = 20 * t.chars().count() as u32;
        Word::new(
            t,
            Some(BBox {
                x0,
                y0,
                x1: x0 + w,
                y1: y0 + 30,
            }),
            conf,
        )
    }

    fn line(words: Vec<Word>) -> Line {
        Line {
            bbox: union(&words),
            block: 0,
            words,
        }
    }

    #[test]
    fn the_gutter_is_the_whitest_column_near_the_split() {
        // Two columns of ink with a gutter from x 400 to 470; the title's edge says 500.
        let mut img = GrayImage::from_pixel(1000, 300, image::Luma([255]));
        for y in 50..250 {
            for x in (100..400).chain(470..900) {
                if (x + y) % 3 != 0 {
                    img.put_pixel(x, y, image::Luma([0]));
                }
            }
        }
        let x = gutter(&img, 480, 40, 260);
        assert!((400..470).contains(&x), "gutter at {x}");
        // A blank image keeps the split.
        let blank = GrayImage::from_pixel(1000, 300, image::Luma([255]));
        assert_eq!(gutter(&blank, 480, 40, 260), 480);
    }

    #[test]
    fn a_merged_row_is_cut_into_its_columns() {
        let l = line(vec![
            word("Số:", 100, 100, 0.9),
            word("3722/VPCP-CN", 170, 100, 0.9),
            word("Hà", 700, 100, 0.9),
            word("Nội,", 760, 100, 0.9),
        ]);
        let (a, b) = cut(&l, 600);
        assert_eq!(a.unwrap().raw_text(), "Số: 3722/VPCP-CN");
        let b = b.unwrap();
        assert_eq!(b.raw_text(), "Hà Nội,");
        assert_eq!(b.bbox.unwrap().x0, 700);
    }

    #[test]
    fn without_a_lexicon_the_score_is_confidence_weighted_letters() {
        let sure = vec![word("Hà", 0, 0, 0.9), word("Nội", 0, 0, 0.9)];
        let doubtful = vec![word("Hà", 0, 0, 0.4), word("Nội", 0, 0, 0.5)];
        assert!(score(&sure, None) > score(&doubtful, None) + BETTER_BY);
        assert!(plausible("hgdy", None));
    }

    #[test]
    fn the_better_reading_of_each_row_is_kept_and_stamps_are_not_added() {
        // Column rows: a junk reading of the date row, a good reading of the motto row.
        let page = vec![
            line(vec![word("Độc", 700, 50, 0.95), word("lập", 790, 50, 0.95)]),
            line(vec![
                word("Hội", 700, 100, 0.4),
                word("£", 790, 100, 0.3),
                word("Hồng;", 830, 100, 0.35),
            ]),
        ];
        let crop = vec![
            // the motto row read worse: the page's reading stays
            line(vec![word("Độc", 700, 52, 0.6), word("lập", 790, 52, 0.6)]),
            // the date row read surely: it replaces the page's
            line(vec![
                word("Hà", 700, 102, 0.92),
                word("Nội,", 760, 102, 0.93),
                word("ngày", 850, 102, 0.9),
            ]),
            // a stamp's line nowhere in the page's reading: not added
            line(vec![word("ĐẾN", 700, 300, 0.95)]),
        ];
        let (rows, n) = better_rows(page, crop, None);
        assert_eq!(n, 1);
        let texts: Vec<String> = rows.iter().map(Line::raw_text).collect();
        assert_eq!(texts, ["Độc lập", "Hà Nội, ngày"]);
        assert!((rows[0].words[0].conf - 0.95).abs() < 1e-6);
    }

    /// The project's dictionary (`scripts/setup.sh` builds it).
    fn restorer() -> Restorer {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(crate::engines::DICT_REL);
        Restorer::load(&path).expect("dictionaries/vanban.dict (run scripts/setup.sh)")
    }

    #[test]
    fn plausible_words_are_syllables_numbers_and_codes() {
        let r = restorer();
        let r = Some(&r);
        for w in [
            "Hà",
            "Nội,",
            "ngày",
            "Ha",
            "NỘI",
            "3722/VPCP-CN",
            "Số:",
            "QĐ-TTg",
            "25.4.2026",
            "-",
            "(2026)",
            "V/v",
            "Metro",
            "——",
        ] {
            assert!(plausible(w, r), "{w} should be plausible");
        }
        for w in [
            "hgdy,06",
            "20ác",
            "£",
            "ngày,24_",
            "8#tháng",
            "ngày.2",
            "†0X",
            "RẠMX",
        ] {
            assert!(!plausible(w, r), "{w} should not be plausible");
        }
        // The junk reading of the italic date line scores below its clean reading.
        let junk = ["Hội", "£", "Hồng;", "hgdy,06", "tháng", "7", "RẠM", "20ác"];
        let clean = ["Hà", "Nội,", "ngày", "06", "tháng", "7", "năm", "2026"];
        let words = |ts: &[&str], c| ts.iter().map(|t| word(t, 0, 0, c)).collect::<Vec<_>>();
        let (j, c) = (words(&junk, 0.6), words(&clean, 0.6));
        assert!(score(&c, r) > score(&j, r) + BETTER_BY);
        assert!(!reads_surely(&line(words(&junk, 0.95)), r));
        assert!(reads_surely(&line(words(&clean, 0.95)), r));
    }

    #[test]
    fn a_reading_that_drops_digits_is_not_kept() {
        let old = vec![word("ngày,24_", 0, 0, 0.3), word("tháng", 0, 0, 0.9)];
        let new = vec![
            word("ngày", 0, 0, 0.9),
            word("2", 0, 0, 0.9),
            word("tháng", 0, 0, 0.9),
        ];
        let (so, sn) = (score(&old, None), score(&new, None));
        assert!(sn > so + BETTER_BY);
        assert!(!better(&old, so, &new, sn));
        let new = vec![
            word("ngày", 0, 0, 0.9),
            word("24", 0, 0, 0.9),
            word("tháng", 0, 0, 0.9),
        ];
        assert!(better(&old, so, &new, score(&new, None)));
    }

    #[test]
    fn an_equal_reading_keeps_the_page() {
        let page = vec![line(vec![word("Số:", 100, 100, 0.8)])];
        let crop = vec![line(vec![word("Sô:", 100, 100, 0.82)])];
        let (rows, n) = better_rows(page, crop, None);
        assert_eq!(n, 0);
        assert_eq!(rows[0].raw_text(), "Số:");
    }

    #[test]
    fn a_number_row_takes_the_crops_symbol_and_keeps_its_digits() {
        // qd 707: the handwritten `707` spoils the page's `/QĐ-`; the crop reads the symbol but
        // loses the digits' junk, so the whole row is not better, only its symbol.
        let page = vec![line(vec![
            word("Số:", 100, 100, 0.97),
            word("†0X", 160, 100, 0.5),
            word("SP", 240, 100, 0.45),
            word("TTg", 290, 100, 0.92),
        ])];
        let crop = vec![line(vec![
            word("Số:", 100, 100, 0.93),
            word("‡o%", 160, 100, 0.03),
            word("/QĐ-TTg", 235, 100, 0.62),
        ])];
        let (rows, n) = better_rows(page, crop, None);
        assert_eq!(n, 1);
        assert_eq!(rows[0].raw_text(), "Số: †0X /QĐ-TTg");
        // A page row that has its symbol keeps it.
        let page = vec![line(vec![
            word("Số:", 100, 100, 0.97),
            word("3722/VPCP-CN", 160, 100, 0.7),
        ])];
        let crop = vec![line(vec![
            word("Số:", 100, 100, 0.97),
            word("3722/VPCP-CH", 160, 100, 0.71),
        ])];
        let (rows, _) = better_rows(page, crop, None);
        assert_eq!(rows[0].raw_text(), "Số: 3722/VPCP-CN");
    }

    #[test]
    fn a_symbol_is_a_slash_then_codes_joined_by_hyphens() {
        let ws = |t: &[&str]| -> Vec<Word> { t.iter().map(|t| word(t, 0, 0, 0.9)).collect() };
        assert_eq!(symbol_span(&ws(&["Số:", "/QĐ-TTg"])), Some((1, 1)));
        assert_eq!(
            symbol_span(&ws(&["Số:", "12", "/", "QĐ-UBND"])),
            Some((2, 3))
        );
        assert_eq!(symbol_span(&ws(&["Số:", "01/2023/TT-BCA"])), Some((1, 1)));
        assert_eq!(symbol_span(&ws(&["Số:", "†0X", "SP", "TTg"])), None);
        assert_eq!(symbol_span(&ws(&["V/v", "báo", "cáo"])), None);
        assert_eq!(symbol_span(&ws(&["Số:", "/QĐ"])), None);
        assert_eq!(
            symbol_span(&ws(&["Số:", "/QĐ-TTg", "gớh", "TY"])),
            Some((1, 1))
        );
    }

    #[test]
    fn crop_words_beside_the_row_are_left_out() {
        // The crop's row also holds a stamp's words far right of the page's reading.
        let page = vec![line(vec![
            word("Sô", 100, 100, 0.3),
            word("3722", 170, 100, 0.3),
        ])];
        let crop = vec![line(vec![
            word("Số:", 100, 100, 0.9),
            word("3722", 170, 100, 0.9),
            word("ĐẾN", 600, 100, 0.95),
        ])];
        let (rows, n) = better_rows(page, crop, None);
        assert_eq!(n, 1);
        assert_eq!(rows[0].raw_text(), "Số: 3722");
    }
}
