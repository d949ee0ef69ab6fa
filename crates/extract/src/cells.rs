//! Reading table cells by OCR, one crop per cell: how a cell is read (one line or a block, item
//! numbers checked and read again with a whitelist), independent of the OCR engine, which the
//! caller passes in as a function (in the pipeline: Tesseract, then the restorer).

use image::GrayImage;
use vanban_doc::{BBox, Line};

use crate::grid::{is_stt, CellCrop, CellHint, CellReader, GridCell};

/// How a cell crop is segmented by the OCR engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellMode {
    /// One text line (Tesseract PSM 7).
    Line,
    /// A block of several lines (Tesseract PSM 6).
    Block,
    /// One word (Tesseract PSM 8).
    Word,
}

/// Characters an item number (`1`, `1.4.1`, `II`) is written with.
pub const NUMBERING_CHARS: &str = "0123456789.IVX";

/// A cell with a word read below this confidence is read again from a crop enlarged twice (a
/// lone short word on a cell's last line, `vị`, can come out as `MI` with confidence 0; enlarged,
/// it reads right). Few cells are, so it costs little.
const REREAD_CONF: f32 = 0.3;

/// Lowest word confidence of lines (1 when there are no words).
fn min_conf(lines: &[Line]) -> f32 {
    lines
        .iter()
        .flat_map(|l| &l.words)
        .map(|w| w.conf)
        .fold(1.0, f32::min)
}

/// Mean word confidence of lines (0 when there are no words).
fn mean_conf(lines: &[Line]) -> f32 {
    let (sum, n) = lines
        .iter()
        .flat_map(|l| &l.words)
        .fold((0.0, 0u32), |(s, n), w| (s + w.conf, n + 1));
    if n == 0 {
        0.0
    } else {
        sum / n as f32
    }
}

/// A [`CellReader`] that OCRs each cell's [`CellCrop`] with `ocr` and corrects the words of each
/// text line with `restore` (item numbers are left as read). `ocr` is given the crop, the mode,
/// an optional character whitelist and the crop's scale against the page (1, or 2 for a crop
/// enlarged to be read again); it returns lines with boxes in the crop's pixels. The first OCR
/// error is kept (see [`OcrCells::take_error`]) and its cell left empty.
pub struct OcrCells<O, R, E> {
    ocr: O,
    restore: R,
    error: Option<E>,
    cells: usize,
}

impl<O, R, E> OcrCells<O, R, E>
where
    O: FnMut(&GrayImage, CellMode, Option<&str>, u32) -> Result<Vec<Line>, E>,
    R: FnMut(&mut [Line]),
{
    /// A reader with this OCR function (crop, mode, optional character whitelist → lines with
    /// boxes in the crop's pixels) and this restoration step.
    pub fn new(ocr: O, restore: R) -> Self {
        OcrCells {
            ocr,
            restore,
            error: None,
            cells: 0,
        }
    }

    /// The first OCR error met, if any (taking it clears it).
    pub fn take_error(&mut self) -> Option<E> {
        self.error.take()
    }

    /// Cells read so far.
    pub fn cells_read(&self) -> usize {
        self.cells
    }

    fn run(&mut self, crop: &GrayImage, mode: CellMode, whitelist: Option<&str>) -> Vec<Line> {
        self.run_scaled(crop, mode, whitelist, 1)
    }

    fn run_scaled(
        &mut self,
        crop: &GrayImage,
        mode: CellMode,
        whitelist: Option<&str>,
        scale: u32,
    ) -> Vec<Line> {
        match (self.ocr)(crop, mode, whitelist, scale) {
            Ok(lines) => lines,
            Err(e) => {
                self.error.get_or_insert(e);
                Vec::new()
            }
        }
    }
}

impl<O, R, E> OcrCells<O, R, E>
where
    O: FnMut(&GrayImage, CellMode, Option<&str>, u32) -> Result<Vec<Line>, E>,
    R: FnMut(&mut [Line]),
{
    /// Reads `image` again enlarged twice, in `mode`; the lines' boxes are brought back to the
    /// pixels of `image`. `None` when the OCR failed (the error is kept).
    fn read_enlarged(&mut self, image: &GrayImage, mode: CellMode) -> Option<Vec<Line>> {
        let (w, h) = image.dimensions();
        let big =
            image::imageops::resize(image, w * 2, h * 2, image::imageops::FilterType::CatmullRom);
        let mut again = self.run_scaled(&big, mode, None, 2);
        if self.error.is_some() {
            return None;
        }
        let half = |b: BBox| BBox {
            x0: b.x0 / 2,
            y0: b.y0 / 2,
            x1: b.x1 / 2,
            y1: b.y1 / 2,
        };
        for l in &mut again {
            l.bbox = l.bbox.map(half);
            for wd in &mut l.words {
                wd.bbox = wd.bbox.map(half);
            }
        }
        Some(again)
    }

    /// Reads each line of a multi-line cell that has a word below [`REREAD_CONF`] again on its
    /// own, enlarged twice, in line mode, and keeps the better reading by mean confidence. Only
    /// the weak lines are enlarged: reading a whole tall cell at twice the size cost four times
    /// its pixels (about 1 s of the 18 real pages' 25 s of OCR, for a few words).
    fn reread_weak_lines(&mut self, cell: &GrayImage, lines: &mut [Line]) {
        let (cw, ch) = cell.dimensions();
        for line in lines.iter_mut() {
            let Some(b) = line.bbox else { continue };
            if min_conf(std::slice::from_ref(line)) >= REREAD_CONF {
                continue;
            }
            // The line's band across the whole cell, with a little of the gap above and below.
            let pad = (b.height() / 5).max(2);
            let (y0, y1) = (b.y0.saturating_sub(pad), (b.y1 + pad).min(ch));
            if y1 <= y0 {
                continue;
            }
            let m = CellCrop::MARGIN;
            let mut band = GrayImage::from_pixel(cw, y1 - y0 + 2 * m, image::Luma([255]));
            let w = cw as usize;
            for y in y0..y1 {
                let src = y as usize * w;
                let dst = (y - y0 + m) as usize * w;
                if let (Some(s), Some(d)) =
                    (cell.as_raw().get(src..src + w), band.get_mut(dst..dst + w))
                {
                    d.copy_from_slice(s);
                }
            }
            let Some(mut again) = self.read_enlarged(&band, CellMode::Line) else {
                return;
            };
            if again.len() != 1 || mean_conf(&again) <= mean_conf(std::slice::from_ref(line)) {
                continue;
            }
            let up = |bb: BBox| BBox {
                x0: bb.x0,
                y0: (bb.y0 + y0).saturating_sub(m),
                x1: bb.x1,
                y1: (bb.y1 + y0).saturating_sub(m),
            };
            let mut new = again.remove(0);
            new.bbox = new.bbox.map(up);
            for wd in &mut new.words {
                wd.bbox = wd.bbox.map(up);
            }
            new.block = line.block;
            *line = new;
        }
    }
}

fn joined(lines: &[Line]) -> String {
    lines
        .iter()
        .flat_map(|l| &l.words)
        .map(|w| w.raw.as_str())
        .collect::<Vec<_>>()
        .join("")
}

impl<O, R, E> CellReader for OcrCells<O, R, E>
where
    O: FnMut(&GrayImage, CellMode, Option<&str>, u32) -> Result<Vec<Line>, E>,
    R: FnMut(&mut [Line]),
{
    fn read_cell(&mut self, image: &GrayImage, cell: &GridCell, hint: CellHint) -> Vec<Line> {
        self.cells += 1;
        let mut crop = CellCrop::new(image, cell.region);
        let mut one_line = false;
        if hint.numbering {
            // An item number at the top of a tall merged cell: read it alone.
            if let Some(first) = crop.first_line() {
                crop = first;
                one_line = true;
            }
        }
        let mode = if hint.text_lines >= 2 && !one_line {
            CellMode::Block
        } else {
            CellMode::Line
        };
        let mut lines = self.run(&crop.image, mode, None);
        if mode == CellMode::Line && lines.iter().all(|l| l.words.is_empty()) {
            // A lone short word is sometimes dropped as noise in line mode.
            lines = self.run(&crop.image, CellMode::Word, None);
        }
        if !hint.numbering && min_conf(&lines) < REREAD_CONF {
            if mode == CellMode::Block && lines.len() > 1 {
                self.reread_weak_lines(&crop.image, &mut lines);
            } else if let Some(again) = self.read_enlarged(&crop.image, mode) {
                if mean_conf(&again) > mean_conf(&lines) {
                    lines = again;
                }
            }
        }
        let mut numbered = false;
        if hint.numbering {
            // `1,` is `1.` with its dot read as a comma (the whitelist read below would drop it).
            for w in lines.iter_mut().flat_map(|l| &mut l.words) {
                let t = w.raw.trim_end_matches(',');
                if t.len() < w.raw.len() && !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) {
                    let fixed = format!("{t}.");
                    w.text = fixed.clone();
                    w.raw = fixed;
                }
            }
            let text = joined(&lines);
            // A header word (`STT`, `TT`) on the first row: letters only, not all of them digit
            // look-alikes.
            let header = cell.row == 0
                && text.chars().count() >= 2
                && text.chars().all(char::is_alphabetic)
                && text.chars().any(|c| !matches!(c, 'l' | 'I' | 'i'));
            if is_stt(&text) {
                numbered = true;
            } else if !header {
                // Not a header word (`STT`) either: read again as an item number.
                let again = self.run(&crop.image, CellMode::Word, Some(NUMBERING_CHARS));
                if is_stt(&joined(&again)) {
                    lines = again;
                    numbered = true;
                }
            }
        }
        if numbered {
            // One token: `1 . 1` read as three words becomes `1.1`.
            let text = joined(&lines);
            let bbox = lines
                .iter()
                .filter_map(|l| l.bbox)
                .reduce(vanban_doc::BBox::union);
            let conf = lines
                .iter()
                .flat_map(|l| &l.words)
                .map(|w| w.conf)
                .reduce(f32::min)
                .unwrap_or(0.0);
            lines = vec![Line {
                bbox,
                block: 0,
                words: vec![vanban_doc::Word::new(text, bbox, conf)],
            }];
        } else {
            (self.restore)(&mut lines);
        }
        crop.to_page(&mut lines);
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vanban_doc::{BBox, Word};

    fn line(words: &[&str]) -> Vec<Line> {
        let b = BBox {
            x0: 12,
            y0: 12,
            x1: 40,
            y1: 30,
        };
        vec![Line {
            bbox: Some(b),
            block: 0,
            words: words.iter().map(|w| Word::new(*w, Some(b), 0.8)).collect(),
        }]
    }

    fn cell() -> GridCell {
        GridCell {
            row: 1,
            col: 0,
            row_span: 1,
            col_span: 1,
            region: BBox {
                x0: 100,
                y0: 200,
                x1: 160,
                y1: 260,
            },
        }
    }

    #[test]
    fn only_the_weak_line_of_a_block_cell_is_read_again_enlarged() {
        let img = GrayImage::from_pixel(400, 400, image::Luma([255]));
        let at = |y0: u32, y1: u32| BBox {
            x0: 12,
            y0,
            x1: 50,
            y1,
        };
        let calls = std::cell::RefCell::new(Vec::new());
        let mut r = OcrCells::new(
            |crop: &GrayImage, mode, _: Option<&str>, scale| {
                calls.borrow_mut().push((mode, scale, crop.dimensions()));
                Ok::<_, ()>(if scale == 1 {
                    vec![
                        Line {
                            bbox: Some(at(12, 32)),
                            block: 0,
                            words: vec![Word::new("Bộ", Some(at(12, 32)), 0.9)],
                        },
                        Line {
                            bbox: Some(at(42, 62)),
                            block: 0,
                            words: vec![Word::new("MI", Some(at(42, 62)), 0.1)],
                        },
                    ]
                } else {
                    // the band, enlarged twice: margin 12 and pad 4 above the line, doubled
                    let b = BBox {
                        x0: 24,
                        y0: 32,
                        x1: 100,
                        y1: 72,
                    };
                    vec![Line {
                        bbox: Some(b),
                        block: 0,
                        words: vec![Word::new("vị", Some(b), 0.9)],
                    }]
                })
            },
            |_: &mut [Line]| {},
        );
        let hint = CellHint {
            text_lines: 2,
            numbering: false,
        };
        let lines = r.read_cell(&img, &cell(), hint);
        let texts: Vec<&str> = lines.iter().map(|l| l.words[0].raw.as_str()).collect();
        assert_eq!(texts, ["Bộ", "vị"]);
        let calls = calls.borrow();
        assert_eq!(calls.len(), 2, "{calls:?}");
        assert_eq!(calls[0].0, CellMode::Block);
        // The second reading is of one line's band at twice the size, not of the whole cell.
        let (mode, scale, (w, h)) = calls[1];
        assert_eq!((mode, scale), (CellMode::Line, 2));
        assert_eq!(w, 2 * (60 + 2 * CellCrop::MARGIN));
        // the line (20 px), a fifth of it above and below, the white margin
        assert_eq!(h, 2 * (20 + 2 * 4 + 2 * CellCrop::MARGIN));
        // The new line's box is back in the page, where the weak line stood.
        let b = lines[1].words[0].bbox.expect("box");
        assert_eq!((b.x0, b.y0), (100 + 12 - 12, 200 + 42 - 12));
    }

    #[test]
    fn a_misread_item_number_is_read_again_with_the_whitelist() {
        let img = GrayImage::from_pixel(400, 400, image::Luma([255]));
        let calls = std::cell::RefCell::new(Vec::new());
        let mut r = OcrCells::new(
            |_: &GrayImage, mode, wl: Option<&str>, _| {
                calls.borrow_mut().push((mode, wl.map(str::to_string)));
                Ok::<_, ()>(if wl.is_some() {
                    line(&["1", ".", "1"])
                } else {
                    line(&["l.l"])
                })
            },
            |_: &mut [Line]| panic!("item numbers are not restored"),
        );
        let hint = CellHint {
            text_lines: 1,
            numbering: true,
        };
        let lines = r.read_cell(&img, &cell(), hint);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].words[0].raw, "1.1");
        // Boxes are moved from the crop (margin 12) into the page, inside the cell.
        let b = lines[0].words[0].bbox.expect("box");
        assert_eq!((b.x0, b.y0), (100, 200));
        assert!(r.take_error().is_none());
        let calls = calls.borrow();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[1].1.as_deref(), Some(NUMBERING_CHARS));
    }

    #[test]
    fn an_item_number_with_its_dot_read_as_a_comma_keeps_the_dot() {
        let img = GrayImage::from_pixel(400, 400, image::Luma([255]));
        let mut r = OcrCells::new(
            |_: &GrayImage, _, _: Option<&str>, _| Ok::<_, ()>(line(&["1,"])),
            |_: &mut [Line]| panic!("item numbers are not restored"),
        );
        let hint = CellHint {
            text_lines: 1,
            numbering: true,
        };
        assert_eq!(r.read_cell(&img, &cell(), hint)[0].words[0].raw, "1.");
    }

    #[test]
    fn header_words_in_the_numbering_column_stay_and_errors_are_kept() {
        let img = GrayImage::from_pixel(400, 400, image::Luma([255]));
        let restored = std::cell::Cell::new(0);
        let mut r = OcrCells::new(
            |_: &GrayImage, _, _: Option<&str>, _| Ok::<_, ()>(line(&["STT"])),
            |_: &mut [Line]| restored.set(restored.get() + 1),
        );
        let hint = CellHint {
            text_lines: 1,
            numbering: true,
        };
        assert_eq!(r.read_cell(&img, &cell(), hint)[0].words[0].raw, "STT");
        assert_eq!(restored.get(), 1);
        let mut failing = OcrCells::new(
            |_: &GrayImage, _, _: Option<&str>, _| Err("boom"),
            |_: &mut [Line]| {},
        );
        assert!(failing.read_cell(&img, &cell(), hint).is_empty());
        assert_eq!(failing.take_error(), Some("boom"));
    }
}
