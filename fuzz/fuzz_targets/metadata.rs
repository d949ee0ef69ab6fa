//! Fuzz target: the metadata parser and the text-table finder on arbitrary text, laid out as a
//! text input (one page, one line per text line, words split on spaces). Neither may panic.
//! Run: `cargo +nightly fuzz run metadata` (from the project root).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vanban_doc::{Document, Line, Origin, Page, Source, Word};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text
        .split(['\n', '\x0c'])
        .map(|l| Line {
            bbox: None,
            block: 0,
            words: l.split(' ').filter(|w| !w.is_empty()).map(|w| Word::new(w, None, 1.0)).collect(),
        })
        .collect();
    let page = Page { number: 1, width: 0, height: 0, dpi: 0, origin: Origin::TextFile, lines };
    let doc = Document::new(Source { path: "fuzz".into(), sha256: String::new(), pages: 1 }, vec![page]);
    let m = vanban_extract::extract_metadata(&doc);
    let _ = serde_json_free(&m);
    for t in vanban_extract::extract_text_tables(&doc) {
        let _ = vanban_extract::table_to_csv(&t);
    }
});

/// Touches every field so nothing is optimised away.
fn serde_json_free(m: &vanban_doc::Metadata) -> usize {
    m.recipients.len() + m.references.len() + m.sections.len() + m.subject.as_ref().map_or(0, String::len)
}
