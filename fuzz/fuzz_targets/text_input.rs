//! Fuzz target: a plain-text OCR input as `vanban ingest` reads it — bytes to pages
//! (`pages_from_text`: NFC, form feeds, tabs as cell separators), then metadata, text tables with
//! their CSV, and the review page. None may panic, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vanban_doc::{pages_from_text, Document, Source};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let pages = pages_from_text(&text);
    let source = Source { path: "fuzz.txt".into(), sha256: "0".repeat(64), pages: pages.len() as u32 };
    let mut doc = Document::new(source, pages);
    doc.text = doc.render_text();
    doc.summarize_restoration();
    doc.metadata = vanban_extract::extract_metadata(&doc);
    let tables = vanban_extract::extract_text_tables(&doc);
    for t in &tables {
        let _ = vanban_extract::table_to_csv(t);
    }
    doc.tables = vanban_extract::join_tables(tables);
    let html = vanban_review::review_html(&doc, &vec![None; doc.pages.len()]);
    assert!(!html.contains("<script>alert"), "text must be escaped in the review page");
});
