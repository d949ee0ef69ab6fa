//! Fuzz target: a clerk's `<stem>.review.json` decisions file, parsed and applied to a small
//! document (format and hash forced to match, so the decisions themselves are exercised). Bad
//! decisions must be refused with an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vanban_doc::{pages_from_text, Document, Source};
use vanban_review::{apply_review, ReviewDecisions, DECISIONS_FORMAT};

fuzz_target!(|data: &[u8]| {
    let Ok(mut decisions) = serde_json::from_slice::<ReviewDecisions>(data) else {
        return;
    };
    let pages = pages_from_text("Chi so hai long\ncua nguoi dan\x0cSở Nội vụ\tUBND\n");
    let source = Source { path: "fuzz.txt".into(), sha256: "0".repeat(64), pages: pages.len() as u32 };
    let mut doc = Document::new(source, pages);
    decisions.format = DECISIONS_FORMAT.to_string();
    decisions.sha256 = doc.source.sha256.clone();
    let _ = apply_review(&mut doc, &decisions);
});
