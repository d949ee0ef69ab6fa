//! End to end: `vanban ingest` on the bundled fixtures through the real binary, real Tesseract and real
//! pdfium — OCR accuracy, text layers, multi-page TIFF, text inputs, bad inputs, the summary, the schema,
//! resuming and interrupting.

#[path = "../crates/review/tests/common/chromium.rs"]
mod chromium;
mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;

fn out_file(stem: &str, suffix: &str) -> std::path::PathBuf {
    ingested().0.join(format!("{stem}.{suffix}"))
}

fn body_accuracy(stem: &str) -> f64 {
    let gt = read(&truth(&format!("{stem}.body.gt.txt")));
    let hyp = read(&out_file(stem, "txt"));
    common::body_accuracy(&gt, &hyp)
}

#[test]
fn clean_scans_reach_096_body_token_accuracy() {
    for stem in ["ke-hoach", "cong-van", "thong-bao-tiff"] {
        let acc = body_accuracy(stem);
        eprintln!("{stem}: body token accuracy {acc:.4}");
        assert!(acc >= 0.96, "{stem}: body token accuracy {acc:.4} < 0.96");
    }
}

#[test]
fn degraded_scan_reaches_093_body_token_accuracy() {
    let acc = body_accuracy("quyet-dinh-degraded");
    eprintln!("quyet-dinh-degraded: body token accuracy {acc:.4}");
    assert!(
        acc >= 0.93,
        "degraded scan: body token accuracy {acc:.4} < 0.93"
    );
}

/// Rows of a table as JSON: the header (when there is one), then the body rows.
fn table_rows(t: &serde_json::Value) -> Vec<Vec<String>> {
    let strings = |r: &serde_json::Value| -> Vec<String> {
        r.as_array()
            .map(|cs| {
                cs.iter()
                    .map(|c| c.as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut rows: Vec<Vec<String>> = vec![strings(&t["header"])];
    rows.retain(|r| !r.is_empty());
    rows.extend(t["rows"].as_array().into_iter().flatten().map(strings));
    rows
}

/// Checks every table of a document JSON against the fixture's expected tables: as many tables,
/// and for each its pages, header width, rows and columns exact; returns each table's cell token
/// accuracy (the score.py metric summed over the cells, matched by position: text in a cell that
/// should be empty counts as errors too) and its rows (the header first, when there is one).
fn table_cell_accuracy(doc: &serde_json::Value, stem: &str) -> Vec<(f64, Vec<Vec<String>>)> {
    let want = read_json(&truth(&format!("{stem}.expected.json")));
    let (got, want) = (&doc["tables"], &want["tables"]);
    let n = want.as_array().map_or(0, Vec::len);
    assert_eq!(got.as_array().map_or(0, Vec::len), n, "{stem}: tables");
    let mut out = Vec::with_capacity(n);
    for (k, (t, w)) in got
        .as_array()
        .into_iter()
        .flatten()
        .zip(want.as_array().into_iter().flatten())
        .enumerate()
    {
        let name = format!("{stem} table {}", k + 1);
        assert_eq!(t["pages"], w["pages"], "{name}: pages");
        assert_eq!(
            t["header"].as_array().map(Vec::len),
            w["header"].as_array().map(Vec::len),
            "{name}: header"
        );
        let (rows, want_rows) = (table_rows(t), table_rows(w));
        assert_eq!(rows.len(), want_rows.len(), "{name}: rows");
        let (mut errors, mut tokens) = (0, 0);
        for (r, wr) in rows.iter().zip(&want_rows) {
            assert_eq!(r.len(), wr.len(), "{name}: columns of {r:?}");
            for (c, wc) in r.iter().zip(wr) {
                let s = vanban_restore::score(wc, c);
                if s.errors > 0 {
                    eprintln!("{name}: cell {c:?} != {wc:?}");
                }
                errors += s.errors;
                tokens += s.tokens;
            }
        }
        let acc = 1.0 - errors as f64 / tokens as f64;
        eprintln!("{name}: cell token accuracy {acc:.4} ({errors} errors, {tokens} tokens)");
        out.push((acc, rows));
    }
    out
}

#[test]
fn scanned_table_cells_reach_095_token_accuracy_with_exact_rows_and_columns() {
    let doc = read_json(&out_file("ke-hoach", "json"));
    let tables = table_cell_accuracy(&doc, "ke-hoach");
    for (k, (acc, _)) in tables.iter().enumerate() {
        assert!(
            *acc >= 0.95,
            "table {}: cell token accuracy {acc:.4} < 0.95",
            k + 1
        );
    }
    // Section rows stay one merged cell each; item numbers keep their place in the first column.
    let rows = &tables[0].1;
    assert_eq!(rows[1][0], "A. NHIỆM VỤ TRỌNG TÂM");
    assert!(rows[1][1..].iter().all(String::is_empty));
    assert_eq!(rows.last().map(|r| r[0].as_str()), Some("5.3"));
    // Appendix II: a two-row header, one heading per column; the row cut by the page break is
    // one row holding both parts in order; the total row with an empty item number stays apart.
    let budget = &doc["tables"][1];
    assert_eq!(budget["header"][0], "STT");
    assert_eq!(budget["header"][4], "Kinh phí (triệu đồng) - Tổng");
    let cells = budget["cells"].as_array().expect("cells");
    let kinh_phi = cells.iter().find(|c| c["text"] == "Kinh phí (triệu đồng)");
    assert_eq!(
        kinh_phi.map(|c| (&c["row"], &c["col_span"])),
        Some((&0.into(), &3.into()))
    );
    let rows = &tables[1].1;
    let cut = rows.iter().find(|r| r[0] == "11").expect("row 11");
    assert!(
        cut[1].starts_with("Xây dựng hệ thống")
            && cut[1].contains("chuẩn hóa, làm sạch")
            && cut[1].ends_with("sử dụng hệ thống"),
        "{cut:?}"
    );
    assert_eq!(cut[4..], ["850", "600", "250"]);
    let last = rows.last().expect("rows");
    assert_eq!((last[0].as_str(), last[1].as_str()), ("", "Tổng cộng"));
}

#[test]
fn every_table_of_every_fixture_is_found_with_exact_rows_and_columns() {
    let index = read_json(&root().join("fixtures/index.json"));
    let mut tables = 0;
    for f in index["fixtures"].as_array().expect("fixtures") {
        let name = f["name"].as_str().expect("name");
        let doc = read_json(&out_file(name, "json"));
        let want = read_json(&truth(&format!("{name}.expected.json")));
        for (k, w) in want["tables"].as_array().into_iter().flatten().enumerate() {
            assert_eq!(
                doc["tables"][k]["title"],
                w["title"],
                "{name} table {}: title",
                k + 1
            );
        }
        for (k, (acc, _)) in table_cell_accuracy(&doc, name).iter().enumerate() {
            assert!(
                *acc >= 0.95,
                "{name} table {}: cell token accuracy {acc:.4} < 0.95",
                k + 1
            );
            tables += 1;
        }
    }
    assert_eq!(tables, 3, "ke-hoach has two tables, bao-cao-digital one");
}

#[test]
fn a_table_of_figures_read_from_page_images_at_200_dpi_is_exact() {
    // The born-digital report, its text layer ignored: pages rendered at 200 dpi and OCRed.
    let out = std::env::temp_dir().join(format!("vanban-e2e-force-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let mut c = vanban();
    c.args(["--force-ocr", "--dpi", "200", "ingest"])
        .arg(fixture("bao-cao-digital.pdf"))
        .arg("--out")
        .arg(&out);
    let o = run(c);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc = read_json(&out.join("bao-cao-digital.json"));
    assert_eq!(doc["pages"][0]["origin"], "ocr");
    let tables = table_cell_accuracy(&doc, "bao-cao-digital");
    let _ = std::fs::remove_dir_all(&out);
    let (acc, rows) = &tables[0];
    assert!(*acc >= 0.95, "cell token accuracy {acc:.4} < 0.95");
    assert_eq!(rows.last().map(|r| r[2].as_str()), Some("1.286"));
}

#[test]
fn scanned_table_text_is_in_the_page_text_row_by_row() {
    // The full text of the plan, table included, against its ground truth (score.py).
    let gt = read(&truth("ke-hoach.gt.txt"));
    let hyp = read(&out_file("ke-hoach", "txt"));
    let acc = accuracy(&gt, &hyp);
    eprintln!("ke-hoach: full-text token accuracy {acc:.4}");
    assert!(
        acc >= 0.97,
        "ke-hoach full text token accuracy {acc:.4} < 0.97"
    );
    assert!(
        hyp.contains("5.3 Báo cáo tổng kết năm Văn phòng"),
        "a table row is one line, its cells left to right"
    );
}

#[test]
fn born_digital_pdf_is_read_from_its_text_layer() {
    let doc = read_json(&out_file("bao-cao-digital", "json"));
    let pages = doc["pages"].as_array().expect("pages");
    assert!(!pages.is_empty());
    for p in pages {
        assert_eq!(p["origin"], "text-layer", "page {}", p["number"]);
    }
    let acc = body_accuracy("bao-cao-digital");
    assert!(acc >= 0.99, "text layer body accuracy {acc:.4}");
}

#[test]
fn multi_page_tiff_gives_every_page_with_words_boxes_and_confidences() {
    let doc = read_json(&out_file("thong-bao-tiff", "json"));
    assert_eq!(doc["source"]["pages"], 2);
    let pages = doc["pages"].as_array().expect("pages");
    assert_eq!(pages.len(), 2);
    for p in pages {
        assert_eq!(p["origin"], "ocr");
        let (w, h) = (p["width"].as_u64().unwrap(), p["height"].as_u64().unwrap());
        let words: Vec<_> = p["lines"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|l| l["words"].as_array().unwrap())
            .collect();
        assert!(
            words.len() > 50,
            "page {} has {} words",
            p["number"],
            words.len()
        );
        for wd in words {
            let b = &wd["bbox"];
            assert!(
                b["x1"].as_u64().unwrap() <= w && b["y1"].as_u64().unwrap() <= h,
                "box outside the page: {wd}"
            );
            let c = wd["conf"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&c), "conf {c}");
        }
    }
    let txt = read(&out_file("thong-bao-tiff", "txt"));
    assert_eq!(
        txt.matches('\x0c').count(),
        1,
        "pages are separated by one form feed"
    );
}

#[test]
fn text_input_skips_ocr_and_is_restored() {
    let doc = read_json(&out_file("ocr-eng", "json"));
    assert!(doc["pages"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["origin"] == "text-file"));
    let gt = read(&truth("ocr-eng.gt.txt"));
    let raw = accuracy(&gt, &read(&fixture("ocr-eng.txt")));
    let restored = accuracy(&gt, &read(&out_file("ocr-eng", "txt")));
    eprintln!("ocr-eng.txt: raw {raw:.4}, restored {restored:.4}");
    assert!(
        restored > raw + 0.2,
        "restoration must lift English-model OCR well above raw ({raw:.4} -> {restored:.4})"
    );
    assert!(doc["restoration"]["changed"].as_u64().unwrap() > 0);
}

#[test]
fn nfd_old_tone_text_comes_out_nfc_with_the_new_placement_and_otherwise_unchanged() {
    let got = read(&out_file("thong-bao-nfd-old", "txt"));
    let want = read(&truth("thong-bao-nfd-old.gt.txt"));
    let acc = accuracy(&want, &got);
    assert!(acc >= 0.998, "accented text must pass through: {acc:.4}");
    use unicode_normalization::UnicodeNormalization;
    assert_eq!(got.nfc().collect::<String>(), got, "output is NFC");
    for old in ["hoà ", "Uỷ ban", "uỷ ban", "khoẻ"] {
        assert!(
            !got.contains(old),
            "old tone placement {old:?} left in the output"
        );
    }
}

#[test]
fn bad_inputs_fail_one_by_one_and_the_batch_completes() {
    let (out, o) = ingested();
    assert_eq!(o.status.code(), Some(1), "some inputs failed: exit code 1");
    let stderr = String::from_utf8_lossy(&o.stderr);
    let failures: Vec<serde_json::Value> = read(&out.join("failures.jsonl"))
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let expect = [
        ("corrupt.pdf", "damaged"),
        ("empty.pdf", "empty"),
        ("encrypted.pdf", "password"),
    ];
    assert_eq!(failures.len(), expect.len(), "{failures:?}");
    for (name, why) in expect {
        let f = failures
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("{name} not recorded in failures.jsonl"));
        let reason = f["reason"].as_str().unwrap();
        assert!(
            reason.contains(why),
            "{name}: reason {reason:?} should say {why:?}"
        );
        let line = format!("vanban: {}: {reason}", f["path"].as_str().unwrap());
        assert!(stderr.contains(&line), "stderr lacks {line:?}");
        assert!(!out
            .join(format!("bad/{}.json", name.trim_end_matches(".pdf")))
            .exists());
    }
    // A file is what its bytes say (issue 11): a PNG named `.pdf` is read as a PNG, with a warning.
    assert!(
        stderr.contains("not-a-pdf.pdf: named as a PDF file but its content is a PNG image"),
        "no warning for the misnamed image"
    );
    assert!(out.join("bad/not-a-pdf.json").exists());
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["failed"], 3);
    assert_eq!(summary["converted"], 8);
    assert!(summary["pages"].as_u64().unwrap() >= 9);
    assert!(summary["seconds"].as_f64().unwrap() > 0.0);
    let index = read(&out.join("index.html"));
    for stem in ["ke-hoach", "cong-van", "bad/corrupt.pdf"] {
        assert!(index.contains(stem), "index.html lacks {stem}");
    }
}

#[test]
fn every_output_validates_against_the_published_schema() {
    let schema = read_json(&root().join("schema/document.schema.json"));
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let mut n = 0;
    for e in walkdir::WalkDir::new(&ingested().0).into_iter().flatten() {
        let p = e.path();
        let name = p.file_name().unwrap().to_string_lossy();
        if !name.ends_with(".json") || name == "summary.json" {
            continue;
        }
        let doc = read_json(p);
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", p.display());
        assert_eq!(doc["schema_version"], "2.2");
        n += 1;
    }
    // Seven fixtures and the PNG named `.pdf`, read as what it is.
    assert_eq!(n, 8);
}

#[test]
fn outputs_mirror_the_input_tree_and_every_document_has_all_files() {
    let out = &ingested().0;
    for stem in [
        "ke-hoach",
        "cong-van",
        "quyet-dinh-degraded",
        "bao-cao-digital",
        "thong-bao-tiff",
        "ocr-eng",
        "thong-bao-nfd-old",
    ] {
        for suffix in ["json", "txt", "review.html"] {
            assert!(
                out.join(format!("{stem}.{suffix}")).is_file(),
                "{stem}.{suffix} missing"
            );
        }
        let doc = read_json(&out.join(format!("{stem}.json")));
        assert_eq!(
            doc["text"].as_str().unwrap(),
            read(&out.join(format!("{stem}.txt"))),
            "{stem}: text field = .txt"
        );
        let sha =
            vanban_input::sha256_file(Path::new(doc["source"]["path"].as_str().unwrap())).unwrap();
        assert_eq!(doc["source"]["sha256"], sha);
    }
    assert!(out.join("ke-hoach.page-1.jpg").is_file());
    assert!(no_temp_files(out));
}

fn no_temp_files(dir: &Path) -> bool {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .all(|e| !e.file_name().to_string_lossy().ends_with(".tmp"))
}

/// A private input folder with a text file and copies of the TIFF fixture.
fn small_batch(name: &str, tiffs: usize) -> (std::path::PathBuf, std::path::PathBuf) {
    let base = std::env::temp_dir().join(format!("vanban-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let input = base.join("in");
    std::fs::create_dir_all(input.join("sub")).unwrap();
    std::fs::copy(fixture("ocr-eng.txt"), input.join("a.txt")).unwrap();
    for i in 0..tiffs {
        std::fs::copy(
            fixture("thong-bao-tiff.tif"),
            input.join(format!("sub/t{i}.tif")),
        )
        .unwrap();
    }
    (input, base.join("out"))
}

#[test]
fn a_second_run_skips_everything_and_force_redoes_it() {
    let (input, out) = small_batch("resume", 1);
    let ingest = |extra: &[&str]| {
        let mut c = vanban();
        c.arg("ingest")
            .arg(&input)
            .arg("--out")
            .arg(&out)
            .args(extra);
        let o = run(c);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        read_json(&out.join("summary.json"))
    };
    let first = ingest(&[]);
    assert_eq!(
        (first["converted"].as_u64(), first["skipped"].as_u64()),
        (Some(2), Some(0))
    );
    assert!(out.join("sub/t0.json").is_file() && out.join("a.json").is_file());
    let mtime = std::fs::metadata(out.join("sub/t0.json"))
        .unwrap()
        .modified()
        .unwrap();
    let second = ingest(&[]);
    assert_eq!(
        (second["converted"].as_u64(), second["skipped"].as_u64()),
        (Some(0), Some(2))
    );
    assert_eq!(
        std::fs::metadata(out.join("sub/t0.json"))
            .unwrap()
            .modified()
            .unwrap(),
        mtime
    );
    // A changed source is redone even without --force.
    std::fs::write(input.join("a.txt"), "Chi so cai cach hanh chinh\n").unwrap();
    let third = ingest(&[]);
    assert_eq!(
        (third["converted"].as_u64(), third["skipped"].as_u64()),
        (Some(1), Some(1))
    );
    let forced = ingest(&["--force"]);
    assert_eq!(forced["converted"].as_u64(), Some(2));
}

#[test]
fn ctrl_c_stops_cleanly_without_partial_outputs_and_the_next_run_finishes() {
    let (input, out) = small_batch("interrupt", 4);
    let mut c = vanban();
    c.arg("ingest")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .args(["--jobs", "1"]);
    c.stdout(Stdio::null()).stderr(Stdio::piped());
    let child = c.spawn().unwrap();
    // Wait until the first scanned document is done, then interrupt.
    let t0 = Instant::now();
    while !out.join("sub/t0.json").exists() && t0.elapsed() < Duration::from_secs(300) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(no_temp_files(&out), "temporary files left behind");
    let done: Vec<_> = (0..4)
        .filter(|i| out.join(format!("sub/t{i}.json")).exists())
        .collect();
    assert!(done.len() < 4, "the run should have stopped early");
    for i in &done {
        let doc = read_json(&out.join(format!("sub/t{i}.json")));
        assert_eq!(doc["source"]["pages"], 2);
        assert!(out.join(format!("sub/t{i}.txt")).is_file());
    }
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["interrupted"], true);
    // The text input may or may not have been converted before the interruption (the batch
    // takes the largest files first); whatever was finished is skipped by the next run.
    let text_done = usize::from(out.join("a.json").exists());
    let mut c = vanban();
    c.arg("ingest").arg(&input).arg("--out").arg(&out);
    let o = run(c);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(
        summary["skipped"].as_u64().unwrap() as usize,
        done.len() + text_done
    );
    assert_eq!(
        summary["converted"].as_u64().unwrap() as usize,
        5 - done.len() - text_done
    );
}

#[test]
fn review_pages_open_in_chromium_with_every_change_highlighted() {
    let out = &ingested().0;
    for stem in ["ocr-eng", "ke-hoach"] {
        let doc = read_json(&out_file(stem, "json"));
        let (changed, uncertain) = (
            doc["restoration"]["changed"].as_u64().unwrap(),
            doc["restoration"]["uncertain"].as_u64().unwrap(),
        );
        let page = out_file(stem, "review.html");
        let dom = chromium::run(out, &page, &["--dump-dom"]);
        assert_eq!(
            dom.matches("<ins>").count() as u64,
            changed,
            "{stem}: every change highlighted"
        );
        assert_eq!(
            dom.matches("class=\"c u\"").count() as u64,
            uncertain,
            "{stem}: uncertain changes marked"
        );
        let number = doc["metadata"]["number"].as_str().unwrap_or_default();
        assert!(
            !number.is_empty() && dom.contains(number),
            "{stem}: metadata at the top"
        );
        let shot = out.join(format!("{stem}.review.png"));
        chromium::run(
            out,
            &page,
            &[
                &format!("--screenshot={}", shot.display()),
                "--window-size=1280,1600",
            ],
        );
        assert!(
            std::fs::metadata(&shot)
                .map(|m| m.len() > 20_000)
                .unwrap_or(false),
            "{stem}: screenshot taken"
        );
    }
    let index = chromium::run(out, &out.join("index.html"), &["--dump-dom"]);
    assert!(
        index.contains("ke-hoach.review.html"),
        "index links the review pages"
    );
}

#[test]
fn every_metadata_field_of_the_fixtures_is_right_through_the_pipeline() {
    let out = &ingested().0;
    let index = read_json(&root().join("fixtures/index.json"));
    let mut wrong = Vec::new();
    let mut fields = 0;
    for f in index["fixtures"].as_array().unwrap() {
        let stem = f["name"].as_str().unwrap();
        let got = &read_json(&out.join(format!("{stem}.json")))["metadata"];
        let want = read_json(&truth(&format!("{stem}.expected.json")));
        for key in METADATA_FIELDS {
            fields += 1;
            if got[key] != want[key] {
                wrong.push(format!("{stem}.{key}: got {} want {}", got[key], want[key]));
            }
        }
    }
    assert!(fields >= 70, "only {fields} fields checked");
    assert!(
        wrong.is_empty(),
        "{} of {fields} fields wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn eval_docs_scores_every_fixture_field_right() {
    let mut c = vanban();
    c.arg("eval-docs")
        .arg(&ingested().0)
        .arg(root().join("fixtures/truth"))
        .arg("--json");
    let o = run(c);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON report");
    let typed = &r["by_visibility"]["typed"];
    eprintln!("fixtures: typed {typed}, text mean {}", r["text_mean"]);
    let not_right: Vec<String> = r["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["verdict"] != "right")
        .map(|f| format!("{} {}: {} | {}", f["doc"], f["field"], f["truth"], f["got"]))
        .collect();
    assert!(
        not_right.is_empty(),
        "fixture fields not right: {not_right:#?}"
    );
    assert!(typed["right"].as_u64().unwrap() >= 70);
    // The whole-document figures of the README (0.8639 for the English-model OCR text input).
    assert!(r["text_mean"].as_f64().unwrap() >= 0.97);
}
