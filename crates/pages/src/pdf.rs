//! PDF pages through PDFium: finding and binding the library, and turning one page into either its
//! embedded scan, a rendering, or the words of its text layer.
//!
//! PDFium is not thread-safe. The library is bound once per process into a `static`, and every
//! page operation (open, read, render, close) runs under one process-wide lock, so a
//! [`crate::PageSource`] can be shared by rayon workers: each call takes the lock only for the time
//! PDFium needs, and the caller's OCR of the previous page runs meanwhile.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};

use pdfium_render::prelude::*;
use tracing::{debug, warn};

use crate::textlayer::{self, Glyph};
use crate::{PageContent, PageOptions, PagesError};

/// Name of the library file on Linux.
const LIB_NAME: &str = "libpdfium.so";
/// Environment variable naming the library file or its folder.
pub const PDFIUM_ENV: &str = "VANBAN_PDFIUM";

/// Largest page side rendered, in pixels.
pub const MAX_SIDE: u32 = 20_000;
/// Largest rendered bitmap, in bytes (PDFium renders 4 bytes a pixel).
pub const MAX_BITMAP_BYTES: u64 = 200 * 1024 * 1024;
/// Lowest resolution a too-large page is reduced to before it is refused.
const MIN_FALLBACK_DPI: u32 = 100;
/// A page whose text layer has at least this many visible non-space characters is read from it.
pub const MIN_TEXT_CHARS: usize = 20;
/// A text layer with a larger share of characters foreign to Vietnamese is OCRed instead.
pub const MAX_GARBLED: f32 = 0.05;
/// An embedded image covering at least this share of the page is taken as the page's scan.
const SCAN_COVERAGE: f32 = 0.85;

static PDFIUM: OnceLock<Pdfium> = OnceLock::new();
static BIND: Mutex<()> = Mutex::new(());
static LOCK: Mutex<()> = Mutex::new(());

fn lock() -> MutexGuard<'static, ()> {
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Finds the PDFium library: `explicit` (a file or folder), then `$VANBAN_PDFIUM` (file or folder),
/// then beside the running executable (and in `../lib` from it), then
/// `<project>/vendor/pdfium/libpdfium.so` in any folder above the executable or the current
/// folder. The error lists every place looked at and says how to install the library.
pub fn find_pdfium(explicit: Option<&Path>) -> Result<PathBuf, PagesError> {
    let mut tried = Vec::new();
    let check = |p: PathBuf, tried: &mut Vec<String>| -> Option<PathBuf> {
        let p = if p.is_dir() { p.join(LIB_NAME) } else { p };
        if p.is_file() {
            Some(p)
        } else {
            tried.push(p.display().to_string());
            None
        }
    };
    if let Some(p) = explicit {
        // A path given on purpose is the only one considered: silently using another would hide
        // the mistake.
        return check(p.to_path_buf(), &mut tried).ok_or(PagesError::PdfiumMissing { tried });
    }
    if let Some(v) = std::env::var_os(PDFIUM_ENV).filter(|v| !v.is_empty()) {
        return check(PathBuf::from(v), &mut tried).ok_or_else(|| PagesError::PdfiumMissing {
            tried: tried
                .iter()
                .map(|t| format!("{t} (from ${PDFIUM_ENV})"))
                .collect(),
        });
    }
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|e| e.canonicalize().ok())
        .and_then(|e| e.parent().map(Path::to_path_buf));
    if let Some(dir) = &exe_dir {
        for cand in [dir.join(LIB_NAME), dir.join("../lib").join(LIB_NAME)] {
            if let Some(p) = check(cand, &mut tried) {
                return Ok(p);
            }
        }
    }
    let cwd = std::env::current_dir().ok();
    for start in exe_dir.iter().chain(cwd.iter()) {
        for dir in start.ancestors() {
            if let Some(p) = check(dir.join("vendor/pdfium").join(LIB_NAME), &mut tried) {
                return Ok(p);
            }
        }
    }
    Err(PagesError::PdfiumMissing { tried })
}

/// Binds PDFium once per process (later calls return the bound library whatever `explicit` says).
pub fn bind_pdfium(explicit: Option<&Path>) -> Result<&'static Pdfium, PagesError> {
    if let Some(p) = PDFIUM.get() {
        return Ok(p);
    }
    let _guard = BIND.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(p) = PDFIUM.get() {
        return Ok(p);
    }
    let path = find_pdfium(explicit)?;
    let bindings = Pdfium::bind_to_library(&path).map_err(|e| PagesError::PdfiumLoad {
        path: path.clone(),
        detail: e.to_string(),
    })?;
    debug!(path = %path.display(), "bound PDFium");
    Ok(PDFIUM.get_or_init(|| Pdfium::new(bindings)))
}

/// An open PDF document. Only touched while holding [`LOCK`].
pub(crate) struct PdfSource {
    doc: Option<PdfDocument<'static>>,
    count: u32,
}

impl Drop for PdfSource {
    fn drop(&mut self) {
        let _guard = lock();
        self.doc.take();
    }
}

impl PdfSource {
    /// Opens `path` (already checked to start like a PDF).
    pub(crate) fn open(path: &Path, options: &PageOptions) -> Result<PdfSource, PagesError> {
        let pdfium = bind_pdfium(options.pdfium.as_deref())?;
        let _guard = lock();
        let doc = pdfium
            .load_pdf_from_file(path, None)
            .map_err(|e| load_error(path, e))?;
        let count = u32::try_from(doc.pages().len()).unwrap_or(0);
        if count == 0 {
            return Err(PagesError::NoPages {
                path: path.to_path_buf(),
            });
        }
        Ok(PdfSource {
            doc: Some(doc),
            count,
        })
    }

    /// Number of pages.
    pub(crate) fn count(&self) -> u32 {
        self.count
    }

    /// Reads page `index` (from 0).
    pub(crate) fn page(
        &self,
        path: &Path,
        index: u32,
        options: &PageOptions,
        missing: &mut Option<String>,
    ) -> Result<PageContent, PagesError> {
        let number = index + 1;
        let page_err = |detail: String| PagesError::Page {
            path: path.to_path_buf(),
            page: number,
            detail,
        };
        let _guard = lock();
        let doc = self
            .doc
            .as_ref()
            .ok_or_else(|| page_err("document already closed".into()))?;
        let page_index =
            PdfPageIndex::try_from(index).map_err(|_| page_err("page index too large".into()))?;
        let page = doc
            .pages()
            .get(page_index)
            .map_err(|e| page_err(format!("cannot load the page: {e}")))?;
        let (w_pt, h_pt) = (page.width().value, page.height().value);
        if !(w_pt.is_finite() && h_pt.is_finite() && w_pt >= 1.0 && h_pt >= 1.0) {
            return Err(PagesError::BadPageSize {
                path: path.to_path_buf(),
                page: number,
                width: 0,
                height: 0,
                detail: format!("the page size is {w_pt}x{h_pt} pt"),
                max_side: MAX_SIDE,
                max_mb: (MAX_BITMAP_BYTES >> 20) as u32,
            });
        }
        let upright = matches!(page.rotation(), Ok(PdfPageRenderRotation::None));
        let text = page.text().ok();
        if !options.force_ocr && upright {
            if let Some(text) = &text {
                if visible_chars(text, MIN_TEXT_CHARS) >= MIN_TEXT_CHARS {
                    let glyphs = glyphs(text, h_pt, options.dpi);
                    let garbled = textlayer::garbled_share(&glyphs);
                    if garbled <= MAX_GARBLED {
                        return Ok(text_layer(&glyphs, w_pt, h_pt, options.dpi));
                    }
                    warn!(
                        "{}: page {number}: {:.0}% of the text layer is not Unicode Vietnamese \
                         (a legacy font encoding such as TCVN3 or VNI?); reading the page by OCR",
                        path.display(),
                        garbled * 100.0
                    );
                }
            }
        }
        // A page image cut short would be drawn with a grey band by PDFium, without a word.
        if let Some((detail, data)) = truncated_jpeg(&page) {
            if !options.partial {
                return Err(PagesError::Page {
                    path: path.to_path_buf(),
                    page: number,
                    detail,
                });
            }
            // Read on (PDFium draws what the data holds); say which rows of the image are missing.
            *missing = Some(
                match image::load_from_memory_with_format(&data, image::ImageFormat::Jpeg) {
                    Ok(img) => format!("its scanned image: {}", crate::raster::missing_rows(&img)),
                    Err(_) => format!(
                        "its scanned image: an unknown part: {}",
                        crate::raster::JPEG_TRUNCATED_SHORT
                    ),
                },
            );
        }
        if upright {
            match embedded_scan(&page, w_pt, h_pt) {
                Ok(Some(content)) => return Ok(content),
                Ok(None) => {}
                Err(e) => warn!(
                    "{}: page {number}: cannot take the embedded image ({e}); rendering the page",
                    path.display()
                ),
            }
        }
        render(&page, path, number, w_pt, h_pt, options.dpi)
    }
}

impl PdfSource {
    /// The text of page `index`'s text layer whatever the page is, with its annotations flattened
    /// into it first (on a signed scan, the digital-signature box: `Ký bởi: … Thời gian ký: …`),
    /// lines separated by newlines; `None` when the page has no text. The flattening changes the
    /// loaded document, so a source used for this should not then be read for page images.
    pub(crate) fn layer_text(&self, index: u32) -> Option<String> {
        let _guard = lock();
        let doc = self.doc.as_ref()?;
        let mut page = doc.pages().get(PdfPageIndex::try_from(index).ok()?).ok()?;
        // Signature boxes are form-field appearances, outside the page's text until flattened
        // (in this loaded copy only; the file is never written).
        if let Err(e) = page.flatten() {
            tracing::debug!("page {}: cannot flatten its annotations: {e}", index + 1);
        }
        let text = page.text().ok()?.all();
        let text = text.replace('\r', "\n");
        (!text.trim().is_empty()).then_some(text)
    }
}

/// Turns a PDFium load error into a plain-words error naming the file.
fn load_error(path: &Path, e: PdfiumError) -> PagesError {
    let path = path.to_path_buf();
    match e {
        PdfiumError::PdfiumLibraryInternalError(
            PdfiumInternalError::PasswordError | PdfiumInternalError::SecurityError,
        ) => PagesError::Encrypted { path },
        PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::FormatError) => {
            PagesError::Corrupt {
                path,
                detail: "PDFium cannot parse it (bad or missing cross-reference table, \
                         objects or trailer)"
                    .into(),
            }
        }
        PdfiumError::IoError(source) => PagesError::Io { path, source },
        other => PagesError::Corrupt {
            path,
            detail: format!("PDFium cannot open it: {other}"),
        },
    }
}

/// Counts visible, non-space, non-generated characters, stopping at `enough`.
fn visible_chars(text: &PdfPageText, enough: usize) -> usize {
    let mut n = 0;
    for c in text.chars().iter() {
        if c.unicode_char()
            .is_some_and(|ch| !ch.is_whitespace() && !ch.is_control())
            && !c.is_generated().unwrap_or(true)
            && is_visible(&c)
        {
            n += 1;
            if n >= enough {
                break;
            }
        }
    }
    n
}

fn is_visible(c: &PdfPageTextChar) -> bool {
    !matches!(c.render_mode(), Ok(PdfPageTextRenderMode::Invisible))
}

/// The page's text-layer characters with boxes in pixels at `dpi` (invisible text left out).
fn glyphs(text: &PdfPageText, h_pt: f32, dpi: u32) -> Vec<Glyph> {
    let scale = dpi as f32 / 72.0;
    let chars = text.chars();
    let mut glyphs = Vec::with_capacity(chars.len());
    for c in chars.iter() {
        let Some(ch) = c.unicode_char() else { continue };
        if ch.is_whitespace() || ch.is_control() {
            glyphs.push(Glyph::space(ch));
            continue;
        }
        if !is_visible(&c) {
            continue;
        }
        let Ok(r) = c.loose_bounds() else { continue };
        glyphs.push(Glyph {
            ch,
            x0: r.left().value * scale,
            y0: (h_pt - r.top().value) * scale,
            x1: r.right().value * scale,
            y1: (h_pt - r.bottom().value) * scale,
        });
    }
    glyphs
}

/// Groups text-layer glyphs into a text page of `w_pt` x `h_pt` points at `dpi`.
fn text_layer(glyphs: &[Glyph], w_pt: f32, h_pt: f32, dpi: u32) -> PageContent {
    let scale = dpi as f32 / 72.0;
    let width = (w_pt * scale).ceil() as u32;
    let height = (h_pt * scale).ceil() as u32;
    let lines = textlayer::group(glyphs, width, height);
    PageContent::Text {
        width,
        height,
        dpi,
        lines,
    }
}

/// Why the page cannot be read whole, when one of its images is a JPEG (`DCTDecode`, its only
/// filter) whose data is cut short, with that data.
fn truncated_jpeg(page: &PdfPage) -> Option<(String, Vec<u8>)> {
    for obj in page.objects().iter() {
        let Some(img) = obj.as_image_object() else {
            continue;
        };
        let filters: Vec<String> = img.filters().iter().map(|f| f.name().to_string()).collect();
        if filters.len() != 1 || filters[0] != "DCTDecode" {
            continue;
        }
        let data = img.get_raw_image_data().ok()?;
        if !data.is_empty() && !crate::raster::jpeg_is_complete(&data) {
            return Some((
                format!("its scanned image: {}", crate::raster::JPEG_TRUNCATED),
                data,
            ));
        }
    }
    None
}

/// The page as its one embedded image at native resolution, when the page is a scan.
fn embedded_scan(page: &PdfPage, w_pt: f32, h_pt: f32) -> Result<Option<PageContent>, PdfiumError> {
    let objects = page.objects();
    let mut image = None;
    for obj in objects.iter() {
        match obj.object_type() {
            // An invisible OCR layer over a scan is ignored (too few visible characters got us here).
            PdfPageObjectType::Text => {}
            PdfPageObjectType::Image if image.is_none() => image = Some(obj),
            _ => return Ok(None),
        }
    }
    let Some(obj) = image else { return Ok(None) };
    let Some(img) = obj.as_image_object() else {
        return Ok(None);
    };
    let bounds = obj.bounds()?.to_rect();
    let (bw, bh) = (bounds.width().value, bounds.height().value);
    if bw * bh < SCAN_COVERAGE * w_pt * h_pt {
        return Ok(None);
    }
    let (iw, ih) = (img.width()?, img.height()?);
    if iw <= 0 || ih <= 0 {
        return Ok(None);
    }
    let dpi_x = iw as f32 * 72.0 / bw;
    let dpi_y = ih as f32 * 72.0 / bh;
    // A rotated, stretched or tiny image is rendered instead.
    if (dpi_x - dpi_y).abs() > 0.03 * dpi_x || !(70.0..=1200.0).contains(&dpi_x) {
        return Ok(None);
    }
    if u64::from(iw.unsigned_abs()) * u64::from(ih.unsigned_abs()) * 4 > MAX_BITMAP_BYTES
        || iw as u32 > MAX_SIDE
        || ih as u32 > MAX_SIDE
    {
        return Ok(None);
    }
    let (gray, red) = crate::color::ink_layers(img.get_raw_image()?);
    if gray.width() != iw as u32 || gray.height() != ih as u32 {
        return Ok(None);
    }
    Ok(Some(PageContent::Image {
        image: gray,
        dpi: dpi_x.round() as u32,
        red,
    }))
}

/// Renders the page at `dpi` (lowered to fit the size limits when the page is huge).
fn render(
    page: &PdfPage,
    path: &Path,
    number: u32,
    w_pt: f32,
    h_pt: f32,
    dpi: u32,
) -> Result<PageContent, PagesError> {
    let px = |d: u32| {
        let s = f64::from(d) / 72.0;
        (
            (f64::from(w_pt) * s).ceil() as u64,
            (f64::from(h_pt) * s).ceil() as u64,
        )
    };
    let fits = |(w, h): (u64, u64)| {
        w <= u64::from(MAX_SIDE) && h <= u64::from(MAX_SIDE) && w * h * 4 <= MAX_BITMAP_BYTES
    };
    let mut use_dpi = dpi.max(1);
    if !fits(px(use_dpi)) {
        let (w, h) = px(use_dpi);
        let by_area = ((MAX_BITMAP_BYTES / 4) as f64 / (w * h) as f64).sqrt();
        let by_side = f64::from(MAX_SIDE) / w.max(h) as f64;
        let lower = (f64::from(use_dpi) * by_area.min(by_side)).floor() as u32;
        if lower < MIN_FALLBACK_DPI.min(use_dpi) || !fits(px(lower)) {
            return Err(PagesError::BadPageSize {
                path: path.to_path_buf(),
                page: number,
                width: w,
                height: h,
                detail: format!("{w_pt:.0}x{h_pt:.0} pt at {use_dpi} dpi"),
                max_side: MAX_SIDE,
                max_mb: (MAX_BITMAP_BYTES >> 20) as u32,
            });
        }
        warn!(
            "{}: page {number}: {w_pt:.0}x{h_pt:.0} pt is too large at {use_dpi} dpi; rendering at {lower} dpi",
            path.display()
        );
        use_dpi = lower;
    }
    let (w, h) = px(use_dpi);
    let config = PdfRenderConfig::new()
        .set_target_width(w as i32)
        .set_maximum_height(h as i32);
    let bitmap = page
        .render_with_config(&config)
        .map_err(|e| PagesError::Page {
            path: path.to_path_buf(),
            page: number,
            detail: format!("cannot render the page: {e}"),
        })?;
    let image = bitmap.as_image().map_err(|e| PagesError::Page {
        path: path.to_path_buf(),
        page: number,
        detail: format!("cannot read the rendered bitmap: {e}"),
    })?;
    let (image, red) = crate::color::ink_layers(image);
    Ok(PageContent::Image {
        image,
        dpi: use_dpi,
        red,
    })
}
