//! Dev check of the scanned-table path on real page images: finds the grids, reads each cell with
//! the `tesseract` command (vie; psm 7 for one-line cells, 6 otherwise), joins tables across pages, and prints them as JSON; with
//! `--expected FILE.expected.json` it also compares header and rows with the fixture's tables.
//!
//! Usage: `cargo run -p vanban-extract --example scan_tables -- [--expected E.json] PAGE.png...`
//! (pages numbered 1.. in the order given; make them with `pdftoppm -r 300 -gray -png`).

use std::process::Command;

use image::GrayImage;
use vanban_doc::BBox;
use vanban_extract::{extract_scan_tables, join_tables, CellReader};

/// Reads a cell by cropping it to a temporary PNG and running the tesseract CLI on it.
struct TesseractCli {
    dir: std::path::PathBuf,
    calls: usize,
}

impl CellReader for TesseractCli {
    fn read_cell(&mut self, image: &GrayImage, r: BBox) -> (String, f32) {
        self.calls += 1;
        let crop = image::imageops::crop_imm(image, r.x0, r.y0, r.width(), r.height()).to_image();
        // A white margin helps Tesseract on tight crops.
        let mut padded =
            GrayImage::from_pixel(crop.width() + 20, crop.height() + 20, image::Luma([255]));
        image::imageops::overlay(&mut padded, &crop, 10, 10);
        let path = self.dir.join("cell.png");
        if padded.save(&path).is_err() {
            return (String::new(), 0.0);
        }
        let out = Command::new("tesseract")
            .arg(&path)
            .arg("-")
            // One text line (STT, short values): psm 7; a wrapped cell: psm 6.
            .args([
                "-l",
                "vie",
                "--psm",
                if r.height() < 110 { "7" } else { "6" },
            ])
            .output();
        match out {
            Ok(o) => {
                let text = String::from_utf8_lossy(&o.stdout)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                (text, 0.9)
            }
            Err(_) => (String::new(), 0.0),
        }
    }
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut expected = None;
    if args.first().map(String::as_str) == Some("--expected") && args.len() > 1 {
        expected = Some(args.remove(1));
        args.remove(0);
    }
    let dir = std::env::temp_dir().join(format!("vanban-scan-tables-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let mut reader = TesseractCli {
        dir: dir.clone(),
        calls: 0,
    };
    let mut tables = Vec::new();
    let start = std::time::Instant::now();
    let mut grid_time = std::time::Duration::ZERO;
    for (i, p) in args.iter().enumerate() {
        let img = match image::open(p) {
            Ok(i) => i.to_luma8(),
            Err(e) => {
                eprintln!("{p}: {e}");
                std::process::exit(2);
            }
        };
        let t0 = std::time::Instant::now();
        let grids = vanban_extract::find_grids(&img);
        grid_time += t0.elapsed();
        eprintln!(
            "{p}: {} grid(s) {:?}",
            grids.len(),
            grids
                .iter()
                .map(|g| (g.xs.len() - 1, g.ys.len() - 1))
                .collect::<Vec<_>>()
        );
        tables.extend(extract_scan_tables(i as u32 + 1, &img, &mut reader));
    }
    let tables = join_tables(tables);
    eprintln!(
        "{} table(s), {} cells read, total {:.1}s, grid finding {:.3}s",
        tables.len(),
        reader.calls,
        start.elapsed().as_secs_f32(),
        grid_time.as_secs_f32()
    );
    let _ = std::fs::remove_dir_all(&dir);
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
        let (mut same, mut all) = (0usize, 0usize);
        for (t, w) in tables.iter().zip(&want) {
            let wrows = w["rows"].as_array().cloned().unwrap_or_default();
            println!(
                "pages {:?} vs {}; rows {} vs {}",
                t.pages,
                w["pages"],
                t.rows.len(),
                wrows.len()
            );
            for (r, wr) in t.rows.iter().zip(&wrows) {
                for (c, wc) in r.iter().zip(wr.as_array().cloned().unwrap_or_default()) {
                    all += 1;
                    if Some(c.as_str()) == wc.as_str() {
                        same += 1;
                    } else {
                        println!("  {c:?} != {wc}");
                    }
                }
            }
        }
        println!("cells exactly right: {same}/{all}");
    }
}
