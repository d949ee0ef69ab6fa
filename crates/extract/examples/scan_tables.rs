//! Dev check of the scanned-table path on real page images, as the pipeline runs it: each page is
//! prepared (deskewed), its grids found, and every cell OCRed on its own crop by Tesseract (`vie`,
//! through [`OcrCells`]) and restored with the compiled dictionary; tables are joined across
//! pages and printed as JSON. With `--expected FILE.expected.json` it also prints the cell token
//! accuracy (the `score.py` metric summed over cells, matched by position) against the fixture's
//! tables, and the cells that differ. With `DUMP_CELLS=DIR` every crop given to Tesseract is saved
//! there as `NNN-MODE.png`.
//!
//! Usage: `cargo run --release -p vanban-extract --example scan_tables -- [--expected E.json]
//! [--dict dictionaries/vanban.dict] [--dpi 300] PAGE.png...` (pages numbered 1.. in the order
//! given, unless `--first N`; make them with `pdfimages -png` or `pdftoppm -r 300 -gray -png`).

use std::time::{Duration, Instant};

use image::GrayImage;
use vanban_doc::{Line, Table};
use vanban_extract::{find_grids, join_cut_tables, read_grids, CellMode, OcrCells};
use vanban_ocr::{OcrConfig, OcrEngine, Recognize, Segmentation};

fn arg(args: &mut Vec<String>, name: &str) -> Option<String> {
    let i = args.iter().position(|a| a == name)?;
    if i + 1 >= args.len() {
        return None;
    }
    let v = args.remove(i + 1);
    args.remove(i);
    Some(v)
}

/// Token errors and ground-truth tokens of the table's cells against the expected header and rows.
fn cell_score(t: &Table, want: &serde_json::Value) -> (usize, usize, Vec<String>) {
    let rows = |v: &serde_json::Value| -> Vec<Vec<String>> {
        v.as_array()
            .map(|rs| {
                rs.iter()
                    .map(|r| {
                        r.as_array()
                            .map(|cs| {
                                cs.iter()
                                    .map(|c| c.as_str().unwrap_or("").to_string())
                                    .collect()
                            })
                            .unwrap_or_default()
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut want_rows = rows(&serde_json::json!([want["header"]]));
    want_rows.retain(|r| !r.is_empty());
    want_rows.extend(rows(&want["rows"]));
    let got_rows: Vec<&Vec<String>> = std::iter::once(&t.header)
        .filter(|h| !h.is_empty())
        .chain(t.rows.iter())
        .collect();
    let (mut errors, mut tokens, mut diffs) = (0, 0, Vec::new());
    for (i, w) in want_rows.iter().enumerate() {
        for (j, wc) in w.iter().enumerate() {
            let got = got_rows
                .get(i)
                .and_then(|r| r.get(j))
                .map_or("", String::as_str);
            let s = vanban_restore::score(wc, got);
            errors += s.errors;
            tokens += s.tokens;
            if s.errors > 0 {
                diffs.push(format!("  [{i},{j}] {got:?} != {wc:?}"));
            }
        }
    }
    (errors, tokens, diffs)
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let expected = arg(&mut args, "--expected");
    let dict = arg(&mut args, "--dict").unwrap_or_else(|| "dictionaries/vanban.dict".into());
    let dpi: u32 = arg(&mut args, "--dpi")
        .and_then(|d| d.parse().ok())
        .unwrap_or(300);
    let first: u32 = arg(&mut args, "--first")
        .and_then(|d| d.parse().ok())
        .unwrap_or(1);
    let restorer = match vanban_restore::Restorer::load(std::path::Path::new(&dict)) {
        Ok(r) => Some(r),
        Err(e) => {
            eprintln!("{dict}: {e}; cells are not restored");
            None
        }
    };
    let mut engine = match OcrEngine::new(&OcrConfig::default()) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let (mut grid_time, mut cell_time, mut cells) = (Duration::ZERO, Duration::ZERO, 0);
    // Time spent in Tesseract on cell crops, to tell the extraction's own cell work from the OCR.
    let mut ocr_time = Duration::ZERO;
    let pages = args.len();
    let mut tables = Vec::new();
    let mut dumped = 0;
    for (i, p) in args.iter().enumerate() {
        let img: GrayImage = match image::open(p) {
            Ok(i) => vanban_pages::prepare(i.to_luma8(), dpi),
            Err(e) => {
                eprintln!("{p}: {e}");
                std::process::exit(2);
            }
        };
        let t0 = Instant::now();
        let grids = find_grids(&img);
        grid_time += t0.elapsed();
        if std::env::var_os("GRID_DEBUG").is_some() {
            for g in &grids {
                eprintln!("{p}: grid xs {:?} ys {:?} cut {:?}", g.xs, g.ys, g.cut);
                for c in &g.cells {
                    eprintln!(
                        "  cell r{} c{} span {}x{} {:?}",
                        c.row, c.col, c.row_span, c.col_span, c.region
                    );
                }
            }
        }
        let t0 = Instant::now();
        let mut reader = OcrCells::new(
            |crop: &GrayImage, mode, whitelist, scale| {
                if let Ok(d) = std::env::var("DUMP_CELLS") {
                    dumped += 1;
                    let _ = crop.save(format!("{d}/{dumped:03}-{mode:?}.png"));
                }
                let segmentation = match mode {
                    CellMode::Line => Segmentation::Line,
                    CellMode::Block => Segmentation::Block,
                    CellMode::Word => Segmentation::Word,
                };
                let t = Instant::now();
                let read = engine.recognize_with(
                    crop,
                    dpi.saturating_mul(scale),
                    Recognize {
                        segmentation,
                        whitelist,
                    },
                );
                ocr_time += t.elapsed();
                read
            },
            |lines: &mut [Line]| {
                if let Some(r) = &restorer {
                    for l in lines {
                        let raws: Vec<&str> = l.words.iter().map(|w| w.raw.as_str()).collect();
                        let restored = r.restore_line(&raws);
                        for (w, t) in l.words.iter_mut().zip(restored) {
                            w.text = t.text;
                        }
                    }
                }
            },
        );
        let read = read_grids(first + i as u32, &img, &grids, &mut reader);
        cells += reader.cells_read();
        if let Some(e) = reader.take_error() {
            eprintln!("{p}: {e}");
        }
        cell_time += t0.elapsed();
        eprintln!(
            "{p}: {} grid(s) {:?}",
            grids.len(),
            grids
                .iter()
                .map(|g| (g.xs.len() - 1, g.ys.len() - 1))
                .collect::<Vec<_>>()
        );
        tables.extend(read.into_iter().map(|t| (t.table, Some(t.cut))));
    }
    let t0 = Instant::now();
    let tables = join_cut_tables(tables);
    let join_time = t0.elapsed();
    eprintln!(
        "{} table(s), {cells} cells OCRed in {:.2}s ({:.2}s in Tesseract), grid finding {:.3}s",
        tables.len(),
        cell_time.as_secs_f32(),
        ocr_time.as_secs_f32(),
        grid_time.as_secs_f32()
    );
    let own = grid_time + cell_time.saturating_sub(ocr_time) + join_time;
    eprintln!(
        "extraction's own work (grids, crops, cell bookkeeping, joining): {:.1} ms per page",
        own.as_secs_f64() * 1000.0 / pages.max(1) as f64
    );
    for t in &tables {
        println!(
            "{}",
            serde_json::json!({"pages": t.pages, "header": t.header, "rows": t.rows})
        );
    }
    if let Some(e) = expected {
        let want: serde_json::Value =
            match std::fs::read_to_string(&e).map(|s| serde_json::from_str(&s)) {
                Ok(Ok(v)) => v,
                _ => {
                    eprintln!("{e}: cannot read expected JSON");
                    std::process::exit(2);
                }
            };
        let want = want["tables"].as_array().cloned().unwrap_or_default();
        for (t, w) in tables.iter().zip(&want) {
            let (errors, tokens, diffs) = cell_score(t, w);
            for d in diffs {
                println!("{d}");
            }
            println!(
                "pages {:?} vs {}; rows {} vs {}; cell token accuracy {:.4} ({errors} errors, {tokens} tokens)",
                t.pages,
                w["pages"],
                t.rows.len(),
                w["rows"].as_array().map_or(0, Vec::len),
                1.0 - errors as f64 / tokens.max(1) as f64
            );
        }
    }
}
