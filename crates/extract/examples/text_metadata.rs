//! Prints the metadata and tables extracted from a plain-text input, built as the pipeline builds
//! text inputs (one page, origin TextFile, one line per text line, words split on spaces so that
//! tabs stay inside words).
//!
//! Usage: `cargo run -p vanban-extract --example text_metadata -- FILE.txt`

use vanban_doc::{Document, Line, Origin, Page, Source, Word};

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
    let lines = text
        .lines()
        .map(|l| Line {
            bbox: None,
            block: 0,
            words: l
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(|w| Word::new(w, None, 1.0))
                .collect(),
        })
        .collect();
    let page = Page {
        number: 1,
        width: 0,
        height: 0,
        dpi: 0,
        origin: Origin::TextFile,
        lines,
    };
    let mut doc = Document::new(
        Source {
            path: path.clone(),
            sha256: String::new(),
            pages: 1,
        },
        vec![page],
    );
    doc.metadata = vanban_extract::extract_metadata(&doc);
    doc.tables = vanban_extract::extract_text_tables(&doc);
    let out = serde_json::json!({"metadata": doc.metadata, "tables": doc.tables.iter().map(|t| serde_json::json!({"title": t.title, "pages": t.pages, "header": t.header, "rows": t.rows.len()})).collect::<Vec<_>>()});
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
}
