//! Bench command for the review page targets (a 5-page document's page opens in under a second and
//! stays under 2 MB without embedded images):
//!
//! ```sh
//! cargo run --release -p vanban-review --example review_open_time -- [pages] [words-per-line]
//! ```
//!
//! Builds a scanned document of `pages` pages (default 5) of 45 lines × `words-per-line` words
//! (default 12, about an A4 page of Decree 30 text), one word in eight changed and one in forty
//! uncertain, renders its review page (median of 20 runs), writes it with page images, opens it in
//! headless Chromium and prints the browser's own navigation timings. `VANBAN_CHROMIUM` names
//! the browser (default `chromium`).

use std::time::Instant;

#[path = "../tests/common/chromium.rs"]
mod chromium;

use vanban_doc::{BBox, Correction, Document, Line, Origin, Page, Source, Word};

const SYLLABLES: [&str; 16] = [
    "người", "hành", "chính", "thực", "hiện", "kế", "hoạch", "cải", "cách", "năm", "Ủy", "ban",
    "nhân", "dân", "tỉnh", "Bình",
];

fn strip(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ư' | 'ú' | 'ừ' => 'u',
            'ờ' | 'ạ' | 'ả' | 'á' | 'à' | 'ă' | 'â' | 'ấ' | 'ậ' => 'a',
            'ế' | 'ệ' | 'ê' => 'e',
            'í' | 'ì' | 'ỉ' => 'i',
            'Ủ' => 'U',
            'ự' => 'u',
            'ơ' | 'ô' | 'ó' => 'o',
            c => c,
        })
        .collect()
}

fn page(number: u32, words_per_line: u32) -> Page {
    let lines = (0..45u32)
        .map(|l| {
            let words: Vec<Word> = (0..words_per_line)
                .map(|i| {
                    let n = (number * 45 + l) * words_per_line + i;
                    let text = SYLLABLES[(n as usize * 7) % SYLLABLES.len()];
                    let x0 = 150 + i * (2100 / words_per_line);
                    let bbox = BBox {
                        x0,
                        y0: 200 + l * 70,
                        x1: x0 + 140,
                        y1: 245 + l * 70,
                    };
                    let mut w = Word::new(text, Some(bbox), 0.9);
                    if n % 8 == 0 {
                        w.raw = strip(text);
                        w.correction = Some(Correction {
                            conf: if n % 40 == 0 { 0.45 } else { 0.92 },
                            alternatives: vec![w.raw.clone(), format!("{text}x")],
                            uncertain: n % 40 == 0,
                        });
                    }
                    w
                })
                .collect();
            let bbox = words.iter().filter_map(|w| w.bbox).reduce(BBox::union);
            Line {
                bbox,
                block: l / 5,
                words,
            }
        })
        .collect();
    Page {
        number,
        width: 2480,
        height: 3508,
        dpi: 300,
        origin: Origin::Ocr,
        lines,
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let pages: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let per_line: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(12);
    let doc = Document::new(
        Source {
            path: "bench/ke-hoach.pdf".into(),
            sha256: "00".into(),
            pages,
        },
        (1..=pages).map(|n| page(n, per_line)).collect(),
    );
    let images: Vec<Option<String>> = (1..=pages)
        .map(|n| Some(format!("bench.page-{n}.jpg")))
        .collect();
    let mut times = Vec::new();
    let mut html = String::new();
    for _ in 0..20 {
        let t = Instant::now();
        html = vanban_review::review_html(&doc, &images);
        times.push(t.elapsed());
    }
    times.sort();
    let (changes, uncertain) = vanban_review::count_changes(&doc);
    println!(
        "document: {pages} pages, {} words, {changes} changes, {uncertain} uncertain",
        pages * 45 * per_line
    );
    println!(
        "review page: {} bytes, rendered in {:?} (median of 20)",
        html.len(),
        times[10]
    );

    let dir = std::env::temp_dir().join(format!("vanban-open-time-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for n in 1..=pages {
        image::RgbImage::from_pixel(1240, 1754, image::Rgb([250, 250, 245]))
            .save(dir.join(format!("bench.page-{n}.jpg")))
            .expect("page image");
    }
    let probe = r#"<script>window.addEventListener('load', function () { setTimeout(function () {
  var n = performance.getEntriesByType('navigation')[0], p = document.createElement('pre');
  p.id = 'vb-timing';
  p.textContent = 'domInteractive ' + n.domInteractive.toFixed(0) + ' ms, DOMContentLoaded ' +
    n.domContentLoadedEventEnd.toFixed(0) + ' ms, load ' + n.loadEventEnd.toFixed(0) + ' ms';
  document.body.appendChild(p); }, 0); });</script>"#;
    let file = dir.join("bench.review.html");
    std::fs::write(&file, html.replace("</body>", &format!("{probe}</body>"))).expect("write page");
    let t = Instant::now();
    let dom = chromium::run(&dir, &file, &["--dump-dom"]);
    let wall = t.elapsed();
    let timing = dom
        .split("id=\"vb-timing\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap_or("(no timing: the page did not finish loading)");
    println!("chromium: {timing} (whole browser run incl. start-up {wall:?})");
    let _ = std::fs::remove_dir_all(&dir);
}
