//! Converting one file from Rust code with vanban's library crates: the steps `vanban ingest` takes
//! for a document, in their simplest form (no batch, no page scheduling, no table reading on the
//! page images, no re-reading of weak lines).
//!
//! ```text
//! cargo run --release -p vanban --example convert_one -- FILE [OUT.md]
//! ```
//!
//! FILE is a PDF, TIFF, PNG, JPEG or text file. Prints the Decree 30 metadata as JSON and the restored
//! text; with OUT.md also writes the Markdown rendering. pdfium is found through `VANBAN_PDFIUM`,
//! the dictionary through `VANBAN_DICT` (default `dictionaries/vanban.dict`).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use vanban_doc::{Correction, Document, Line, Origin, Page, Source};
use vanban_input::InputKind;
use vanban_pages::{PageContent, PageOptions, PageSource};

fn main() -> Result<()> {
    let mut args = std::env::args_os().skip(1).map(PathBuf::from);
    let Some(path) = args.next() else {
        bail!("usage: convert_one FILE [OUT.md]");
    };
    let doc = convert(&path)?;
    println!("{}", serde_json::to_string_pretty(&doc.metadata)?);
    println!("{}", doc.text);
    if let Some(md) = args.next() {
        vanban_doc::write_atomic(&md, &vanban_output::markdown(&doc))?;
    }
    Ok(())
}

/// The document of one input file: pages, OCR, restoration, metadata and text tables.
fn convert(path: &Path) -> Result<Document> {
    let kind = InputKind::from_path(path).with_context(|| {
        format!(
            "{}: not a PDF, TIFF, PNG, JPEG or text file",
            path.display()
        )
    })?;
    let pages = match kind {
        InputKind::Text => {
            let text = vanban_input::read_text(path, vanban_input::MAX_TEXT_BYTES)?;
            vanban_doc::pages_from_text(&text)
        }
        _ => scanned_pages(path)?,
    };
    let source = Source {
        path: path.display().to_string(),
        sha256: vanban_input::sha256_file(path)?,
        pages: pages.len() as u32,
    };
    let mut doc = Document::new(source, pages);
    // Receipt and urgency stamps out of the text, then diacritics restored line by line.
    vanban_extract::take_stamps(&mut doc);
    vanban_extract::take_signature_box(&mut doc);
    let dict = std::env::var_os("VANBAN_DICT")
        .map_or_else(|| "dictionaries/vanban.dict".into(), PathBuf::from);
    let restorer = vanban_restore::Restorer::load(&dict)
        .with_context(|| format!("{}: cannot load the dictionary", dict.display()))?;
    for page in &mut doc.pages {
        for line in &mut page.lines {
            restore(&restorer, line);
        }
    }
    doc.text = doc.render_text();
    doc.summarize_restoration();
    doc.metadata = vanban_extract::extract_metadata(&doc);
    doc.tables = vanban_extract::extract_text_tables(&doc);
    Ok(doc)
}

/// The pages of a PDF or image file: a text layer as it is, a page image cleaned up and OCRed.
fn scanned_pages(path: &Path) -> Result<Vec<Page>> {
    let options = PageOptions {
        pdfium: std::env::var_os("VANBAN_PDFIUM").map(PathBuf::from),
        ..PageOptions::default()
    };
    let source = PageSource::open(path, &options)?;
    let mut ocr = vanban_ocr::OcrEngine::new(&vanban_ocr::OcrConfig {
        lang: "vie".into(),
        tessdata: None,
    })?;
    let mut pages = Vec::new();
    for i in 0..source.page_count() {
        let mut page = match source.page(i)? {
            PageContent::Text {
                width,
                height,
                dpi,
                lines,
            } => Page {
                number: i + 1,
                width,
                height,
                dpi,
                origin: Origin::TextLayer,
                lines,
            },
            PageContent::Image { image, dpi, .. } => {
                let (image, dpi) = vanban_pages::working_resolution(image, dpi, 7000);
                let image = vanban_pages::prepare(image, dpi);
                Page {
                    number: i + 1,
                    width: image.width(),
                    height: image.height(),
                    dpi,
                    origin: Origin::Ocr,
                    lines: ocr.recognize(&image, dpi)?,
                }
            }
        };
        vanban_doc::zones::reading_order(&mut page);
        pages.push(page);
    }
    Ok(pages)
}

/// Restores one line's words in place, recording each change and how sure the restorer is.
fn restore(restorer: &vanban_restore::Restorer, line: &mut Line) {
    let raws: Vec<&str> = line.words.iter().map(|w| w.raw.as_str()).collect();
    let tokens = restorer.restore_line_in_context(&[], &raws, &[]);
    for (w, t) in line.words.iter_mut().zip(tokens) {
        if t.changed {
            w.text = t.text;
            w.correction = Some(Correction {
                conf: t.conf,
                alternatives: t.alternatives,
                uncertain: t.uncertain,
            });
        } else {
            w.text = w.raw.clone();
            w.correction = None;
        }
    }
}
