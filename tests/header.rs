//! End to end: a Decree 30 header whose two columns Tesseract's page layout glues together. The
//! công văn fixture's first page (rendered by `pdftoppm`, as a scanner would give it) is made into
//! a header with a narrow gutter: the right column moved 230 px (2 cm) towards the left one, so the
//! issuer's `ỦY BAN NHÂN DÂN` ends 30 px (less than a letter's height) before `CỘNG HÒA …`, and the
//! page skewed by 0.42°. The page OCR reads that row as one line; vanban must give each column's
//! line on its own (crate::header cuts the row at the gutter and reads the columns as crops).

mod common;

use std::process::Command;

use common::*;

/// The top of the công văn's first page at 300 dpi, its header's right column moved left by
/// `shift` pixels, rotated by `deg`.
fn narrow_header(shift: u32, deg: f32) -> image::GrayImage {
    let dir = tempfile::tempdir().expect("temp dir");
    let prefix = dir.path().join("p");
    let o = Command::new("pdftoppm")
        .args(["-r", "300", "-gray", "-png", "-f", "1", "-l", "1"])
        .arg(fixture("cong-van.pdf"))
        .arg(&prefix)
        .output()
        .expect("pdftoppm (poppler-utils, installed by scripts/setup.sh)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let png = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "png"))
        .expect("a rendered page");
    let page = image::open(&png).expect("rendered page").to_luma8();
    let (w, _) = page.dimensions();
    let mut top = image::imageops::crop_imm(&page, 0, 0, w, 1300).to_image();
    // the right column (x from 1150, rows 220-480: national title, motto, place and date)
    let (x0, y0, y1) = (1150u32, 220u32, 480u32);
    let col = image::imageops::crop_imm(&top, x0, y0, w - x0, y1 - y0).to_image();
    for y in y0..y1 {
        for x in x0..w {
            top.put_pixel(x, y, image::Luma([255]));
        }
    }
    for (x, y, p) in col.enumerate_pixels() {
        let (tx, ty) = (x + x0 - shift, y + y0);
        let old = top.get_pixel(tx, ty)[0];
        top.put_pixel(tx, ty, image::Luma([old.min(p[0])]));
    }
    vanban_pages::rotate(&top, deg)
}

#[test]
fn a_header_row_glued_across_a_narrow_gutter_comes_out_column_by_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let img = narrow_header(230, 0.42);
    img.save_with_format(input.join("narrow.png"), image::ImageFormat::Png)
        .expect("write the test page");
    let out = dir.path().join("out");
    let mut c = vanban();
    c.arg("ingest").arg(&input).arg("--out").arg(&out);
    let o = run(c);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = read(&out.join("narrow.txt"));
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    // Tesseract alone reads `ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM` here.
    assert!(
        lines.contains(&"ỦY BAN NHÂN DÂN"),
        "the issuer's line is not on its own:\n{text}"
    );
    assert!(
        lines.contains(&"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        "the national title is not on its own:\n{text}"
    );
    // the fields read from the header stay right
    let doc = read_json(&out.join("narrow.json"));
    let m = &doc["metadata"];
    assert_eq!(m["issuer"], "Ủy ban nhân dân huyện Nghĩa Hành");
    assert_eq!(m["number"], "1847/UBND-VP");
    assert_eq!(m["issued_date"], "2024-09-06");
}
