//! Fuzz target: a page image file (TIFF, PNG or JPEG, chosen by the first byte) opened and decoded
//! as `vanban ingest` does (`PageSource::open`, `page`). A damaged file must give an error naming
//! it, never a panic or an allocation beyond the decoder limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vanban_pages::{PageOptions, PageSource};

fuzz_target!(|data: &[u8]| {
    let Some((&kind, bytes)) = data.split_first() else {
        return;
    };
    let ext = ["tif", "png", "jpg"][usize::from(kind % 3)];
    let dir = std::env::temp_dir().join(format!("vanban-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("page.{ext}"));
    if std::fs::write(&path, bytes).is_err() {
        return;
    }
    if let Ok(src) = PageSource::open(&path, &PageOptions::default()) {
        for i in 0..src.page_count().min(4) {
            if let Ok(vanban_pages::PageContent::Image { image, dpi }) = src.page(i) {
                let _ = vanban_pages::prepare(image, dpi);
            }
        }
    }
});
