//! Times OCR of one page image: an engine reused for every page (as the batch does) against a new
//! engine per page, and N threads with an engine each; prints ms a page and pages a minute.
//!
//! usage: `cargo run -p vanban-ocr --example ocr_time -- PAGE.png DPI [PAGES] [THREADS]`
//! Run it with and without `OMP_THREAD_LIMIT=1` to see what OpenMP does.

use std::time::Instant;

use vanban_ocr::{omp_thread_limit_is_one, OcrConfig, OcrEngine};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args
        .first()
        .ok_or("usage: ocr_time PAGE.png DPI [PAGES] [THREADS]")?;
    let dpi: u32 = args.get(1).map_or(Ok(300), |s| s.parse())?;
    let n: u32 = args.get(2).map_or(Ok(4), |s| s.parse())?;
    let threads: u32 = args.get(3).map_or(Ok(2), |s| s.parse())?;
    let img = image::open(path)?.into_luma8();
    let cfg = OcrConfig::default();
    println!(
        "{path}: {}x{} px at {dpi} dpi; OMP_THREAD_LIMIT=1: {}",
        img.width(),
        img.height(),
        omp_thread_limit_is_one()
    );
    let report = |what: &str, pages: u32, secs: f64| {
        println!(
            "{what:<28} {:>8.0} ms/page {:>7.1} pages/min",
            secs * 1000.0 / f64::from(pages),
            f64::from(pages) * 60.0 / secs
        );
    };

    let t = Instant::now();
    let mut eng = OcrEngine::new(&cfg)?;
    let load = t.elapsed().as_secs_f64();
    println!("{:<28} {:>8.0} ms", "model load", load * 1000.0);
    let t = Instant::now();
    let mut words = 0;
    for _ in 0..n {
        words = eng
            .recognize(&img, dpi)?
            .iter()
            .map(|l| l.words.len())
            .sum();
    }
    report("engine reused", n, t.elapsed().as_secs_f64());
    println!("{:<28} {words:>8}", "words a page");

    let t = Instant::now();
    for _ in 0..n {
        OcrEngine::new(&cfg)?.recognize(&img, dpi)?;
    }
    report("engine per page", n, t.elapsed().as_secs_f64());

    let t = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut eng = OcrEngine::new(&cfg).expect("model");
                for _ in 0..n {
                    eng.recognize(&img, dpi).expect("ocr");
                }
            });
        }
    });
    report(
        &format!("{threads} threads, engine each"),
        n * threads,
        t.elapsed().as_secs_f64(),
    );
    Ok(())
}
