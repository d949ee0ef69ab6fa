//! Prints the metadata and tables extracted from a plain-text input, built as the pipeline builds
//! text inputs (one page, origin TextFile, one line per text line, words split on spaces so that
//! tabs stay inside words).
//!
//! Usage: `cargo run -p vanban-extract --example text_metadata -- FILE.txt`

use vanban_doc::{Document, Source};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: text_metadata FILE.txt");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let pages = vanban_doc::pages_from_text(&text);
    let n = pages.len() as u32;
    let mut doc = Document::new(
        Source {
            path: path.clone(),
            sha256: String::new(),
            pages: n,
        },
        pages,
    );
    doc.metadata = vanban_extract::extract_metadata(&doc);
    doc.tables = vanban_extract::extract_text_tables(&doc);
    let out = serde_json::json!({"metadata": doc.metadata, "tables": doc.tables.iter().map(|t| serde_json::json!({"title": t.title, "pages": t.pages, "header": t.header, "rows": t.rows.len()})).collect::<Vec<_>>()});
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
}
