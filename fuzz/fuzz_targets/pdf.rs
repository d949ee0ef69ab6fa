//! Fuzz target: bytes as a PDF input, opened and read page by page as `vanban ingest` does
//! (`PageSource::open` with PDFium, then `page`: text layer, embedded scan with its truncation check,
//! or a rendering at a low resolution to keep runs fast). A damaged file must give an error naming
//! it, never a panic. Needs the PDFium library: `VANBAN_PDFIUM=vendor/pdfium/libpdfium.so`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vanban_pages::{PageOptions, PageSource};

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("vanban-fuzz-pdf-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("doc.pdf");
    // Half the inputs get a PDF header, so PDFium's parser is reached more often.
    let mut bytes = Vec::with_capacity(data.len() + 9);
    if data.first().is_some_and(|b| b & 1 == 0) {
        bytes.extend_from_slice(b"%PDF-1.4\n");
    }
    bytes.extend_from_slice(data);
    if std::fs::write(&path, &bytes).is_err() {
        return;
    }
    let opts = PageOptions {
        dpi: 50,
        force_ocr: false,
        pdfium: std::env::var_os("VANBAN_PDFIUM").map(Into::into),
        partial: false,
    };
    if let Ok(src) = PageSource::open(&path, &opts) {
        for i in 0..src.page_count().min(3) {
            let _ = src.page(i);
        }
    }
});
