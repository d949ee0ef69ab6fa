//! Time of the clean-up steps on a 300 dpi A4 page (2480 x 3508 px) of synthetic text lines
//! skewed by 1°: skew estimation alone, rotation alone, and the whole default `prepare` (estimate +
//! rotate).
//!
//! `cargo bench -p vanban-pages --bench prepare`
#![allow(missing_docs)] // criterion's macros generate undocumented items

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use image::{GrayImage, Luma};
use vanban_pages::{estimate_skew, prepare, rotate};

fn page() -> GrayImage {
    let (w, h) = (2480u32, 3508u32);
    let mut img = GrayImage::from_pixel(w, h, Luma([250]));
    let t = 1f32.to_radians().tan();
    for line in 0..40 {
        let base = 300.0 + line as f32 * 75.0;
        for x in 350..2200u32 {
            if (x / 30) % 5 == 4 || (x % 7) == 0 {
                continue;
            }
            for dy in 0..30 {
                let y = base - x as f32 * t + dy as f32;
                if (0.0..h as f32).contains(&y) {
                    img.put_pixel(x, y as u32, Luma([25]));
                }
            }
        }
    }
    img
}

fn bench(c: &mut Criterion) {
    let img = page();
    let mut g = c.benchmark_group("prepare_a4_300dpi");
    g.sample_size(10);
    g.bench_function("estimate_skew", |b| b.iter(|| estimate_skew(&img, 300)));
    g.bench_function("prepare", |b| {
        b.iter_batched(|| img.clone(), |i| prepare(i, 300), BatchSize::LargeInput)
    });
    g.bench_function("rotate_1deg", |b| b.iter(|| rotate(&img, 1.0)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
