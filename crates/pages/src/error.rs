//! The one error type of this crate: every variant names the file (and the page when there is one)
//! and says the cause in plain words, so the batch can print `path: reason`, count it and go on.

use std::path::PathBuf;

/// How to get the PDFium library, repeated in every error about it.
pub const PDFIUM_HELP: &str = "install it with `scripts/setup.sh`, or run \
`pip download --no-deps pypdfium2==5.15.2`, unzip the wheel and copy `pypdfium2_raw/libpdfium.so` \
to `vendor/pdfium/libpdfium.so` in the project, or set VANBAN_PDFIUM to the library file \
(or the folder holding it), or pass its path with --pdfium";

/// Reading pages from an input file failed.
#[derive(Debug, thiserror::Error)]
pub enum PagesError {
    /// The file could not be opened or read.
    #[error("{path}: cannot read the file: {source}")]
    Io {
        /// The input file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The file is neither a PDF nor a TIFF, PNG or JPEG image.
    #[error("{path}: not a PDF, TIFF, PNG or JPEG file (it starts with {magic})")]
    UnknownFormat {
        /// The input file.
        path: PathBuf,
        /// The first bytes, escaped, for the message.
        magic: String,
    },
    /// The PDF is password protected.
    #[error(
        "{path}: the PDF is encrypted (password protected); decrypt it first, e.g. \
         `qpdf --decrypt --password=PASSWORD in.pdf out.pdf`"
    )]
    Encrypted {
        /// The input file.
        path: PathBuf,
    },
    /// The PDF (or image) is damaged or cut short.
    #[error("{path}: damaged or truncated file: {detail}")]
    Corrupt {
        /// The input file.
        path: PathBuf,
        /// What the decoder said.
        detail: String,
    },
    /// The file holds no pages.
    #[error("{path}: the file has no pages")]
    NoPages {
        /// The input file.
        path: PathBuf,
    },
    /// A page number past the end was asked for.
    #[error("{path}: page {page} does not exist (the file has {count} pages)")]
    NoSuchPage {
        /// The input file.
        path: PathBuf,
        /// The page asked for, from 1.
        page: u32,
        /// Pages in the file.
        count: u32,
    },
    /// A page could not be read, decoded or rendered.
    #[error("{path}: page {page}: {detail}")]
    Page {
        /// The input file.
        path: PathBuf,
        /// The page, from 1.
        page: u32,
        /// The cause.
        detail: String,
    },
    /// A page is so large that rendering it would use absurd memory (or has no size at all).
    #[error(
        "{path}: page {page}: refusing a page of {width}x{height} px ({detail}); \
         the limit is {max_side} px a side and {max_mb} MB"
    )]
    BadPageSize {
        /// The input file.
        path: PathBuf,
        /// The page, from 1.
        page: u32,
        /// Width in pixels at the chosen resolution.
        width: u64,
        /// Height in pixels at the chosen resolution.
        height: u64,
        /// What is wrong with it.
        detail: String,
        /// Largest side allowed.
        max_side: u32,
        /// Largest bitmap allowed, MB.
        max_mb: u32,
    },
    /// An image uses a format or pixel layout this crate does not read.
    #[error("{path}: page {page}: unsupported image: {detail}")]
    Unsupported {
        /// The input file.
        path: PathBuf,
        /// The page, from 1.
        page: u32,
        /// What is not supported.
        detail: String,
    },
    /// The PDFium library was not found anywhere it is looked for.
    #[error("the PDFium library (libpdfium.so) was not found; looked at: {}. To fix: {PDFIUM_HELP}", .tried.join(", "))]
    PdfiumMissing {
        /// The places looked at, in order.
        tried: Vec<String>,
    },
    /// The PDFium library was found but could not be loaded.
    #[error("{path}: cannot load the PDFium library: {detail}. To fix: {PDFIUM_HELP}")]
    PdfiumLoad {
        /// The library file.
        path: PathBuf,
        /// What the loader said.
        detail: String,
    },
}

/// Escapes the first bytes of a file for an error message.
pub(crate) fn describe_magic(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "nothing: the file is empty".to_string();
    }
    let head = &bytes[..bytes.len().min(8)];
    format!("\"{}\"", head.escape_ascii())
}
