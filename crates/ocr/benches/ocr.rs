//! Pages per minute of OCR on a full A4 page at 200 dpi: one engine reused (as the batch does)
//! against an engine created for every page.
//!
//! `OMP_THREAD_LIMIT=1 cargo bench -p vanban-ocr` (and without the variable, to see OpenMP's effect).
#![allow(missing_docs)] // criterion's macros generate undocumented items

use criterion::{criterion_group, criterion_main, Criterion};
use vanban_ocr::{OcrConfig, OcrEngine};

fn bench(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/page.png");
    let img = image::open(path).expect("test page").into_luma8();
    let cfg = OcrConfig::default();
    let mut g = c.benchmark_group("ocr_a4_200dpi");
    g.sample_size(10);
    let mut eng = OcrEngine::new(&cfg).expect("vie model");
    g.bench_function("engine_reused", |b| {
        b.iter(|| eng.recognize(&img, 200).expect("ocr"))
    });
    g.bench_function("engine_per_page", |b| {
        b.iter(|| {
            let mut e = OcrEngine::new(&cfg).expect("vie model");
            e.recognize(&img, 200).expect("ocr")
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
