//! The second reading of the signer's name line under a seal. A seal stamped over the name's left
//! end turns the family name into junk (`đưếi Hoàng Tuấn`) or drops it (`Thị Lê Vân`) while the
//! given names to its right read surely. On a grey or colour scan the seal's ink is much lighter
//! than the print (print ≈ 0–10 of 255, a seal 60–150 on the 150 dpi grey copies): the line's crop
//! with every pixel lighter than the print's dark core made white, enlarged twice and read as one
//! line gives the name back (`Trần Hoàng Tuấn`). Its family name is taken only when the reading is
//! that name and nothing else: a listed family name read surely, then the given names the page OCR
//! read surely (the same letters; the page OCR's reading of them is kept) — a wrong signer is
//! worse than none. On a bilevel scan the seal is as dark as the print and the reading changes
//! nothing.

use image::{imageops, GrayImage};
use vanban_doc::zones::fold;
use vanban_doc::{BBox, Line, Word};
use vanban_ocr::{OcrError, Recognize, Segmentation};

use crate::engines::Engines;

/// Where the dark-core threshold stands, as a share of the way from the crop's darkest ink to its
/// paper: print is at most this much lighter than the darkest ink, a seal's ink is lighter.
pub const CORE_LEVEL: f32 = 0.15;
/// A word the page OCR read at least this surely is one of the name's given names.
const SURE_WORD: f32 = 0.9;
/// The family name of the second reading must be read at least this surely.
const SURE_FAMILY: f32 = 0.8;
/// At most this many lines of a page's signature block are read again (the lowest first: the name
/// is the block's last line).
const MAX_LINES: usize = 2;

/// A word written like a name's word: a capital, then small letters only (`Hoàng`, `Thị`).
fn name_word(t: &str) -> bool {
    let mut cs = t.chars();
    cs.next().is_some_and(char::is_uppercase) && cs.all(char::is_lowercase)
}

/// The given names a signature-block line ends with when the name's start is unsure: its last two
/// to four words read surely as name words, when the word before them is no listed family name
/// (a family name the page OCR read, surely or not, is left to extraction) and they do not start
/// with one themselves (but for two words after junk). `None` for any other line.
pub(crate) fn sure_given_names(words: &[Word], ink_before: bool) -> Option<Vec<String>> {
    let tail: Vec<String> = words
        .iter()
        .rev()
        .take_while(|w| w.conf >= SURE_WORD && name_word(&w.raw))
        .map(|w| w.raw.clone())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if !(2..=4).contains(&tail.len()) {
        return None;
    }
    // `Trần Hoàng Tuấn`, `~ Lê Minh Hưng`: the family name is there (a two-word run after junk,
    // `đưếi Hoàng Tuấn`, may be given names only)
    // (two words with ink before them the page OCR read as no word, `Hoàng Tuấn` of `Trần Hoàng
    // Tuấn` under a seal's edge, may be given names only too)
    let whole = vanban_extract::is_family_name(&tail[0])
        && ((tail.len() == words.len() && !(ink_before && tail.len() == 2)) || tail.len() >= 3);
    let read = words.len() > tail.len()
        && vanban_extract::is_family_name(&words[words.len() - tail.len() - 1].raw);
    (!whole && !read).then_some(tail)
}

/// Where the family name stands in a second reading that is a listed family name (read surely)
/// followed by the `given` names (the same letters; their marks may differ, the page OCR's sure
/// reading of them is kept), with nothing before it but junk (marks, or letters read unsurely).
pub(crate) fn name_from_reading(words: &[Word], given: &[String]) -> Option<usize> {
    let k = given.len();
    if words.len() < k + 1 {
        return None;
    }
    let at = words.len() - k - 1;
    let family = &words[at];
    let ends = words[at + 1..]
        .iter()
        .zip(given)
        .all(|(w, g)| fold(&w.raw) == fold(g));
    let junk_before = words[..at]
        .iter()
        .all(|w| w.conf < 0.5 || !w.raw.chars().any(char::is_alphabetic));
    (ends
        && junk_before
        && family.conf >= SURE_FAMILY
        && name_word(&family.raw)
        && vanban_extract::is_family_name(&family.raw))
    .then_some(at)
}

/// The crop with every pixel lighter than the print's dark core made paper: the darkest level
/// (1st percentile) plus [`CORE_LEVEL`] of the way to the paper (the median).
pub(crate) fn dark_core(crop: &GrayImage) -> GrayImage {
    let mut hist = [0usize; 256];
    for p in crop.pixels() {
        hist[p.0[0] as usize] += 1;
    }
    let n = crop.pixels().len().max(1);
    let level = |share: usize| {
        let mut acc = 0;
        hist.iter()
            .position(|&c| {
                acc += c;
                acc * 100 >= n * share
            })
            .unwrap_or(255) as f32
    };
    let (dark, paper) = (level(1), level(50));
    let thr = (dark + CORE_LEVEL * (paper - dark)).round() as u8;
    let mut out = crop.clone();
    for p in out.pixels_mut() {
        if p.0[0] > thr {
            p.0[0] = 255;
        }
    }
    out
}

/// Reads `crop` (cut at `(x0, y0)` of the page) enlarged `scale` times as one line, its boxes in
/// page pixels.
fn read_line_scaled(
    engines: &Engines,
    crop: &GrayImage,
    dpi: u32,
    (x0, y0): (u32, u32),
    scale: u32,
) -> Result<Vec<Word>, OcrError> {
    let scale = scale.max(1);
    let big;
    let img = if scale == 1 {
        crop
    } else {
        big = imageops::resize(
            crop,
            crop.width() * scale,
            crop.height() * scale,
            imageops::FilterType::CatmullRom,
        );
        &big
    };
    let how = Recognize {
        segmentation: Segmentation::Line,
        whitelist: None,
    };
    let again = engines.recognize_with(img, dpi * scale, how)?;
    Ok(again
        .into_iter()
        .flat_map(|l| l.words)
        .map(|mut w| {
            w.raw = vanban_extract::normalize(&w.raw);
            w.text = w.raw.clone();
            w.bbox = w.bbox.map(|b| BBox {
                x0: x0 + b.x0 / scale,
                y0: y0 + b.y0 / scale,
                x1: x0 + b.x1.div_ceil(scale),
                y1: y0 + b.y1.div_ceil(scale),
            });
            w
        })
        .collect())
}

/// The listed family name a reading spells just before the `given` names (their letters, read
/// the same way), standing at most one line height `h` left of where the first given name starts
/// on the page (`gx0`); seal strokes run into its start are left out: the word is taken from its
/// last capital on (`=ÍNguýễn` → `Nguyễn`, the listed form's marks).
pub(crate) fn family_before(words: &[Word], given: &[String], gx0: u32, h: u32) -> Option<String> {
    let k = given.len();
    let at = words.len().checked_sub(k + 1)?;
    let ends = words[at + 1..]
        .iter()
        .zip(given)
        .all(|(w, g)| fold(&w.raw) == fold(g));
    let family = &words[at];
    let beside = family
        .bbox
        .is_some_and(|b| b.x1 + h >= gx0 && b.x1 <= gx0 + h / 2);
    if !ends || !beside {
        return None;
    }
    let start = family
        .raw
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_uppercase())
        .map(|(i, _)| i)?;
    let word = &family.raw[start..];
    if !name_word(word) {
        return None;
    }
    vanban_extract::family_name_of(word)
}

/// The readings of a name line's family name that must agree (out of up to eight: four crops,
/// each as it is and enlarged twice) for it to be taken when none was read surely.
const AGREE: usize = 3;

/// Reads the signer's name line again on its dark core when a seal made its family name junk or
/// hid it, and puts the name in place of the line's words when the reading is a clean name.
/// First one reading, room for two line heights on the left, enlarged twice: taken when its
/// family name is read surely. Else the line is read from four crops (2½ to 4 line heights of room
/// on the left, where the seal's ring starts changes the reading), each as it is and enlarged
/// twice: a listed family name that [`AGREE`] readings or more give just before the given names,
/// and no reading gives another, is taken (`Nguyễn Văn Thắng` under a bilevel seal; its strokes
/// are as dark as the print). Returns whether a line was changed.
pub fn reread_signer_name(
    engines: &Engines,
    image: &GrayImage,
    dpi: u32,
    lines: &mut [Line],
) -> Result<bool, OcrError> {
    let (w, h) = image.dimensions();
    let Some(z) = crate::reread::signature_zone(lines, w, h) else {
        return Ok(false);
    };
    let in_zone = |b: BBox| b.x1 > z.x0 + dpi / 4 && b.y0 >= z.y0 && b.y1 <= z.y1;
    let mut cands: Vec<(usize, BBox, Vec<String>)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            let b = l.bbox.filter(|&b| in_zone(b))?;
            let first = l.words.first().and_then(|w| w.bbox)?;
            let ink_before = first.x0 >= b.x0 + (w / 50).max(1);
            Some((i, b, sure_given_names(&l.words, ink_before)?))
        })
        .collect();
    cands.sort_by_key(|c| std::cmp::Reverse(c.1.y0));
    cands.truncate(MAX_LINES);
    for (i, b, given) in cands {
        let margin = (b.height() / 3).max(dpi / 50);
        let y0 = b.y0.saturating_sub(margin);
        let y1 = (b.y1 + margin).min(h);
        let x1 = (b.x1 + margin).min(w);
        let crop_from = |x0: u32| -> Option<GrayImage> {
            (x1 > x0 + 4 && y1 > y0 + 4)
                .then(|| dark_core(&imageops::crop_imm(image, x0, y0, x1 - x0, y1 - y0).to_image()))
        };
        let k = given.len();
        let n = lines[i].words.len();
        let before = lines[i].raw_text();
        // Room on the left for a family name the line's box left out.
        let x0 = b.x0.saturating_sub(2 * b.height()).max(z.x0);
        let Some(core) = crop_from(x0) else { continue };
        let t = std::time::Instant::now();
        let words = read_line_scaled(engines, &core, dpi, (x0, y0), 2)?;
        let read: Vec<(&str, u8)> = words
            .iter()
            .map(|w| (w.raw.as_str(), (w.conf * 100.0) as u8))
            .collect();
        if let Some(at) = name_from_reading(&words, &given) {
            tracing::debug!(
                ms = t.elapsed().as_millis() as u64,
                "signer name read on its dark core: {before:?} -> {read:?}"
            );
            // the family name read on the dark core, the given names as the page OCR read them
            let mut name = vec![words[at].clone()];
            name.extend(lines[i].words.drain(n - k..));
            lines[i].words = name;
            return Ok(true);
        }
        // Where the given names start on the page, and their height.
        let Some(gb) = lines[i].words[n - k].bbox else {
            continue;
        };
        // (the line's height: a word's box may leave out its marks)
        let gh = b.height().max(gb.height()).max(1);
        // A seal's ring by the name (its centre left of the given names, up to 25 mm above): the
        // line read with the seal's disc made paper, as it is and enlarged twice; a listed family
        // name read surely there is taken.
        let mm = dpi as f32 / 25.4;
        let window = BBox {
            x0: z.x0,
            y0: b.y0.saturating_sub((25.0 * mm) as u32).max(z.y0),
            x1: gb.x0,
            y1: (b.y1 + (10.0 * mm) as u32).min(h),
        };
        let mut reads: Vec<String> = Vec::new();
        let mut found: Option<(String, BBox, f32)> = None;
        let widest = gb.x0.saturating_sub(4 * gh + margin).max(z.x0);
        if let Some(ring) = crate::seal::find_ring(image, window, dpi) {
            if let Some(mut core) = crop_from(widest) {
                ring.blank_disc(&mut core, (widest, y0));
                for scale in [1, 2] {
                    let words = read_line_scaled(engines, &core, dpi, (widest, y0), scale)?;
                    reads.push(shown(&words));
                    // (a family name found stands at `len - k - 1`; an empty reading has none)
                    let Some(f) = family_before(&words, &given, gb.x0, gh) else {
                        continue;
                    };
                    let fw = &words[words.len() - k - 1];
                    if fw.conf >= SURE_FAMILY {
                        found = Some((f, fw.bbox.unwrap_or(gb), fw.conf));
                        break;
                    }
                }
            }
        }
        // Else room of 2½ to 4 line heights on the left, each crop as it is and enlarged twice:
        // the seal's strokes change the reading with where the crop starts; a listed family
        // name that [`AGREE`] readings give, and no reading gives another, is taken.
        let mut votes: Vec<(String, usize, BBox)> = Vec::new();
        if found.is_none() {
            for halves in [5, 6, 7, 8] {
                let x0 = gb.x0.saturating_sub(halves * gh / 2 + margin).max(z.x0);
                let Some(core) = crop_from(x0) else {
                    continue;
                };
                for scale in [1, 2] {
                    let words = read_line_scaled(engines, &core, dpi, (x0, y0), scale)?;
                    reads.push(shown(&words));
                    let Some(f) = family_before(&words, &given, gb.x0, gh) else {
                        continue;
                    };
                    let fb = words[words.len() - k - 1].bbox.unwrap_or(gb);
                    match votes.iter_mut().find(|v| v.0 == f) {
                        Some(v) => v.1 += 1,
                        None => votes.push((f, 1, fb)),
                    }
                }
            }
            if let [(f, c, fb)] = votes.as_slice() {
                if *c >= AGREE {
                    found = Some((f.clone(), *fb, FAMILY_BY_VOTE));
                }
            }
        }
        let ms = t.elapsed().as_millis() as u64;
        match found {
            Some((f, fb, conf)) => {
                tracing::debug!(
                    ms,
                    ?votes,
                    "signer's family name read again: {before:?} -> {f:?}"
                );
                let mut name = vec![Word::new(f, Some(fb), conf)];
                name.extend(lines[i].words.drain(n - k..));
                lines[i].words = name;
                return Ok(true);
            }
            None => tracing::debug!(
                ms,
                ?votes,
                "signer name not read again: {before:?} -> {read:?}, then {reads:?}"
            ),
        }
    }
    Ok(false)
}

/// A reading's words and confidences, for the log.
fn shown(words: &[Word]) -> String {
    words
        .iter()
        .map(|w| format!("{}@{:.2}", w.raw, w.conf))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The confidence given to a family name taken by the agreement of readings none of which was
/// sure of it.
const FAMILY_BY_VOTE: f32 = 0.6;

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    fn words(ws: &[(&str, f32)]) -> Vec<Word> {
        ws.iter().map(|&(t, c)| Word::new(t, None, c)).collect()
    }

    #[test]
    fn a_name_whose_start_a_seal_spoiled_is_read_again_a_whole_name_is_not() {
        let g = |ws: &[(&str, f32)]| sure_given_names(&words(ws), false);
        assert_eq!(
            g(&[("đưếi", 0.0), ("Hoàng", 0.97), ("Tuấn", 0.97)]),
            Some(vec!["Hoàng".to_string(), "Tuấn".to_string()])
        );
        // the family name dropped: `Thị` is no family name
        assert!(g(&[("Thị", 0.97), ("Lê", 0.97), ("Vân", 0.97)]).is_some());
        assert_eq!(g(&[("Trần", 0.97), ("Hoàng", 0.97), ("Tuấn", 0.97)]), None);
        assert_eq!(
            g(&[("~", 0.2), ("Trần", 0.97), ("Hoàng", 0.97), ("Tuấn", 0.97)]),
            None
        );
        // a family name the page OCR read, even unsurely, is not read again
        assert_eq!(
            g(&[("~", 0.2), ("Lê", 0.6), ("Minh", 0.97), ("Hưng", 0.97)]),
            None
        );
        // one sure word is no name's end; a title line is none either
        assert_eq!(g(&[("ê", 0.86), ("Minh", 0.5), ("Hưng", 0.96)]), None);
        assert_eq!(g(&[("PHÓ", 0.93), ("CHỦ", 0.97), ("TỊCH", 0.97)]), None);
        // two words, the first a family name: whole, but for ink before them
        let two = words(&[("Hoàng", 0.96), ("Tuấn", 0.97)]);
        assert_eq!(sure_given_names(&two, false), None);
        assert!(sure_given_names(&two, true).is_some());
    }

    #[test]
    fn only_a_family_name_before_the_same_given_names_is_taken() {
        let given = vec!["Hoàng".to_string(), "Tuấn".to_string()];
        let r = |ws: &[(&str, f32)]| name_from_reading(&words(ws), &given);
        assert_eq!(
            r(&[("Trần", 0.9), ("Hoàng", 0.95), ("Tuấn", 0.95)]),
            Some(0)
        );
        assert_eq!(
            r(&[("~", 0.3), ("Trần", 0.9), ("Hoàng", 0.9), ("Tuấn", 0.9)]),
            Some(1)
        );
        // not a family name, read unsurely, other given names, a word before it
        assert_eq!(r(&[("Trầu", 0.9), ("Hoàng", 0.9), ("Tuấn", 0.9)]), None);
        assert_eq!(r(&[("Trần", 0.6), ("Hoàng", 0.9), ("Tuấn", 0.9)]), None);
        assert_eq!(r(&[("Trần", 0.9), ("Hoàng", 0.9), ("Tuệ", 0.9)]), None);
        // the given names' marks may differ (the page OCR's sure reading is kept)
        assert_eq!(r(&[("Trần", 0.9), ("Hoàng", 0.9), ("Tuân", 0.9)]), Some(0));
        assert_eq!(
            r(&[("Văn", 0.9), ("Trần", 0.9), ("Hoàng", 0.9), ("Tuấn", 0.9)]),
            None
        );
        assert_eq!(r(&[("Hoàng", 0.9), ("Tuấn", 0.9)]), None);
    }

    #[test]
    fn the_family_name_before_the_given_names_is_taken_from_its_last_capital() {
        let given = vec!["Văn".to_string(), "Thắng".to_string()];
        let at = |t: &str, x0: u32, x1: u32| {
            let b = BBox {
                x0,
                y0: 650,
                x1,
                y1: 694,
            };
            Word::new(t, Some(b), 0.3)
        };
        let read = |family: &str, x1: u32| {
            let ws = vec![
                at(family, 1079, x1),
                at("Văn", 1257, 1317),
                at("Thắng", 1331, 1438),
            ];
            family_before(&ws, &given, 1255, 45)
        };
        assert_eq!(read("~ÄNgưýễn", 1237).as_deref(), Some("Nguyễn"));
        assert_eq!(read("Nguýễn", 1235).as_deref(), Some("Nguyễn"));
        assert_eq!(read("Trần", 1235).as_deref(), Some("Trần"));
        // junk, a word that is no family name, lower case only
        assert_eq!(read("Xguýễn", 1238), None);
        assert_eq!(read("đến", 1237), None);
        assert_eq!(read("guýến", 1237), None);
        // a word running over the given names, or standing far from them
        assert_eq!(read("Nguyễn", 1317), None);
        assert_eq!(read("Nguyễn", 1150), None);
    }

    #[test]
    fn the_dark_core_keeps_print_and_drops_a_lighter_seal() {
        let mut img = GrayImage::from_pixel(100, 10, Luma([240]));
        for x in 0..10 {
            img.put_pixel(x, 0, Luma([5])); // print
            img.put_pixel(x, 1, Luma([20])); // print, a little lighter
            img.put_pixel(x, 2, Luma([100])); // seal
        }
        let c = dark_core(&img);
        assert_eq!(c.get_pixel(0, 0).0[0], 5);
        assert_eq!(c.get_pixel(0, 1).0[0], 20);
        assert_eq!(c.get_pixel(0, 2).0[0], 255);
        assert_eq!(c.get_pixel(50, 5).0[0], 255);
    }
}
