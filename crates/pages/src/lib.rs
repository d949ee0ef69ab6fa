//! The pages stage: one input file (PDF, TIFF, PNG, JPEG) → its pages, one at a time, each either
//! a grey image ready for OCR or, for PDF pages with a real text layer, the words of that layer.
//!
//! Open a file with [`PageSource::open`], ask [`PageSource::page_count`], then call
//! [`PageSource::page`] for each page — from as many rayon workers as you like: a `PageSource` is
//! `Send + Sync`, pages are decoded lazily (only the asked page is in memory), and PDFium, which is
//! not thread-safe, is used under one process-wide lock inside. [`prepare`] cleans a page image
//! before OCR; [`downscale`] makes its thumbnail.
//!
//! ```no_run
//! use vanban_pages::{PageContent, PageOptions, PageSource};
//! let src = PageSource::open("scan.pdf".as_ref(), &PageOptions::default())?;
//! for i in 0..src.page_count() {
//!     match src.page(i)? {
//!         PageContent::Image { image, dpi, .. } => { /* OCR it */ }
//!         PageContent::Text { lines, .. } => { /* already words */ }
//!     }
//! }
//! # Ok::<(), vanban_pages::PagesError>(())
//! ```
//!
//! What is done with each kind of page:
//! - a PDF page holding one embedded image that fills it (a scan) gives that image at its native
//!   resolution (dpi = image pixels / page inches);
//! - a PDF page with at least [`MIN_TEXT_CHARS`] visible characters in its text layer (e.g. printed
//!   by Chromium or Word) gives [`PageContent::Text`], words with boxes in pixels at
//!   [`PageOptions::dpi`], unless [`PageOptions::force_ocr`]; an invisible OCR layer over a scan
//!   does not count, and a layer more than [`MAX_GARBLED`] foreign to Vietnamese (text set in a
//!   legacy TCVN3/VNI font, which reads "Céng hßa") is OCRed instead, with a warning;
//! - any other PDF page is rendered at [`PageOptions::dpi`] (lowered, with a warning, for pages too
//!   large to render at it);
//! - TIFF (multi-page, bilevel/grey/RGB, any compression the `tiff` crate reads, G4 included), PNG
//!   and JPEG pages give their pixels, dpi from the file's metadata or 300 assumed.

mod color;
mod error;
mod pdf;
mod prepare;
mod raster;
mod scale;
mod sheet;
mod textlayer;

use std::io::Read;
use std::path::{Path, PathBuf};

pub use color::{ink_gray, ink_layers, INK_SATURATION, RED_INK};
pub use error::{PagesError, PDFIUM_HELP};
pub use image::GrayImage;
pub use pdf::{
    bind_pdfium, find_pdfium, MAX_BITMAP_BYTES, MAX_GARBLED, MAX_SIDE, MIN_TEXT_CHARS, PDFIUM_ENV,
};
pub use prepare::{estimate_skew, prepare, rotate, Prepare, Unprocessed};
pub use raster::ASSUMED_DPI;
pub use scale::{downscale, working_resolution, MIN_WORKING_DPI, WORKING_DPI};
pub use sheet::{find_sheet, flatten, straighten_photo};
pub use textlayer::{garbled_share, group as group_glyphs, Glyph};

/// How pages are produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageOptions {
    /// Resolution for rendering PDF pages that are not one scan, and for text-layer coordinates.
    pub dpi: u32,
    /// Render and OCR PDF pages even when they have a text layer.
    pub force_ocr: bool,
    /// The PDFium library (file or folder); `None` searches as [`find_pdfium`] says.
    pub pdfium: Option<PathBuf>,
    /// Read a page whose JPEG data is cut short as far as it goes (the missing part grey) instead
    /// of refusing it; [`PageSource::missing`] then says what is missing.
    pub partial: bool,
}

impl Default for PageOptions {
    fn default() -> Self {
        PageOptions {
            dpi: 300,
            force_ocr: false,
            pdfium: None,
            partial: false,
        }
    }
}

/// One page, ready for the next stage.
#[derive(Clone, Debug, PartialEq)]
pub enum PageContent {
    /// A page image for OCR (0 = black, 255 = white).
    Image {
        /// The pixels.
        image: GrayImage,
        /// Its resolution in dots per inch.
        dpi: u32,
        /// A colour page's red ink alone, dark on white, at the same size (red stamps, which the
        /// grey image drops out with the seal); `None` for grey pages and pages without red.
        red: Option<GrayImage>,
    },
    /// A page read from a PDF text layer.
    Text {
        /// Page width in pixels at `dpi`.
        width: u32,
        /// Page height in pixels at `dpi`.
        height: u32,
        /// The resolution the boxes are expressed at.
        dpi: u32,
        /// Lines in reading order, words with boxes and conf 1.0.
        lines: Vec<vanban_doc::Line>,
    },
}

impl PageContent {
    /// Width and height in pixels.
    pub fn size(&self) -> (u32, u32) {
        match self {
            PageContent::Image { image, .. } => image.dimensions(),
            PageContent::Text { width, height, .. } => (*width, *height),
        }
    }
    /// Resolution in dots per inch.
    pub fn dpi(&self) -> u32 {
        match self {
            PageContent::Image { dpi, .. } | PageContent::Text { dpi, .. } => *dpi,
        }
    }
}

/// What kind of file a source is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A PDF document.
    Pdf,
    /// A TIFF image, possibly multi-page.
    Tiff,
    /// A PNG image.
    Png,
    /// A JPEG image.
    Jpeg,
}

impl FileKind {
    /// Recognises a file by its first bytes (a PDF header may follow up to 1 KB of junk).
    pub fn sniff(head: &[u8]) -> Option<FileKind> {
        if head.starts_with(b"II*\0")
            || head.starts_with(b"MM\0*")
            || head.starts_with(b"II+\0")
            || head.starts_with(b"MM\0+")
        {
            Some(FileKind::Tiff)
        } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(FileKind::Png)
        } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileKind::Jpeg)
        } else if head.windows(5).any(|w| w == b"%PDF-") {
            Some(FileKind::Pdf)
        } else {
            None
        }
    }
}

enum Inner {
    Pdf(Box<pdf::PdfSource>),
    Tiff,
    Single(image::ImageFormat),
}

/// One input file, open for reading its pages one at a time (from any thread).
pub struct PageSource {
    path: PathBuf,
    kind: FileKind,
    count: u32,
    options: PageOptions,
    inner: Inner,
    /// Pages read only in part (with [`PageOptions::partial`]): page number (from 1) and what is
    /// missing.
    missing: std::sync::Mutex<Vec<(u32, String)>>,
}

impl std::fmt::Debug for PageSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageSource")
            .field("path", &self.path)
            .field("kind", &self.kind)
            .field("count", &self.count)
            .finish_non_exhaustive()
    }
}

impl PageSource {
    /// Opens `path`, recognising its kind by its first bytes (not its name), and counts its pages.
    pub fn open(path: &Path, options: &PageOptions) -> Result<PageSource, PagesError> {
        guard(path, 0, || Self::open_inner(path, options))
    }

    fn open_inner(path: &Path, options: &PageOptions) -> Result<PageSource, PagesError> {
        let mut head = Vec::with_capacity(1024);
        std::fs::File::open(path)
            .and_then(|f| f.take(1024).read_to_end(&mut head))
            .map_err(|source| PagesError::Io {
                path: path.to_path_buf(),
                source,
            })?;
        let kind = FileKind::sniff(&head).ok_or_else(|| PagesError::UnknownFormat {
            path: path.to_path_buf(),
            magic: error::describe_magic(&head),
        })?;
        let (inner, count) = match kind {
            FileKind::Pdf => {
                let src = pdf::PdfSource::open(path, options)?;
                let n = src.count();
                (Inner::Pdf(Box::new(src)), n)
            }
            FileKind::Tiff => (Inner::Tiff, raster::tiff_count(path)?),
            FileKind::Png => (Inner::Single(image::ImageFormat::Png), 1),
            FileKind::Jpeg => (Inner::Single(image::ImageFormat::Jpeg), 1),
        };
        Ok(PageSource {
            path: path.to_path_buf(),
            kind,
            count,
            options: options.clone(),
            inner,
            missing: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What kind of file it is.
    pub fn kind(&self) -> FileKind {
        self.kind
    }

    /// Number of pages (at least 1).
    pub fn page_count(&self) -> u32 {
        self.count
    }

    /// The text of a PDF page's text layer and annotations, whatever the page is read from (the
    /// digital-signature box over a signed scan); `None` for images and pages without text. It
    /// flattens the page's annotations in the loaded document: use a source of its own for it.
    pub fn layer_text(&self, index: u32) -> Option<String> {
        match &self.inner {
            Inner::Pdf(src) if index < self.count => src.layer_text(index),
            _ => None,
        }
    }

    /// Reads page `index` (from 0; errors name it from 1). Safe to call from several threads.
    pub fn page(&self, index: u32) -> Result<PageContent, PagesError> {
        if index >= self.count {
            return Err(PagesError::NoSuchPage {
                path: self.path.clone(),
                page: index.saturating_add(1),
                count: self.count,
            });
        }
        let mut missing = None;
        let page = guard(&self.path, index + 1, || match &self.inner {
            Inner::Pdf(src) => src.page(&self.path, index, &self.options, &mut missing),
            Inner::Tiff => raster::tiff_page(&self.path, index),
            Inner::Single(format) => {
                raster::single_page_partial(&self.path, *format, self.options.partial, &mut missing)
            }
        })?;
        if let Some(m) = missing {
            let mut list = self.missing.lock().unwrap_or_else(|e| e.into_inner());
            if !list.iter().any(|(n, _)| *n == index + 1) {
                list.push((index + 1, m));
                list.sort();
            }
        }
        Ok(page)
    }

    /// The pages read so far that decoded only in part (with [`PageOptions::partial`]): page
    /// number (from 1) and what is missing, e.g. `rows 1234–3508 of 3508 (65 % of the page): the
    /// JPEG data is cut short`.
    pub fn missing(&self) -> Vec<(u32, String)> {
        self.missing
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Runs `f`, turning a panic inside a decoder or the PDFium bindings into an error naming the
/// file (and page, when not 0), so one bad input never takes the batch down.
fn guard<T>(
    path: &Path,
    page: u32,
    f: impl FnOnce() -> Result<T, PagesError>,
) -> Result<T, PagesError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".into());
        let detail = format!("a decoder failed internally ({what})");
        Err(if page == 0 {
            PagesError::Corrupt {
                path: path.to_path_buf(),
                detail,
            }
        } else {
            PagesError::Page {
                path: path.to_path_buf(),
                page,
                detail,
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_decoder_becomes_an_error_naming_the_page() {
        let err = guard::<()>(Path::new("x.tif"), 3, || panic!("index out of bounds")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.tif: page 3: a decoder failed internally (index out of bounds)"
        );
    }

    #[test]
    fn a_source_can_be_shared_by_worker_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<PageSource>();
        send_sync::<PageContent>();
    }

    #[test]
    fn sniffs_by_content() {
        assert_eq!(FileKind::sniff(b"%PDF-1.7\n"), Some(FileKind::Pdf));
        assert_eq!(
            FileKind::sniff(b"\r\n%!junk\n%PDF-1.4"),
            Some(FileKind::Pdf)
        );
        assert_eq!(FileKind::sniff(b"II*\0\x08\0"), Some(FileKind::Tiff));
        assert_eq!(FileKind::sniff(b"\xFF\xD8\xFF\xE0"), Some(FileKind::Jpeg));
        assert_eq!(FileKind::sniff(b"<html>"), None);
        assert_eq!(FileKind::sniff(b""), None);
    }
}
