//! Dev check of the metadata path on scans, with word boxes: runs the `tesseract` command (vie,
//! TSV output) on page images, builds a Document the way the OCR stage does (one line per
//! Tesseract line, block numbers, word boxes, confidences; no restoration), extracts the
//! metadata and, with `--expected FILE.expected.json`, lists the fields that differ.
//!
//! Usage: `cargo run -p vanban-extract --example scan_metadata -- [--expected E.json] PAGE.png...`

use std::collections::BTreeMap;
use std::process::Command;

use vanban_doc::{BBox, Document, Line, Origin, Page, Source, Word};

/// One page read by `tesseract PAGE - -l vie tsv`.
fn ocr_page(number: u32, path: &str) -> Result<Page, String> {
    let (w, h) = image::image_dimensions(path).map_err(|e| format!("{path}: {e}"))?;
    let out = Command::new("tesseract")
        .args([path, "-", "-l", "vie", "tsv"])
        .output()
        .map_err(|e| format!("tesseract: {e}"))?;
    let tsv = String::from_utf8_lossy(&out.stdout);
    // Lines keyed by (block, paragraph, line) in reading order.
    let mut lines: BTreeMap<(u32, u32, u32), Line> = BTreeMap::new();
    for row in tsv.lines().skip(1) {
        let f: Vec<&str> = row.split('\t').collect();
        if f.len() < 12 || f[0] != "5" || f[11].trim().is_empty() {
            continue;
        }
        let n = |i: usize| f[i].parse::<u32>().unwrap_or(0);
        let conf = f[10].parse::<f32>().unwrap_or(0.0).max(0.0) / 100.0;
        let b = BBox {
            x0: n(6),
            y0: n(7),
            x1: n(6) + n(8),
            y1: n(7) + n(9),
        };
        let key = (n(2), n(3), n(4));
        let line = lines.entry(key).or_insert_with(|| Line {
            bbox: None,
            block: n(2),
            words: Vec::new(),
        });
        line.bbox = Some(line.bbox.map_or(b, |x| x.union(b)));
        line.words.push(Word::new(f[11], Some(b), conf));
    }
    Ok(Page {
        number,
        width: w,
        height: h,
        dpi: 300,
        origin: Origin::Ocr,
        lines: lines.into_values().collect(),
    })
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut expected = None;
    if args.first().map(String::as_str) == Some("--expected") && args.len() > 1 {
        expected = Some(args.remove(1));
        args.remove(0);
    }
    let mut pages = Vec::new();
    for (i, p) in args.iter().enumerate() {
        match ocr_page(i as u32 + 1, p) {
            Ok(pg) => pages.push(pg),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        }
    }
    let n = pages.len() as u32;
    let doc = Document::new(
        Source {
            path: "scan".into(),
            sha256: String::new(),
            pages: n,
        },
        pages,
    );
    let t = std::time::Instant::now();
    let m = vanban_extract::extract_metadata(&doc);
    eprintln!("extract_metadata: {:?}", t.elapsed());
    let got = serde_json::to_value(&m).unwrap_or_default();
    println!("{}", serde_json::to_string_pretty(&got).unwrap_or_default());
    if let Some(e) = expected {
        let want: serde_json::Value =
            match std::fs::read_to_string(&e).map(|s| serde_json::from_str(&s)) {
                Ok(Ok(v)) => v,
                _ => {
                    eprintln!("{e}: cannot read expected JSON");
                    std::process::exit(2);
                }
            };
        let keys = vanban_doc::METADATA_FIELDS;
        let mut right = 0;
        for k in keys {
            if got[k] == want[k] {
                right += 1;
            } else {
                println!("DIFF {k}:\n  want {}\n  got  {}", want[k], got[k]);
            }
        }
        println!("fields right: {right}/{}", keys.len());
    }
}
