//! End to end: the output formats of `vanban ingest` (searchable PDF, ALTO, hOCR, Markdown) and the
//! batch manifest `documents.jsonl`, through the real binary on fixture scans (a JPEG-in-PDF letter, a
//! Group 4 TIFF, a born-digital report, a plain-text OCR file) and two real scans from
//! `../shared/real/scans/`, checked as a user would: with pdftotext, qpdf, the source's image bytes, an
//! XML parser and the manifest's JSON Schema.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::*;

/// Scanned inputs (stem, path): two fixtures and two real scans.
fn scans() -> Vec<(&'static str, PathBuf)> {
    let real = root().join("../shared/real/scans");
    vec![
        ("cong-van", fixture("cong-van.pdf")),
        ("thong-bao-tiff", fixture("thong-bao-tiff.tif")),
        (
            "real_tt_37_bca_vehicle",
            real.join("real_tt_37_bca_vehicle.pdf"),
        ),
        ("real_cv_3722_metro", real.join("real_cv_3722_metro.pdf")),
    ]
}

/// All inputs of the run (stem, path).
fn inputs() -> Vec<(&'static str, PathBuf)> {
    let mut v = scans();
    v.push(("bao-cao-digital", fixture("bao-cao-digital.pdf")));
    v.push(("ocr-eng", fixture("ocr-eng.txt")));
    v
}

/// One `vanban ingest` of the inputs with the default formats, shared by the tests.
fn out() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = std::env::temp_dir().join(format!("vanban-outputs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        let mut c = vanban();
        c.arg("ingest")
            .arg("--out")
            .arg(&out)
            .arg("--jobs")
            .arg("2");
        for (_, p) in inputs() {
            c.arg(p);
        }
        let o = run(c);
        eprintln!("{}", String::from_utf8_lossy(&o.stderr));
        assert!(o.status.success(), "ingest failed");
        out
    })
}

fn file(stem: &str, suffix: &str) -> PathBuf {
    out().join(format!("{stem}.{suffix}"))
}

fn tool(name: &str, args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {name}: {e}"))
}

fn pdftotext(p: &Path) -> String {
    let o = tool("pdftotext", &[p.as_os_str(), "-".as_ref()]);
    assert!(o.status.success(), "pdftotext {}", p.display());
    String::from_utf8(o.stdout).expect("UTF-8")
}

fn tokens(s: &str) -> BTreeMap<String, i64> {
    let mut m = BTreeMap::new();
    for t in s.split_whitespace() {
        *m.entry(t.to_string()).or_insert(0) += 1;
    }
    m
}

/// Tokens of `a` missing from `b` plus tokens of `b` missing from `a`.
fn token_difference(a: &str, b: &str) -> (i64, Vec<String>) {
    let (ta, tb) = (tokens(a), tokens(b));
    let mut diff = 0;
    let mut shown = Vec::new();
    for k in ta.keys().chain(tb.keys()) {
        let d = ta.get(k).copied().unwrap_or(0) - tb.get(k).copied().unwrap_or(0);
        if d != 0 {
            diff += d.abs();
            if shown.len() < 20 {
                shown.push(format!("{k} {d:+}"));
            }
        }
    }
    (diff / 2 + diff % 2, shown)
}

/// The document's words as the formats place them: non-empty corrected texts with a box, split on
/// white space (a word the restorer split is one token per part).
fn placed_tokens(doc: &serde_json::Value) -> Vec<Vec<String>> {
    doc["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p["lines"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|l| l["words"].as_array().unwrap())
                .filter(|w| w.get("bbox").is_some() && w["text"] != "\t")
                .flat_map(|w| w["text"].as_str().unwrap().split_whitespace())
                .map(str::to_string)
                .collect()
        })
        .collect()
}

#[test]
fn the_searchable_pdf_gives_the_restored_text() {
    for (stem, _) in scans() {
        let txt = read(&file(stem, "txt"));
        let pdf_text = pdftotext(&file(stem, "pdf"));
        let (diff, shown) = token_difference(&txt, &pdf_text);
        let n = txt.split_whitespace().count() as i64;
        eprintln!("{stem}: pdftotext of {stem}.pdf differs from {stem}.txt by {diff} of {n} tokens {shown:?}");
        assert!(n > 100, "{stem}: too little text");
        // The real scans' pages carry nothing but the scan, so every token must come back; a page
        // with a text of its own (a signature stamp) would add tokens.
        assert_eq!(diff, 0, "{stem}: {shown:?}");
    }
    // A born-digital page keeps its own text layer: its text is the source's.
    let src = pdftotext(&fixture("bao-cao-digital.pdf"));
    let ours = pdftotext(&file("bao-cao-digital", "pdf"));
    assert_eq!(token_difference(&src, &ours).0, 0);
}

#[test]
fn the_searchable_pdf_passes_qpdf_check() {
    for (stem, _) in inputs().iter().filter(|(s, _)| *s != "ocr-eng") {
        let p = file(stem, "pdf");
        let o = tool("qpdf", &["--check".as_ref(), p.as_os_str()]);
        assert!(
            o.status.success(),
            "{stem}: qpdf --check: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    assert!(
        !file("ocr-eng", "pdf").exists(),
        "a text input has no page images"
    );
}

/// The raw (still encoded) bytes of every image XObject of a PDF, sorted.
fn image_streams(p: &Path) -> Vec<Vec<u8>> {
    let pdf = lopdf::Document::load(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let mut v: Vec<Vec<u8>> = pdf
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| {
            s.dict
                .get(b"Subtype")
                .and_then(|n| n.as_name())
                .is_ok_and(|n| n == b"Image")
        })
        .map(|s| s.content.clone())
        .collect();
    v.sort();
    v
}

#[test]
fn page_images_of_pdf_sources_are_the_source_bytes() {
    for (stem, src) in scans().iter().filter(|(s, _)| *s != "thong-bao-tiff") {
        let (a, b) = (image_streams(src), image_streams(&file(stem, "pdf")));
        assert!(!a.is_empty(), "{stem}: the source has no image");
        assert_eq!(a.len(), b.len(), "{stem}: image count");
        assert!(a == b, "{stem}: an image stream's bytes changed");
    }
}

#[test]
fn tiff_pages_are_embedded_losslessly() {
    let src = std::fs::read(fixture("thong-bao-tiff.tif")).unwrap();
    let mut dec = tiff::decoder::Decoder::new(std::io::Cursor::new(src)).unwrap();
    let mut pages = Vec::new();
    loop {
        match dec.read_image().unwrap() {
            tiff::decoder::DecodingResult::U8(v) => pages.push(v),
            _ => panic!("the fixture is 1-bit"),
        }
        if !dec.more_images() {
            break;
        }
        dec.next_image().unwrap();
    }
    let pdf = lopdf::Document::load(file("thong-bao-tiff", "pdf")).unwrap();
    let mut images = Vec::new();
    for (_, id) in pdf.get_pages() {
        let (res, _) = pdf.get_page_resources(id).unwrap();
        let xobjects = res.unwrap().get(b"XObject").unwrap().as_dict().unwrap();
        let im = xobjects.get(b"Im0").unwrap().as_reference().unwrap();
        let s = pdf.get_object(im).unwrap().as_stream().unwrap();
        assert_eq!(
            s.dict.get(b"BitsPerComponent").unwrap().as_i64().unwrap(),
            1
        );
        images.push(s.decompressed_content().unwrap());
    }
    assert_eq!(images, pages, "the pages' pixels differ from the TIFF's");
}

#[test]
fn the_pdf_carries_pdfa_metadata_and_an_embedded_font() {
    let p = file("cong-van", "pdf");
    let pdf = lopdf::Document::load(&p).unwrap();
    let catalog = pdf.catalog().unwrap();
    let meta = catalog.get(b"Metadata").unwrap().as_reference().unwrap();
    let xmp = String::from_utf8(
        pdf.get_object(meta)
            .unwrap()
            .as_stream()
            .unwrap()
            .content
            .clone(),
    )
    .unwrap();
    let doc = read_json(&file("cong-van", "json"));
    let number = doc["metadata"]["number"].as_str().unwrap();
    let date = doc["metadata"]["issued_date"].as_str().unwrap();
    assert!(
        xmp.contains(&format!("<dc:identifier>{number}</dc:identifier>")),
        "{xmp}"
    );
    assert!(xmp.contains(date) && xmp.contains("Công văn số"), "{xmp}");
    assert!(
        xmp.contains("<pdfaid:part>2</pdfaid:part>")
            && xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>")
    );
    let intents = catalog.get(b"OutputIntents").unwrap().as_array().unwrap();
    assert_eq!(intents.len(), 1);
    let descriptors: Vec<_> = pdf
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.has_type(b"FontDescriptor"))
        .collect();
    assert!(!descriptors.is_empty() && descriptors.iter().all(|d| d.has(b"FontFile2")));
    assert!(pdf.trailer.get(b"ID").is_ok() && pdf.trailer.get(b"Info").is_err());
}

fn parse(p: &Path) -> String {
    let s = read(p);
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(&s, opts)
        .unwrap_or_else(|e| panic!("{}: not well-formed XML: {e}", p.display()));
    s
}

#[test]
fn alto_holds_every_word_inside_its_page() {
    for (stem, _) in scans() {
        let xml = parse(&file(stem, "alto.xml"));
        let x = roxmltree::Document::parse(&xml).unwrap();
        assert_eq!(
            x.root_element().tag_name().namespace(),
            Some("http://www.loc.gov/standards/alto/ns-v4#")
        );
        let doc = read_json(&file(stem, "json"));
        let want = placed_tokens(&doc);
        let pages: Vec<_> = x.descendants().filter(|n| n.has_tag_name("Page")).collect();
        assert_eq!(pages.len(), want.len(), "{stem}: pages");
        for (page, (want, jp)) in pages
            .iter()
            .zip(want.iter().zip(doc["pages"].as_array().unwrap()))
        {
            let (pw, ph) = (
                jp["width"].as_u64().unwrap(),
                jp["height"].as_u64().unwrap(),
            );
            let attr =
                |n: &roxmltree::Node, a: &str| -> u64 { n.attribute(a).unwrap().parse().unwrap() };
            assert_eq!((attr(page, "WIDTH"), attr(page, "HEIGHT")), (pw, ph));
            let strings: Vec<_> = page
                .descendants()
                .filter(|n| n.has_tag_name("String"))
                .collect();
            let got: Vec<&str> = strings
                .iter()
                .map(|s| s.attribute("CONTENT").unwrap())
                .collect();
            assert_eq!(
                &got, want,
                "{stem}: ALTO strings differ from the JSON's words"
            );
            for s in &strings {
                assert!(
                    attr(s, "HPOS") + attr(s, "WIDTH") <= pw
                        && attr(s, "VPOS") + attr(s, "HEIGHT") <= ph
                );
                let wc: f64 = s.attribute("WC").unwrap().parse().unwrap();
                assert!((0.0..=1.0).contains(&wc));
            }
        }
        // The OCR reading of each changed word is its ALTERNATIVE.
        let changed = doc["restoration"]["changed"].as_u64().unwrap();
        let alternatives = x
            .descendants()
            .filter(|n| n.has_tag_name("ALTERNATIVE"))
            .count() as u64;
        assert!(
            changed == 0 || alternatives > 0,
            "{stem}: no ALTERNATIVE for {changed} changes"
        );
        assert!(alternatives <= changed + doc["pages"].as_array().unwrap().len() as u64 * 50);
    }
}

#[test]
fn hocr_holds_the_same_words_with_boxes_and_confidences() {
    for (stem, _) in scans() {
        let html = parse(&file(stem, "hocr"));
        let opts = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        };
        let x = roxmltree::Document::parse_with_options(&html, opts).unwrap();
        let doc = read_json(&file(stem, "json"));
        let want: Vec<String> = placed_tokens(&doc).concat();
        let words: Vec<_> = x
            .descendants()
            .filter(|n| n.attribute("class") == Some("ocrx_word"))
            .collect();
        let got: Vec<&str> = words.iter().map(|w| w.text().unwrap_or("")).collect();
        assert_eq!(got, want, "{stem}: hOCR words differ from the JSON's");
        for w in &words {
            let title = w.attribute("title").unwrap();
            assert!(
                title.starts_with("bbox ") && title.contains("; x_wconf "),
                "{title}"
            );
        }
        let raws = words
            .iter()
            .filter(|w| w.attribute("data-raw").is_some())
            .count();
        assert!(
            doc["restoration"]["changed"] == 0 || raws > 0,
            "{stem}: no data-raw"
        );
        let pages = x
            .descendants()
            .filter(|n| n.attribute("class") == Some("ocr_page"))
            .count();
        assert_eq!(pages, doc["pages"].as_array().unwrap().len());
    }
}

#[test]
fn markdown_has_the_title_and_the_table_rows() {
    let doc = read_json(&file("bao-cao-digital", "json"));
    let md = read(&file("bao-cao-digital", "md"));
    let m = &doc["metadata"];
    let title = format!(
        "# {} số {}",
        m["document_type"].as_str().unwrap(),
        m["number"].as_str().unwrap()
    );
    assert!(md.starts_with(&title), "{title:?} not at the top:\n{md}");
    let table = &doc["tables"][0];
    let rows = table["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    for r in std::iter::once(&table["header"]).chain(rows) {
        let cells: Vec<String> = r
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                c.as_str()
                    .unwrap()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .replace('|', "\\|")
            })
            .collect();
        let line = format!("| {} |", cells.join(" | "));
        assert!(md.contains(&line), "row {line:?} missing:\n{md}");
    }
    // Table rows are written once, as the table, not again as paragraphs.
    for r in rows {
        let cells: Vec<&str> = r
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        let as_text = cells
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            !md.lines().any(|l| l == as_text),
            "row {as_text:?} also written as text"
        );
    }
    // A heading of the section tree is a Markdown heading.
    let cong_van = read(&file("thong-bao-tiff", "md"));
    assert!(cong_van.lines().any(|l| l.starts_with("## ")), "{cong_van}");
}

#[test]
fn the_manifest_validates_and_lists_every_output() {
    let schema = read_json(&root().join("schema/documents.schema.json"));
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let lines: Vec<serde_json::Value> = read(&out().join("documents.jsonl"))
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), inputs().len());
    for e in &lines {
        let errors: Vec<String> = validator.iter_errors(e).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{e}: {errors:?}");
        assert_eq!(e["status"], "ok");
        let listed: Vec<&str> = e["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        for p in &listed {
            assert!(out().join(p).is_file(), "{p} listed but missing");
        }
        let stem = Path::new(listed[0])
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let on_disk = std::fs::read_dir(out())
            .unwrap()
            .flatten()
            .map(|d| d.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(&format!("{stem}.")))
            .count();
        assert_eq!(
            on_disk,
            listed.len(),
            "{stem}: files on disk not listed: {listed:?}"
        );
        let text_input = e["input"].as_str().unwrap().ends_with(".txt");
        for suffix in ["pdf", "alto.xml", "hocr"] {
            assert_eq!(
                listed.contains(&format!("{stem}.{suffix}").as_str()),
                !text_input,
                "{stem}.{suffix}"
            );
        }
        assert!(listed.contains(&format!("{stem}.md").as_str()));
    }
    let cv = lines
        .iter()
        .find(|e| e["input"].as_str().unwrap().ends_with("cong-van.pdf"))
        .unwrap();
    let doc = read_json(&file("cong-van", "json"));
    assert_eq!(cv["number"], doc["metadata"]["number"]);
    assert_eq!(cv["changes"], doc["restoration"]["changed"]);
    assert_eq!(cv["pages"], 2);
}

#[test]
fn formats_are_chosen_and_a_rerun_records_skips_and_failures() {
    let dir = std::env::temp_dir().join(format!("vanban-formats-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let ingest = |formats: &str| {
        let mut c = vanban();
        c.arg("ingest")
            .arg(fixture("ocr-eng.txt"))
            .arg(fixture("bad/corrupt.pdf"))
            .arg("--out")
            .arg(&dir)
            .arg("--formats")
            .arg(formats);
        let o = run(c);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let lines: Vec<serde_json::Value> = read(&dir.join("documents.jsonl"))
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        lines
    };
    let first = ingest("none");
    assert!(!dir.join("ocr-eng.md").exists());
    let ok = first.iter().find(|e| e["status"] == "ok").unwrap();
    assert_eq!(ok["outputs"].as_array().unwrap().len(), 3, "{ok}");
    let failed = first.iter().find(|e| e["status"] == "failed").unwrap();
    assert!(failed["reason"].as_str().unwrap().contains("damaged"));
    // Asking for Markdown makes the document out of date; the same request again skips it.
    let second = ingest("md");
    assert!(second.iter().any(|e| e["status"] == "ok") && dir.join("ocr-eng.md").is_file());
    let third = ingest("md");
    let skipped = third
        .iter()
        .find(|e| e["status"] == "skipped")
        .expect("a skipped line");
    assert!(skipped["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p == "ocr-eng.md"));
    assert_eq!(skipped["number"], ok["number"]);
    let _ = std::fs::remove_dir_all(&dir);
}
