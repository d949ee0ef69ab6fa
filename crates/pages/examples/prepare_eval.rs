//! Measures what each clean-up step of `vanban_pages::prepare` does to OCR: every page image
//! given is OCRed as it is and after each combination of steps, and the text is written to
//! `OUT/<variant>/<page stem>.txt` for scoring with `shared/tools/score.py`
//! (`scripts/prepare_eval.sh` runs the whole measurement).
//!
//! usage: `cargo run --release -p vanban-pages --example prepare_eval -- OUT PAGE.png...`
//! (the resolution of each PNG is read from its pHYs chunk through `PageSource`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use vanban_ocr::{OcrConfig, OcrEngine};
use vanban_pages::{estimate_skew, PageContent, PageOptions, PageSource, Prepare};

fn variants() -> Vec<(&'static str, Option<Prepare>)> {
    let off = Prepare {
        deskew: false,
        min_skew_deg: 0.2,
        stretch: false,
    };
    vec![
        ("none", None),
        (
            "deskew",
            Some(Prepare {
                deskew: true,
                ..off
            }),
        ),
        (
            "stretch",
            Some(Prepare {
                stretch: true,
                ..off
            }),
        ),
        (
            "deskew+stretch",
            Some(Prepare {
                deskew: true,
                stretch: true,
                ..off
            }),
        ),
    ]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let (out, pages) = args
        .split_first()
        .ok_or("usage: prepare_eval OUT PAGE.png...")?;
    // VARIANTS (space-separated names) picks the steps compared; all by default.
    let wanted = std::env::var("VARIANTS").unwrap_or_default();
    let chosen: Vec<_> = variants()
        .into_iter()
        .filter(|(n, _)| wanted.trim().is_empty() || wanted.split_whitespace().any(|w| w == *n))
        .collect();
    let jobs: Vec<(&Path, &'static str, Option<Prepare>)> = pages
        .iter()
        .flat_map(|p| chosen.iter().map(move |(n, v)| (p.as_path(), *n, *v)))
        .collect();
    jobs.par_iter().try_for_each_init(
        || OcrEngine::new(&OcrConfig::default()).expect("Tesseract vie model"),
        |eng, (page, name, variant)| -> Result<(), String> {
            let src = PageSource::open(page, &PageOptions::default()).map_err(|e| e.to_string())?;
            let PageContent::Image { image, dpi, .. } = src.page(0).map_err(|e| e.to_string())?
            else {
                return Err(format!("{}: not an image", page.display()));
            };
            let skew = if variant.is_some_and(|v| v.deskew) {
                format!(", estimated skew {:.2} deg", estimate_skew(&image, dpi))
            } else {
                String::new()
            };
            let t = Instant::now();
            let image = match variant {
                Some(v) => v.run(image, dpi),
                None => image,
            };
            let prep_ms = t.elapsed().as_millis();
            let lines = eng.recognize(&image, dpi).map_err(|e| e.to_string())?;
            let text: String = lines.iter().map(|l| l.raw_text() + "\n").collect();
            let dir = out.join(name);
            std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
            let stem = page.file_stem().unwrap_or_default().to_string_lossy();
            std::fs::write(dir.join(format!("{stem}.txt")), text).map_err(|e| e.to_string())?;
            eprintln!("{name:>15} {stem}: prepare {prep_ms} ms{skew}");
            Ok(())
        },
    )?;
    Ok(())
}
