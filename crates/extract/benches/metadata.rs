//! Speed of extraction on one page: `extract_metadata` on a full page of a real plan (seed 004's
//! ground truth laid out with word boxes, as OCR gives it) and the grid finder on a 300 dpi A4 page
//! with a ruled table; and `extract_metadata` on a real pipeline document (tests/data/ocr-docs/
//! ke-hoach.json: 4 scanned pages, Tesseract word boxes, restored text). Run: `cargo bench -p
//! vanban-extract --bench metadata`.
#![allow(missing_docs)] // criterion_group! makes an undocumented public function

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use image::{GrayImage, Luma};
use vanban_doc::{BBox, Document, Line, Origin, Page, Source, Word};

fn seed_text() -> String {
    for dir in Path::new(env!("CARGO_MANIFEST_DIR")).ancestors() {
        let p = dir.join("shared/seeds/004_e3e329324efb5d2f.gt.txt");
        if let Ok(s) = std::fs::read_to_string(&p) {
            return s;
        }
    }
    panic!("shared/seeds/004_e3e329324efb5d2f.gt.txt not found above the crate");
}

/// The seed as one 300 dpi page: every word boxed, 25 px per character, 60 px per line.
fn boxed_doc(text: &str) -> Document {
    let lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let y0 = 200 + 60 * i as u32;
            let mut x = 300u32;
            let words = l
                .split_whitespace()
                .map(|w| {
                    let x1 = x + 25 * w.chars().count() as u32;
                    let b = BBox {
                        x0: x,
                        y0,
                        x1,
                        y1: y0 + 40,
                    };
                    x = x1 + 20;
                    Word::new(w, Some(b), 0.93)
                })
                .collect();
            Line {
                bbox: None,
                block: 0,
                words,
            }
        })
        .collect();
    let page = Page {
        number: 1,
        width: 2480,
        height: 3508,
        dpi: 300,
        origin: Origin::Ocr,
        lines,
    };
    Document::new(
        Source {
            path: "bench".into(),
            sha256: String::new(),
            pages: 1,
        },
        vec![page],
    )
}

/// A 300 dpi A4 page of text without a table: lines of word-like blobs and the two short rules
/// of a Decree 30 header side by side.
fn text_page() -> GrayImage {
    let mut img = GrayImage::from_pixel(2480, 3508, Luma([235]));
    let mut fill = |x0: u32, y0: u32, x1: u32, y1: u32| {
        for y in y0..y1 {
            for x in x0..x1 {
                img.put_pixel(x, y, Luma([20]));
            }
        }
    };
    fill(300, 420, 800, 424);
    fill(1500, 420, 2100, 424);
    for line in 0..45u32 {
        let y = 600 + line * 62;
        let mut x = 250;
        while x < 2200 {
            // A word: letters 22 px wide with 6 px between them.
            for _ in 0..(3 + (x / 7 + line) % 5) {
                fill(x, y, x + 22, y + 34);
                x += 28;
            }
            x += 30;
        }
    }
    img
}

fn table_page() -> GrayImage {
    let mut img = GrayImage::from_pixel(2480, 3508, Luma([235]));
    let xs = [250u32, 400, 1300, 1700, 2200];
    for r in 0..=30u32 {
        let y = 300 + r * 100;
        for x in xs[0]..xs[4] + 3 {
            for t in 0..3 {
                img.put_pixel(x, y + t, Luma([10]));
            }
        }
    }
    for &x in &xs {
        for y in 300..3303 {
            for t in 0..3 {
                img.put_pixel(x + t, y, Luma([10]));
            }
        }
    }
    img
}

fn bench(c: &mut Criterion) {
    let doc = boxed_doc(&seed_text());
    c.bench_function("extract_metadata/page", |b| {
        b.iter(|| vanban_extract::extract_metadata(&doc))
    });
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ocr-docs/ke-hoach.json");
    let json = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let scan: Document =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    c.bench_function("extract_metadata/ke-hoach_4_pages", |b| {
        b.iter(|| vanban_extract::extract_metadata(&scan))
    });
    let img = table_page();
    c.bench_function("find_grids/a4_300dpi", |b| {
        b.iter(|| vanban_extract::find_grids(&img))
    });
    let text = text_page();
    assert!(vanban_extract::find_grids(&text).is_empty());
    c.bench_function("find_grids/a4_300dpi_no_table", |b| {
        b.iter(|| vanban_extract::find_grids(&text))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
