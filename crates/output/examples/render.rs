//! Renders every output format from a `<stem>.json` and its source file, and times each renderer:
//! `cargo run --release -p vanban-output --example render -- OUT.json SOURCE OUTDIR`.

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [json, source, dir] = &args[..] else {
        eprintln!("usage: render DOC.json SOURCE OUTDIR");
        std::process::exit(2);
    };
    let doc: vanban_doc::Document =
        serde_json::from_slice(&std::fs::read(json).expect("read json")).expect("parse json");
    let src = std::fs::read(source).expect("read source");
    let stem = std::path::Path::new(json)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    std::fs::create_dir_all(dir).unwrap();
    let t = Instant::now();
    let pdf = vanban_output::searchable_pdf(&doc, &src).expect("pdf");
    let t_pdf = t.elapsed();
    let t = Instant::now();
    let alto = vanban_output::alto_xml(&doc);
    let hocr = vanban_output::hocr_html(&doc);
    let md = vanban_output::markdown(&doc);
    let t_rest = t.elapsed();
    for (ext, bytes) in [
        ("pdf", &pdf),
        ("alto.xml", &alto),
        ("hocr", &hocr),
        ("md", &md),
    ] {
        std::fs::write(format!("{dir}/{stem}.{ext}"), bytes).unwrap();
    }
    println!(
        "{stem}: {} pages; pdf {:.1} ms ({:.1} ms/page, {} bytes from {}); alto+hocr+md {:.1} ms",
        doc.pages.len(),
        t_pdf.as_secs_f64() * 1e3,
        t_pdf.as_secs_f64() * 1e3 / doc.pages.len().max(1) as f64,
        pdf.len(),
        src.len(),
        t_rest.as_secs_f64() * 1e3
    );
}
