//! Prints what vanban reads from a file, page by page: where each page came from (scan, rendering
//! or text layer), its size and resolution, and its lines with their block numbers, after
//! [`vanban_pages::prepare`] and OCR for image pages. A quick end-to-end check of both stages.
//!
//! usage: `cargo run -p vanban-pages --example dump -- FILE [--force-ocr] [--no-prepare] [--dpi N]`

use std::time::Instant;

use vanban_ocr::{OcrConfig, OcrEngine};
use vanban_pages::{prepare, PageContent, PageOptions, PageSource};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let file = args
        .first()
        .ok_or("usage: dump FILE [--force-ocr] [--dpi N]")?;
    let mut opts = PageOptions {
        force_ocr: args.iter().any(|a| a == "--force-ocr"),
        ..PageOptions::default()
    };
    if let Some(i) = args.iter().position(|a| a == "--dpi") {
        opts.dpi = args.get(i + 1).ok_or("--dpi needs a value")?.parse()?;
    }
    let no_prepare = args.iter().any(|a| a == "--no-prepare");
    let src = PageSource::open(file.as_ref(), &opts)?;
    let mut engine = None;
    for i in 0..src.page_count() {
        let t = Instant::now();
        let page = src.page(i)?;
        let read_ms = t.elapsed().as_millis();
        let (w, h) = page.size();
        let (kind, lines) = match page {
            PageContent::Text { lines, .. } => ("text layer", lines),
            PageContent::Image { image, dpi, .. } => {
                let eng = match &mut engine {
                    Some(e) => e,
                    None => engine.insert(OcrEngine::new(&OcrConfig::default())?),
                };
                let image = if no_prepare {
                    image
                } else {
                    prepare(image, dpi)
                };
                ("image + OCR", eng.recognize(&image, dpi)?)
            }
        };
        println!(
            "== page {} ({kind}, {w}x{h} px, read in {read_ms} ms, total {} ms)",
            i + 1,
            t.elapsed().as_millis()
        );
        for l in &lines {
            println!("[{:>2}] {}", l.block, l.raw_text());
        }
    }
    Ok(())
}
