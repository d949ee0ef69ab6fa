//! One document through the stages — pages → OCR words → restored words → metadata and tables — and the
//! files it becomes (`<stem>.json`, `.txt`, `.review.html`, `.table-N.csv`, `.page-N.jpg`).
//!
//! A document goes through steps that [`crate::schedule`] runs on the batch's workers: open it
//! ([`OpenDoc::open`]), read each page ([`OpenDoc::read_page`]: decode, clean up, find the ruled
//! tables), OCR it ([`ScanPage::recognize`]) and finish the document ([`finish_document`]: restore,
//! extract). [`process_file`] runs the same steps for one file; each worker thread keeps one OCR
//! engine (see [`crate::engines`]).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use image::GrayImage;
use rayon::prelude::*;
use vanban_doc::{Document, Line, Origin, Page, Source, Table};
use vanban_input::{InputFile, InputKind};
use vanban_pages::PageContent;

use crate::engines::Engines;

/// Why a document could not be converted.
#[derive(Debug, thiserror::Error)]
pub enum DocError {
    /// Reading pages failed (the message names the cause; the path is printed beside it).
    #[error("{0}")]
    Pages(String),
    /// OCR failed on a page.
    #[error("page {page}: OCR failed: {msg}")]
    Ocr {
        /// Page number, from 1.
        page: u32,
        /// The cause.
        msg: String,
    },
    /// A text input could not be read.
    #[error("{0}")]
    Text(String),
    /// An output could not be written.
    #[error("cannot write output: {0}")]
    Write(#[from] vanban_doc::WriteError),
    /// Ctrl-C: the document was abandoned.
    #[error("interrupted")]
    Interrupted,
    /// An output format could not be made (e.g. the searchable PDF from a damaged source).
    #[error("{0}")]
    Output(String),
}

impl DocError {
    /// A page-reading error, without the leading `path: ` (the batch prints the path itself).
    pub fn pages(e: &vanban_pages::PagesError, path: &Path) -> DocError {
        DocError::Pages(strip_path(&e.to_string(), path))
    }
}

/// A converted document with what the outputs need beside the JSON.
pub struct Processed {
    /// The document model.
    pub doc: Document,
    /// Downscaled page images for the review page, JPEG-encoded (None for text pages).
    pub thumbs: Vec<Option<Thumb>>,
}

/// Largest side of the page images saved for the review page.
const THUMB_MAX_SIDE: u32 = 1400;

/// Converts one input file (its pages in parallel on the caller's pool; the batch uses
/// [`crate::schedule`] instead, which shares the pool between the pages of all documents).
pub fn process_file(
    engines: &Engines,
    input: &InputFile,
    sha256: String,
    page_done: &(dyn Fn() + Sync),
) -> Result<Processed, DocError> {
    let pages = match input.kind {
        InputKind::Text => {
            let pages = text_pages(&input.path)?;
            pages.iter().for_each(|_| page_done());
            pages
                .into_iter()
                .map(|p| (p, None, Vec::new(), None))
                .collect()
        }
        _ => {
            let doc = OpenDoc::open(engines, input)?;
            (0..doc.page_count())
                .into_par_iter()
                .map(|i| {
                    let r = match doc.read_page(engines, i)? {
                        ReadPage::Done(r) => r,
                        ReadPage::Scan(scan) => scan.recognize(engines)?,
                    };
                    page_done();
                    Ok(r)
                })
                .collect::<Result<Vec<_>, DocError>>()?
        }
    };
    Ok(finish_document(engines, input, sha256, pages))
}

/// Restores, extracts and assembles a document from its finished pages (in page order).
pub fn finish_document(
    engines: &Engines,
    input: &InputFile,
    sha256: String,
    results: Vec<PageResult>,
) -> Processed {
    let mut pages = Vec::with_capacity(results.len());
    let mut thumbs = Vec::with_capacity(results.len());
    let mut scan_tables: Vec<PageTable> = Vec::new();
    let mut first_image = None;
    for (p, t, tb, img) in results {
        if p.number == 1 {
            first_image = img;
        }
        pages.push(p);
        thumbs.push(t);
        scan_tables.extend(tb);
    }
    let source = Source {
        path: input.path.display().to_string(),
        sha256,
        pages: pages.len() as u32,
    };
    let mut doc = Document::new(source, pages);
    vanban_extract::take_stamps(&mut doc);
    let dpi = doc.pages.first().map_or(0, |p| p.dpi);
    // The stamp frames of page 1, looked for again only when a stamp was read there.
    let stamped = doc.stamps.iter().any(|s| s.page == 1 && s.kind != "margin");
    let frames = first_image
        .as_ref()
        .filter(|_| stamped)
        .map(|img| crate::stampread::frames(img, dpi))
        .unwrap_or_default();
    vanban_extract::take_framed_stamps(&mut doc, &frames);
    vanban_extract::take_signature_box(&mut doc);
    if let Some(r) = &engines.restorer {
        restore_document(r, &mut doc.pages);
        doc.text = doc.render_text();
    }
    doc.summarize_restoration();
    doc.metadata = vanban_extract::extract_metadata(&doc);
    if let Some(img) = &first_image {
        let mut m = std::mem::take(&mut doc.metadata);
        vanban_extract::read_handwriting(&mut m, &doc, 1, img);
        vanban_extract::read_received_date(&mut m, &doc, img, &frames);
        doc.metadata = m;
        // the text shows the digits the fields took
        if vanban_extract::write_handwriting(&mut doc, 1) > 0 {
            doc.text = doc.render_text();
        }
    }
    doc.metadata.digital_signatures = signature_boxes(engines, input);
    if doc.metadata.digital_signatures.is_empty() {
        doc.metadata.digital_signatures = vanban_extract::box_signatures(&doc);
    }
    // Tables of page images know where their ruling is cut by a page break; text tables do not.
    let (mut tables, mut cuts): (Vec<Table>, Vec<Option<vanban_extract::Cut>>) = scan_tables
        .into_iter()
        .map(|(t, cut)| (t, Some(cut)))
        .unzip();
    for t in vanban_extract::extract_text_tables(&doc) {
        tables.push(t);
        cuts.push(None);
    }
    vanban_extract::attach_titles(&doc, &mut tables);
    doc.tables = vanban_extract::join_cut_tables(tables.into_iter().zip(cuts).collect());
    Processed { doc, thumbs }
}

/// The digital signatures of a PDF: the signing tools' boxes in its pages' text layers (over a
/// signed scan the layer holds only them; on a born-digital page they are read from the same layer).
fn signature_boxes(engines: &Engines, input: &InputFile) -> Vec<vanban_doc::DigitalSignature> {
    if input.kind != InputKind::Pdf {
        return Vec::new();
    }
    let Ok(src) = engines.open_pages(input) else {
        return Vec::new();
    };
    (0..src.page_count())
        .filter_map(|i| src.layer_text(i))
        .flat_map(|t| vanban_extract::digital_signatures(&t))
        .collect()
}

/// Restores every page's lines ([`restored_tokens`]), then reads the document's unsure words
/// again against its sure readings of the same letters ([`vanban_restore::document::harmonize`]),
/// and records what changed.
fn restore_document(r: &vanban_restore::Restorer, pages: &mut [vanban_doc::Page]) {
    let mut all: Vec<Vec<vanban_restore::Token>> = Vec::new();
    for page in pages.iter() {
        all.extend(restored_tokens(r, &page.lines));
    }
    vanban_restore::document::harmonize(&mut all);
    let mut it = all.into_iter();
    for page in pages.iter_mut() {
        let n = page.lines.len();
        apply_tokens(&mut page.lines, it.by_ref().take(n).collect());
    }
}

/// Restores every line's words in place, recording what changed (see [`restored_tokens`]).
pub fn restore_lines(r: &vanban_restore::Restorer, lines: &mut [Line]) {
    let restored = restored_tokens(r, lines);
    apply_tokens(lines, restored);
}

/// A word OCR read under this confidence is not held to its reading by the restorer.
const DOUBTED_WORD_CONF: f32 = 0.5;

/// The restored tokens of each line. Each line is read with the end of the line before and the
/// start of the line after as context when they are in the same text block (a sentence wrapped
/// over two lines keeps its word pairs; the two header columns and the rows of a table do not lend
/// each other words).
fn restored_tokens(
    r: &vanban_restore::Restorer,
    lines: &[Line],
) -> Vec<Vec<vanban_restore::Token>> {
    {
        let raws: Vec<Vec<&str>> = lines
            .iter()
            .map(|l| l.words.iter().map(|w| w.raw.as_str()).collect())
            .collect();
        let has_tab = |i: usize| raws[i].contains(&vanban_doc::TAB_WORD);
        let same_block = |i: usize, j: usize| {
            lines[i].block == lines[j].block
                && !raws[i].is_empty()
                && !raws[j].is_empty()
                && !has_tab(i)
                && !has_tab(j)
        };
        (0..lines.len())
            .into_par_iter()
            .map(|i| {
                if has_tab(i) {
                    return restore_cells(r, &raws[i]);
                }
                let before = match i.checked_sub(1) {
                    Some(j) if same_block(i, j) => &raws[j][..],
                    _ => &[],
                };
                let after = match i + 1 {
                    j if j < lines.len() && same_block(i, j) => &raws[j][..],
                    _ => &[],
                };
                let weak: Vec<bool> = lines[i]
                    .words
                    .iter()
                    .map(|w| w.conf < DOUBTED_WORD_CONF)
                    .collect();
                r.restore_line_doubting(before, &raws[i], after, &weak)
            })
            .collect()
    }
}

/// Writes restored tokens into their lines' words.
fn apply_tokens(lines: &mut [Line], restored: Vec<Vec<vanban_restore::Token>>) {
    for (line, tokens) in lines.iter_mut().zip(restored) {
        for (w, t) in line.words.iter_mut().zip(tokens) {
            if t.changed {
                w.text = t.text;
                w.correction = Some(vanban_doc::Correction {
                    conf: t.conf,
                    alternatives: t.alternatives,
                    uncertain: t.uncertain,
                });
            } else {
                w.text = w.raw.clone();
                w.correction = None;
            }
        }
    }
}

/// Restores a tab-separated table row of a text input cell by cell: no word is read across a tab,
/// the tabs stay, and a cell that is only a number (an STT) is kept as it is.
fn restore_cells(r: &vanban_restore::Restorer, raws: &[&str]) -> Vec<vanban_restore::Token> {
    let unchanged = |raw: &str| vanban_restore::Token {
        raw: raw.to_string(),
        text: raw.to_string(),
        conf: 1.0,
        alternatives: Vec::new(),
        changed: false,
        uncertain: false,
    };
    let mut out = Vec::with_capacity(raws.len());
    for cell in raws.split(|w| *w == vanban_doc::TAB_WORD) {
        let numeric = cell.iter().all(|w| {
            w.chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_punctuation())
        });
        if numeric {
            out.extend(cell.iter().map(|w| unchanged(w)));
        } else {
            out.extend(r.restore_line_in_context(&[], cell, &[]));
        }
        if out.len() < raws.len() {
            out.push(unchanged(vanban_doc::TAB_WORD));
        }
    }
    out
}

/// Pages of a plain-text input: form feeds separate pages, one line a line, words split on white space.
pub fn text_pages(path: &Path) -> Result<Vec<Page>, DocError> {
    let text = vanban_input::read_text(path, vanban_input::MAX_TEXT_BYTES)
        .map_err(|e| DocError::Text(e.to_string()))?;
    Ok(vanban_doc::pages_from_text(&text))
}

/// A page's table, with where its ruling is cut by the page break.
pub type PageTable = (Table, vanban_extract::Cut);

/// A finished page: the page, its thumbnail (scans only), the tables read from its image and, for
/// a scan's first page, the page image itself (its handwritten blanks are read once the metadata
/// has found them).
pub type PageResult = (Page, Option<Thumb>, Vec<PageTable>, Option<GrayImage>);

/// A page image for the review page, downscaled and encoded as JPEG (quality 75) as soon as its page
/// is recognized: a document waiting for its last page holds about 0.05–0.2 MB a page of them
/// instead of the 1.4 MB of the downscaled image itself.
pub type Thumb = Vec<u8>;

/// A PDF, TIFF or image file opened for reading its pages one by one (from any thread).
pub struct OpenDoc {
    src: vanban_pages::PageSource,
    input: InputFile,
    /// Pages read from a text layer are rendered too, only to find ruled tables (opened on first need).
    rendered: std::sync::OnceLock<Option<vanban_pages::PageSource>>,
}

/// A page as read from its file: finished already (a text layer), or a prepared scan waiting for OCR.
pub enum ReadPage {
    /// A page read from a PDF's text layer.
    Done(PageResult),
    /// A prepared page image.
    Scan(ScanPage),
}

/// A page image cleaned up for OCR, with its ruled tables found, waiting for OCR.
pub struct ScanPage {
    number: u32,
    image: GrayImage,
    dpi: u32,
    grids: Vec<vanban_extract::Grid>,
    /// Dark pixels at 300 dpi, sampled: OCR time grows with the amount of print on the page.
    pub cost: u64,
    /// Page 1's image before deskewing, when it was rotated (for its header's second readings).
    unprocessed: Option<vanban_pages::Unprocessed>,
    /// Page 1's red ink alone, dark on white, at the page image's geometry (a colour page's red
    /// stamps, which the grey image drops out).
    red: Option<GrayImage>,
}

impl OpenDoc {
    /// Opens a scanned or PDF input; a document without pages is an error.
    pub fn open(engines: &Engines, input: &InputFile) -> Result<OpenDoc, DocError> {
        let src = engines.open_pages(input)?;
        if src.page_count() == 0 {
            return Err(DocError::Pages("the document has no pages".into()));
        }
        Ok(OpenDoc {
            src,
            input: input.clone(),
            rendered: std::sync::OnceLock::new(),
        })
    }

    /// Number of pages.
    pub fn page_count(&self) -> u32 {
        self.src.page_count()
    }

    /// The pages read so far that decoded only in part (with `--partial`), and what each misses.
    pub fn missing(&self) -> Vec<vanban_doc::MissingPart> {
        self.src
            .missing()
            .into_iter()
            .map(|(page, missing)| vanban_doc::MissingPart { page, missing })
            .collect()
    }

    /// Reads page `i` (from 0): a text-layer page is finished here, a scan is prepared for OCR
    /// (grey, deskewed) and its ruled tables are found.
    pub fn read_page(&self, engines: &Engines, i: u32) -> Result<ReadPage, DocError> {
        if engines.stop.load(Ordering::Relaxed) {
            return Err(DocError::Interrupted);
        }
        let number = i + 1;
        let content = self
            .src
            .page(i)
            .map_err(|e| DocError::pages(&e, &self.input.path))?;
        match content {
            PageContent::Text {
                width,
                height,
                dpi,
                lines,
            } => {
                let mut page = Page {
                    number,
                    width,
                    height,
                    dpi,
                    origin: Origin::TextLayer,
                    lines,
                };
                vanban_doc::zones::reading_order(&mut page);
                let tables = match self.render(engines, i) {
                    Some(img) => vanban_extract::extract_scan_tables(
                        number,
                        &img,
                        &mut vanban_extract::PageWordsReader::new(&page),
                    ),
                    None => Vec::new(),
                };
                Ok(ReadPage::Done((page, None, tables, None)))
            }
            PageContent::Image { image, dpi, red } => {
                let before = image.dimensions();
                // A phone's photo of a sheet on a desk is straightened first (crates/pages/src/sheet.rs).
                let image = vanban_pages::straighten_photo(image);
                // Page 1's red ink (its red stamps, crate::stampread) follows the page image's
                // geometry; a straightened photo's is dropped.
                let red = red.filter(|_| number == 1 && image.dimensions() == before);
                let (image, dpi) = vanban_pages::working_resolution(image, dpi, 7000);
                let red = red.map(|r| {
                    if r.dimensions() == image.dimensions() {
                        r
                    } else {
                        let (w, h) = image.dimensions();
                        image::imageops::resize(&r, w, h, image::imageops::FilterType::CatmullRom)
                    }
                });
                // Page 1 keeps its image before deskewing too, for its header (crate::header).
                let (image, unprocessed) =
                    vanban_pages::Prepare::default().run_keeping(image, dpi, number == 1);
                let red = red.map(|r| match &unprocessed {
                    Some(u) if u.angle != 0.0 => vanban_pages::rotate(&r, u.angle),
                    _ => r,
                });
                let grids = vanban_extract::find_grids(&image);
                let cost = ink_estimate(&image, dpi);
                Ok(ReadPage::Scan(ScanPage {
                    number,
                    image,
                    dpi,
                    grids,
                    cost,
                    unprocessed,
                    red,
                }))
            }
        }
    }

    fn render(&self, engines: &Engines, i: u32) -> Option<GrayImage> {
        let src = self
            .rendered
            .get_or_init(|| engines.open_pages_rendered(&self.input).ok())
            .as_ref()?;
        match src.page(i) {
            Ok(PageContent::Image { image, .. }) => Some(image),
            _ => None,
        }
    }
}

impl ScanPage {
    /// The page's index in its document, from 0.
    pub fn index(&self) -> u32 {
        self.number - 1
    }

    /// OCRs the page (tables blanked, their cells read one by one) and makes its thumbnail.
    pub fn recognize(mut self, engines: &Engines) -> Result<PageResult, DocError> {
        if engines.stop.load(Ordering::Relaxed) {
            return Err(DocError::Interrupted);
        }
        // Page 1's stamp frames are no tables: blanked for the page OCR like a table, read by
        // crate::stampread instead of cell by cell.
        let stamps = match self.number {
            1 => crate::stampread::take_stamp_grids(&self.image, self.dpi, &mut self.grids),
            _ => Vec::new(),
        };
        let blanked;
        let ocr_image = if stamps.is_empty() {
            &self.image
        } else {
            let mut b = self.image.clone();
            vanban_extract::blank_grids(&mut b, &stamps);
            blanked = b;
            &blanked
        };
        let (mut lines, mut tables) =
            scan_page(engines, self.number, ocr_image, self.dpi, &self.grids)?;
        let all_grids: Vec<vanban_extract::Grid> =
            self.grids.iter().chain(&stamps).cloned().collect();
        // The second readings of the page (see crate::reread, crate::recover), in this order.
        let page = self.number;
        let ocr = |e: vanban_ocr::OcrError| DocError::Ocr {
            page,
            msg: e.to_string(),
        };
        let (image, dpi) = (&self.image, self.dpi);
        crate::reread::reread_weak_lines(engines, image, dpi, &mut lines).map_err(ocr)?;
        if page == 1 {
            let (kept, t) = (self.unprocessed.as_ref(), std::time::Instant::now());
            let r =
                crate::header::read_header(engines, image, dpi, kept, &mut lines).map_err(ocr)?;
            tracing::debug!(?r, ms = t.elapsed().as_millis() as u64, "header");
        }
        crate::recover::recover_lost_lines(engines, image, dpi, &all_grids, &mut lines)
            .map_err(ocr)?;
        crate::reread::reread_recipients_block(engines, image, dpi, &mut lines).map_err(ocr)?;
        crate::reread::reread_signature_block(engines, image, dpi, &mut lines).map_err(ocr)?;
        crate::signer::reread_signer_name(engines, image, dpi, &mut lines).map_err(ocr)?;
        reread_filing_line(engines, image, dpi, &mut lines).map_err(ocr)?;
        vanban_ocr::noise::drop_marks(&mut lines);
        if page == 1 {
            let mut found =
                crate::stampread::read_stamps(engines, image, dpi, &self.grids, &mut lines)
                    .map_err(ocr)?;
            // A colour page's red stamps (an urgency mark, a receipt stamp in red ink) are paper
            // in the grey image: they are looked for in the red ink alone.
            if let Some(red) = &self.red {
                let t = std::time::Instant::now();
                let more = crate::stampread::read_stamps(engines, red, dpi, &[], &mut lines)
                    .map_err(ocr)?;
                tracing::debug!(
                    stamps = more.len(),
                    ms = t.elapsed().as_millis() as u64,
                    "red stamps"
                );
                found.extend(more);
            }
            // A stamp-sized ruled box that holds no stamp is read as the table it looked like.
            let boxes: Vec<vanban_extract::Grid> = stamps
                .into_iter()
                .filter(|g| {
                    !found
                        .iter()
                        .any(|f| crate::stampread::same_box(*f, g.bbox, dpi))
                })
                .collect();
            tables.extend(read_tables(engines, page, image, dpi, &boxes, &mut lines)?);
        }
        let (width, height) = self.image.dimensions();
        let mut page = Page {
            number: self.number,
            width,
            height,
            dpi: self.dpi,
            origin: Origin::Ocr,
            lines,
        };
        vanban_doc::zones::reading_order(&mut page);
        let thumb = thumbnail(&self.image).map_err(|e| {
            DocError::Output(format!(
                "page {}: cannot encode its image for the review page: {e}",
                self.number
            ))
        })?;
        let first = (self.number == 1).then_some(self.image);
        Ok((page, Some(thumb), tables, first))
    }
}

/// Dark pixels of a page, counted on every 4th pixel of every 4th row and scaled to 300 dpi: a
/// cheap stand-in for the OCR work a page will take (measured on the fixture scans: 150 to 315
/// sampled-and-scaled dark pixels per millisecond of OCR, against 0.3 to 2.4 s a page).
fn ink_estimate(image: &GrayImage, dpi: u32) -> u64 {
    const STEP: usize = 4;
    let w = image.width() as usize;
    let dark: u64 = image
        .as_raw()
        .chunks_exact(w.max(1))
        .step_by(STEP)
        .map(|row| row.iter().step_by(STEP).filter(|&&v| v < 128).count() as u64)
        .sum();
    let scale = (300.0 / f64::from(dpi.max(1))).powi(2);
    (dark as f64 * (STEP * STEP) as f64 * scale) as u64
}

/// OCRs a prepared page image and reads its ruled tables: the grids are found first, the page is
/// OCRed with them blanked out, and each cell is OCRed on its own crop (one line or a block; item
/// numbers checked) and restored for the table's cells. The tables' text goes into the page's
/// lines row by row, where the tables stand (those lines are restored with the document's).
fn scan_page(
    engines: &Engines,
    number: u32,
    image: &GrayImage,
    dpi: u32,
    grids: &[vanban_extract::Grid],
) -> Result<(Vec<Line>, Vec<PageTable>), DocError> {
    let ocr_err = |e: vanban_ocr::OcrError| DocError::Ocr {
        page: number,
        msg: e.to_string(),
    };
    let mut lines = if grids.is_empty() {
        engines.recognize(image, dpi)
    } else {
        let mut blanked = image.clone();
        vanban_extract::blank_grids(&mut blanked, grids);
        engines.recognize(&blanked, dpi)
    }
    .map_err(ocr_err)?;
    let tables = read_tables(engines, number, image, dpi, grids, &mut lines)?;
    Ok((lines, tables))
}

/// Reads ruled tables of a page image cell by cell and puts their rows into `lines` where the
/// tables stand (the page's lines, table rows included, are restored with the whole document).
fn read_tables(
    engines: &Engines,
    number: u32,
    image: &GrayImage,
    dpi: u32,
    grids: &[vanban_extract::Grid],
    lines: &mut Vec<Line>,
) -> Result<Vec<PageTable>, DocError> {
    let ocr_err = |e: vanban_ocr::OcrError| DocError::Ocr {
        page: number,
        msg: e.to_string(),
    };
    if grids.is_empty() {
        return Ok(Vec::new());
    }
    let mut reader = vanban_extract::OcrCells::new(
        |crop: &GrayImage, mode, whitelist, scale| {
            let segmentation = match mode {
                vanban_extract::CellMode::Line => vanban_ocr::Segmentation::Line,
                vanban_extract::CellMode::Block => vanban_ocr::Segmentation::Block,
                vanban_extract::CellMode::Word => vanban_ocr::Segmentation::Word,
            };
            let how = vanban_ocr::Recognize {
                segmentation,
                whitelist,
            };
            engines.recognize_with(crop, dpi.saturating_mul(scale), how)
        },
        |cell_lines: &mut [Line]| {
            if let Some(r) = &engines.restorer {
                restore_lines(r, cell_lines);
            }
        },
    );
    let scanned = vanban_extract::read_grids(number, image, grids, &mut reader);
    if let Some(e) = reader.take_error() {
        return Err(ocr_err(e));
    }
    let mut tables = Vec::with_capacity(scanned.len());
    for t in scanned {
        vanban_extract::insert_table_lines(lines, t.bbox, t.lines);
        tables.push((t.table, t.cut));
    }
    Ok(tables)
}

/// What the filing line may hold when it is re-read: capitals and digits of the unit codes, their
/// punctuation, and the letters of `Lưu`.
const FILING_CHARS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZĐ0123456789Lưu:,.;-/() ";

/// Re-reads the filing line at the foot of the recipients (`- Lưu: VT, VP.`) on its own, with only
/// capitals allowed. Its unit codes are two to four capitals, which Tesseract's page mode reads as
/// words (`VP.` came out `VE.` on the ke-hoach fixture, and restoration then made it `VỀ.`); read
/// alone as one line it gets them right. A code is replaced only where both readings are codes, so
/// the line's punctuation and its other words stay as the page OCR read them.
fn reread_filing_line(
    engines: &Engines,
    image: &GrayImage,
    dpi: u32,
    lines: &mut [Line],
) -> Result<(), vanban_ocr::OcrError> {
    let is_filing = |l: &Line| {
        l.words
            .iter()
            .take(2)
            .any(|w| w.raw.trim_start_matches('-').starts_with("Lưu"))
    };
    let Some(line) = lines.iter_mut().find(|l| is_filing(l)) else {
        return Ok(());
    };
    let Some(b) = line.bbox else {
        return Ok(());
    };
    let margin = (dpi / 30).max(4);
    let (x0, y0) = (b.x0.saturating_sub(margin), b.y0.saturating_sub(margin));
    let (x1, y1) = (
        (b.x1 + margin).min(image.width()),
        (b.y1 + margin).min(image.height()),
    );
    if x1 <= x0 || y1 <= y0 {
        return Ok(());
    }
    let crop = image::imageops::crop_imm(image, x0, y0, x1 - x0, y1 - y0).to_image();
    let how = vanban_ocr::Recognize {
        segmentation: vanban_ocr::Segmentation::Line,
        whitelist: Some(FILING_CHARS),
    };
    let again: Vec<String> = engines
        .recognize_with(&crop, dpi, how)?
        .into_iter()
        .flat_map(|l| l.words.into_iter().map(|w| w.raw))
        .collect();
    if again.len() != line.words.len() {
        return Ok(());
    }
    let core = |s: &str| -> String { s.trim_matches(|c: char| !c.is_alphanumeric()).to_string() };
    let is_code = |s: &str| {
        (2..=4).contains(&s.chars().count())
            && s.chars().all(|c| c.is_ascii_uppercase() || c == 'Đ')
    };
    for (w, a) in line.words.iter_mut().zip(&again) {
        let (old, new) = (core(&w.raw), core(a));
        if old != new && is_code(&old) && is_code(&new) {
            tracing::debug!("filing line: {old} read again as {new}");
            w.raw = w.raw.replacen(&old, &new, 1);
            w.text = w.raw.clone();
        }
    }
    Ok(())
}

/// The page image for the review page: downscaled to [`THUMB_MAX_SIDE`], as JPEG.
fn thumbnail(image: &GrayImage) -> Result<Thumb, image::ImageError> {
    let small = vanban_pages::downscale(image, THUMB_MAX_SIDE);
    let mut buf = Vec::new();
    small.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
        &mut buf, 75,
    ))?;
    buf.shrink_to_fit();
    Ok(buf)
}

/// Drops a leading `path: ` from an error message (the batch prints the path itself).
fn strip_path(msg: &str, path: &Path) -> String {
    let prefix = format!("{}: ", path.display());
    msg.strip_prefix(&prefix).unwrap_or(msg).to_string()
}

/// The output files of one document.
pub struct Outputs {
    base: PathBuf,
    formats: Formats,
}

impl Outputs {
    /// Outputs of the document with output stem `stem` under `out`, every format on.
    pub fn new(out: &Path, stem: &Path) -> Outputs {
        Outputs {
            base: out.join(stem),
            formats: Formats::default(),
        }
    }

    /// The same outputs with only `formats` of the optional formats.
    pub fn with_formats(mut self, formats: Formats) -> Outputs {
        self.formats = formats;
        self
    }

    /// `<stem>.<suffix>`.
    pub fn path(&self, suffix: &str) -> PathBuf {
        let mut s: OsString = self.base.clone().into_os_string();
        s.push(".");
        s.push(suffix);
        PathBuf::from(s)
    }

    fn file_name(&self, suffix: &str) -> String {
        self.path(suffix)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Writes every output, the JSON last (it marks the document done).
    pub fn write(&self, p: &Processed) -> Result<(), DocError> {
        let doc = &p.doc;
        let mut images = Vec::with_capacity(p.thumbs.len());
        for (i, t) in p.thumbs.iter().enumerate() {
            images.push(match t {
                Some(jpeg) => {
                    let suffix = format!("page-{}.jpg", i + 1);
                    vanban_doc::write_atomic(&self.path(&suffix), jpeg)?;
                    Some(self.file_name(&suffix))
                }
                None => None,
            });
        }
        for (i, t) in doc.tables.iter().enumerate() {
            let csv = vanban_extract::table_to_csv(t);
            vanban_doc::write_atomic(&self.path(&format!("table-{}.csv", i + 1)), csv.as_bytes())?;
            if self.formats.csv_excel {
                let excel = vanban_review::table_to_excel_csv(t);
                vanban_doc::write_atomic(
                    &self.path(&format!("table-{}.excel.csv", i + 1)),
                    &excel,
                )?;
            }
        }
        vanban_doc::write_atomic(
            &self.path("review.html"),
            vanban_review::review_html(doc, &images).as_bytes(),
        )?;
        vanban_doc::write_atomic(&self.path("txt"), doc.text.as_bytes())?;
        self.write_formats(doc)?;
        let json = serde_json::to_vec_pretty(doc).map_err(|e| {
            DocError::Write(vanban_doc::WriteError {
                path: self.path("json"),
                source: std::io::Error::other(e),
            })
        })?;
        vanban_doc::write_atomic(&self.path("json"), &json)?;
        crate::reapply::reapply_review(&self.base);
        Ok(())
    }
}

// ---- Output formats of issue 14 (searchable PDF, ALTO, hOCR, Markdown): rendered by vanban-output ----

/// Which of the output formats rendered by `vanban-output` a batch writes (`--formats`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Formats {
    /// `<stem>.pdf`: the source with an invisible text layer (scanned and PDF inputs).
    pub pdf: bool,
    /// `<stem>.alto.xml`: ALTO v4 (inputs with page images).
    pub alto: bool,
    /// `<stem>.hocr`: hOCR (inputs with page images).
    pub hocr: bool,
    /// `<stem>.md`: Markdown (every input).
    pub md: bool,
    /// `<stem>.table-N.excel.csv` beside each CSV: UTF-8 with BOM and `;` for Excel (`--csv-excel`).
    pub csv_excel: bool,
}

impl Default for Formats {
    fn default() -> Formats {
        Formats {
            pdf: true,
            alto: true,
            hocr: true,
            md: true,
            csv_excel: false,
        }
    }
}

impl std::str::FromStr for Formats {
    type Err = String;

    /// A comma-separated list of `pdf`, `alto`, `hocr`, `md`, or `all` or `none`.
    fn from_str(s: &str) -> Result<Formats, String> {
        let mut f = Formats {
            pdf: false,
            alto: false,
            hocr: false,
            md: false,
            csv_excel: false,
        };
        for name in s.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name.to_ascii_lowercase().as_str() {
                "pdf" => f.pdf = true,
                "alto" => f.alto = true,
                "hocr" => f.hocr = true,
                "md" | "markdown" => f.md = true,
                "all" => f = Formats::default(),
                "none" => {}
                other => {
                    return Err(format!(
                        "unknown format {other:?} (use pdf, alto, hocr, md, all or none)"
                    ))
                }
            }
        }
        Ok(f)
    }
}

impl Formats {
    /// The names of the formats on, as `--formats` takes them (recorded in the settings).
    pub fn names(&self) -> Vec<String> {
        [
            (self.pdf, "pdf"),
            (self.alto, "alto"),
            (self.hocr, "hocr"),
            (self.md, "md"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, n)| n.to_string())
        .collect()
    }

    /// Suffixes of the files written for a document with page images (`geometry`) or without.
    pub fn suffixes(&self, geometry: bool) -> Vec<&'static str> {
        let mut v = Vec::new();
        if geometry {
            v.extend(self.pdf.then_some("pdf"));
            v.extend(self.alto.then_some("alto.xml"));
            v.extend(self.hocr.then_some("hocr"));
        }
        v.extend(self.md.then_some("md"));
        v
    }
}

impl Outputs {
    /// Every output file of `doc` that exists, in a fixed order.
    pub fn files(&self, doc: &Document) -> Vec<PathBuf> {
        let mut suffixes: Vec<String> = [
            "json",
            "txt",
            "review.html",
            "pdf",
            "alto.xml",
            "hocr",
            "md",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        suffixes.extend((1..=doc.tables.len()).map(|i| format!("table-{i}.csv")));
        suffixes.extend((1..=doc.pages.len()).map(|i| format!("page-{i}.jpg")));
        suffixes
            .iter()
            .map(|s| self.path(s))
            .filter(|p| p.is_file())
            .collect()
    }

    /// The finished document as written to `<stem>.json`.
    pub fn read_document(&self) -> Option<Document> {
        serde_json::from_slice(&std::fs::read(self.path("json")).ok()?).ok()
    }

    /// Writes the chosen formats of `vanban-output` (before the JSON, which marks the document done).
    fn write_formats(&self, doc: &Document) -> Result<(), DocError> {
        let geometry = doc.pages.iter().any(|p| p.width > 0 && p.height > 0);
        if self.formats.pdf && geometry {
            let out = self.path("pdf");
            let src_path = Path::new(&doc.source.path);
            let source = std::fs::read(src_path).map_err(|e| {
                DocError::Output(format!("searchable PDF: cannot read the source: {e}"))
            })?;
            if hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&source)) != doc.source.sha256 {
                return Err(DocError::Output(
                    "searchable PDF: the source changed while it was converted".into(),
                ));
            }
            if std::fs::canonicalize(&out).ok() == std::fs::canonicalize(src_path).ok() {
                return Err(DocError::Output(format!(
                    "searchable PDF: {} is the source itself; choose another --out",
                    out.display()
                )));
            }
            let t0 = std::time::Instant::now();
            let pdf = vanban_output::searchable_pdf(doc, &source)
                .map_err(|e| DocError::Output(e.to_string()))?;
            tracing::debug!(
                ms = t0.elapsed().as_secs_f64() * 1e3,
                pages = doc.pages.len(),
                "{}: searchable PDF made",
                doc.source.path
            );
            vanban_doc::write_atomic(&out, &pdf)?;
        }
        if self.formats.alto && geometry {
            vanban_doc::write_atomic(&self.path("alto.xml"), &vanban_output::alto_xml(doc))?;
        }
        if self.formats.hocr && geometry {
            vanban_doc::write_atomic(&self.path("hocr"), &vanban_output::hocr_html(doc))?;
        }
        if self.formats.md {
            vanban_doc::write_atomic(&self.path("md"), &vanban_output::markdown(doc))?;
        }
        Ok(())
    }
}

// ---- end of the output formats of issue 14 ----

#[cfg(test)]
mod tests {
    use super::*;
    use vanban_doc::pages_from_text;

    #[test]
    fn formats_parse_lists() {
        let f: Formats = "pdf, MD".parse().unwrap();
        assert_eq!(f.suffixes(true), ["pdf", "md"]);
        assert_eq!(f.suffixes(false), ["md"]);
        assert_eq!("all".parse::<Formats>().unwrap(), Formats::default());
        assert!("none".parse::<Formats>().unwrap().suffixes(true).is_empty());
        assert!("pdf,docx".parse::<Formats>().is_err());
    }

    #[test]
    fn text_pages_split_on_form_feeds_and_keep_lines() {
        let pages = pages_from_text("Chi so\n\nhai  long\n\x0cTrang 2\n\x0c");
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].lines.len(), 3);
        assert_eq!(pages[0].lines[2].raw_text(), "hai long");
        assert_eq!(pages[1].lines[0].words[0].raw, "Trang");
    }

    #[test]
    fn tabs_between_cells_survive() {
        let pages = pages_from_text("1.1\tThực hiện\t\tx\n");
        assert_eq!(pages[0].lines[0].text(), "1.1\tThực hiện\t\tx");
    }

    #[test]
    fn text_is_nfc() {
        let pages = pages_from_text("Ho\u{0300}a");
        assert_eq!(pages[0].lines[0].words[0].raw, "Hòa");
    }

    #[test]
    fn output_paths_append_suffixes() {
        let o = Outputs::new(Path::new("/o"), Path::new("a/b.c"));
        assert_eq!(o.path("json"), PathBuf::from("/o/a/b.c.json"));
    }
}
