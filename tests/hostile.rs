//! End to end, as an archive operator and an attacker would try it (issue 13): the real binary on
//! small generated inputs. Sources are never written, one run per output folder, temporary files
//! that no planted link can redirect, clean-up that touches only vanban's files, CSV cells that
//! cannot run as formulas, text tables restored cell by cell, batch files that no input can take,
//! damaged scans that fail instead of coming out partial, bounded memory, and the smaller cases.

// The shared helpers re-export items this file does not use.
#[allow(unused_imports)]
mod common;

use std::fs;
use std::path::Path;
use std::process::Output;

use common::{read, read_json, run, vanban};

/// A fresh folder for one test.
fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary folder")
}

/// Runs `vanban ingest ARGS... --out OUT` with one worker.
fn ingest(args: &[&Path], out: &Path, extra: &[&str]) -> Output {
    let mut c = vanban();
    c.arg("ingest")
        .args(args)
        .arg("--out")
        .arg(out)
        .args(["--jobs", "1"]);
    c.args(extra);
    run(c)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// A short OCR text (English-model style, marks stripped).
const OCR_TEXT: &str = "Chi so cai cach hanh chinh cua tinh\n";

/// A text input holding a table: title, header and rows separated by tabs.
fn table_text(rows: &[&str]) -> String {
    let mut s = String::from("BẢNG PHÂN CÔNG NHIỆM VỤ\nSTT\tNội dung\tGhi chú\n");
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s
}

/// Reads a CSV into rows of cells.
fn csv_rows(p: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// A page-like grey image (text-free lines), encoded.
fn image_bytes(format: image::ImageFormat, w: u32, h: u32) -> Vec<u8> {
    let img = image::GrayImage::from_fn(w, h, |x, y| {
        image::Luma([if (y / 9 + x / 17) % 6 == 0 { 30 } else { 235 }])
    });
    let mut buf = std::io::Cursor::new(Vec::new());
    img.write_to(&mut buf, format).unwrap();
    buf.into_inner()
}

fn failures(out: &Path) -> Vec<serde_json::Value> {
    read(&out.join("failures.jsonl"))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

// 1. Sources are never written.

#[test]
fn an_input_inside_out_is_never_overwritten_and_out_equal_to_the_input_folder_works() {
    let t = scratch();
    let d = t.path().join("d");
    fs::create_dir(&d).unwrap();
    let a = d.join("a.txt");
    fs::write(&a, OCR_TEXT).unwrap();
    let o = ingest(&[&a], &d, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(read(&a), OCR_TEXT, "the source was rewritten");
    // Its outputs keep the extension in the stem (documented).
    let doc = read_json(&d.join("a.txt.json"));
    assert_eq!(doc["source"]["path"], a.display().to_string());
    assert!(read(&d.join("a.txt.txt")).contains("Chỉ số"));
    // Again, with the folder itself as input and output: the source is still the only input.
    let o = ingest(&[&d], &d, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(read(&a), OCR_TEXT);
    let s = read_json(&d.join("summary.json"));
    assert_eq!(
        s["documents"], 1,
        "its own outputs were read as inputs: {s}"
    );
    assert_eq!(s["skipped"], 1, "{s}");
    // A new input in the folder is converted, the outputs still not read back.
    fs::write(d.join("b.txt"), OCR_TEXT).unwrap();
    let o = ingest(&[&d], &d, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let s = read_json(&d.join("summary.json"));
    assert_eq!(
        (s["documents"].as_u64(), s["converted"].as_u64()),
        (Some(2), Some(1)),
        "{s}"
    );
    assert_eq!(read(&d.join("b.txt")), OCR_TEXT);
}

// 4. One run per --out.

#[test]
fn a_second_run_on_the_same_out_is_refused_and_touches_nothing() {
    let t = scratch();
    let a = t.path().join("a.txt");
    fs::write(&a, OCR_TEXT).unwrap();
    let out = t.path().join("o");
    fs::create_dir(&out).unwrap();
    fs::write(
        out.join("failures.jsonl"),
        "{\"path\":\"x\",\"reason\":\"kept\"}\n",
    )
    .unwrap();
    let ours = out.join(".vanban-tmp-0123456789abcdef.tmp");
    fs::write(&ours, "in progress").unwrap();
    // Hold the lock as a running batch does.
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(out.join(".vanban.lock"))
        .unwrap();
    rustix::fs::flock(&lock, rustix::fs::FlockOperation::NonBlockingLockExclusive).unwrap();
    let o = ingest(&[&a], &out, &[]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("another vanban ingest"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(read(&out.join("failures.jsonl")).contains("kept"));
    assert!(
        ours.exists(),
        "the running batch's temporary file was removed"
    );
    assert!(!out.join("a.json").exists());
    drop(lock);
    let o = ingest(&[&a], &out, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!ours.exists(), "a stale vanban temporary file is left");
}

// 5. Clean-up removes only vanban's own temporary files.

#[test]
fn files_that_are_not_vanbans_are_kept() {
    let t = scratch();
    let a = t.path().join("a.txt");
    fs::write(&a, OCR_TEXT).unwrap();
    let out = t.path().join("o");
    fs::create_dir_all(out.join("sub")).unwrap();
    let theirs = [
        out.join("sub/.a.tmp"),
        out.join(".notes.tmp"),
        out.join(format!(".a.txt.{}.tmp", std::process::id())),
    ];
    for p in &theirs {
        fs::write(p, "someone else's").unwrap();
    }
    let o = ingest(&[&a], &out, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for p in &theirs {
        assert_eq!(read(p), "someone else's", "{}", p.display());
    }
}

// 6. Temporary files and batch files never follow a planted link.

#[cfg(unix)]
#[test]
fn planted_links_never_redirect_a_write() {
    let t = scratch();
    let victim = t.path().join("victim");
    fs::write(&victim, "precious").unwrap();
    let a = t.path().join("a.txt");
    fs::write(&a, OCR_TEXT).unwrap();
    let out = t.path().join("o");
    fs::create_dir(&out).unwrap();
    for name in [
        "a.txt",
        "a.json",
        "failures.jsonl",
        "summary.json",
        "index.html",
    ] {
        std::os::unix::fs::symlink(&victim, out.join(name)).unwrap();
    }
    let o = ingest(&[&a], &out, &[]);
    assert_eq!(read(&victim), "precious", "{}", stderr(&o));
    // The link at failures.jsonl is refused (O_NOFOLLOW): a fatal, one-line error, nothing written.
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("failures.jsonl"), "{}", stderr(&o));
    fs::remove_file(out.join("failures.jsonl")).unwrap();
    let o = ingest(&[&a], &out, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(read(&victim), "precious");
    // The outputs replaced the links; they did not write through them.
    assert!(!fs::symlink_metadata(out.join("a.txt"))
        .unwrap()
        .is_symlink());
    assert!(read(&out.join("a.txt")).contains("Chỉ số"));
}

// 7. Spreadsheet formulas do not pass into table CSVs.

#[test]
fn formula_cells_are_written_as_text() {
    let t = scratch();
    let a = t.path().join("bang.txt");
    fs::write(
        &a,
        table_text(&[
            "1\t=HYPERLINK(\"http://evil.example\",\"Bấm vào đây\")\tx",
            "2\t@SUM(A1:A9)\t-5",
            "3\t+cmd|' /C calc'!A0\t-",
        ]),
    )
    .unwrap();
    let out = t.path().join("o");
    let o = ingest(&[&a], &out, &["--no-restore"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let rows = csv_rows(&out.join("bang.table-1.csv"));
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(rows[1][1].starts_with("'=HYPERLINK("), "{rows:?}");
    assert!(rows[2][1].starts_with("'@SUM"), "{rows:?}");
    assert!(rows[3][1].starts_with("'+cmd"), "{rows:?}");
    // Numbers and a lone dash stay as they are.
    assert_eq!(rows[2][2], "-5");
    assert_eq!(rows[3][2], "-");
    for r in &rows {
        for c in r {
            assert!(!c.starts_with(['=', '+', '@']), "{c}");
        }
    }
}

// 8. Tab-separated rows of a text input are restored cell by cell.

#[test]
fn tab_separated_rows_keep_their_cells_through_restoration() {
    let t = scratch();
    let a = t.path().join("bang.txt");
    fs::write(
        &a,
        table_text(&[
            "1\tThuc hien ke hoach\tx",
            "2\tabc\tx",
            "3\tTong hop bao cao\t",
        ]),
    )
    .unwrap();
    let out = t.path().join("o");
    let o = ingest(&[&a], &out, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = read(&out.join("bang.txt"));
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.contains(&"1\tThực hiện kế hoạch\tx"), "{text}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("2\t") && l.ends_with("\tx")),
        "{text}"
    );
    let rows = csv_rows(&out.join("bang.table-1.csv"));
    let firsts: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(firsts, ["STT", "1", "2", "3"], "{rows:?}");
    assert!(rows.iter().all(|r| r.len() == 3), "{rows:?}");
}

// 9. Batch files keep their names and no input can take them.

#[test]
fn an_input_named_like_a_batch_file_gets_its_own_stem_and_is_not_redone() {
    let t = scratch();
    let inp = t.path().join("in");
    fs::create_dir(&inp).unwrap();
    for n in ["summary.txt", "index.txt", "failures.txt"] {
        fs::write(inp.join(n), OCR_TEXT).unwrap();
    }
    let out = t.path().join("o");
    let o = ingest(&[&inp], &out, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let s = read_json(&out.join("summary.json"));
    assert_eq!(s["converted"], 3, "{s}");
    for n in ["summary", "index", "failures"] {
        let doc = read_json(&out.join(format!("{n}.txt.json")));
        assert!(doc["source"]["path"]
            .as_str()
            .unwrap()
            .ends_with(&format!("{n}.txt")));
    }
    assert!(read(&out.join("index.html")).contains("summary.txt"));
    let o = ingest(&[&inp], &out, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let s = read_json(&out.join("summary.json"));
    assert_eq!(
        (s["skipped"].as_u64(), s["converted"].as_u64()),
        (Some(3), Some(0)),
        "{s}"
    );
}

// 2. Damaged scans fail with their reason; images are what their bytes say.

#[test]
fn a_cut_jpeg_fails_with_its_reason_and_the_batch_goes_on() {
    let t = scratch();
    let jpeg = image_bytes(image::ImageFormat::Jpeg, 600, 800);
    let cut = t.path().join("t.jpg");
    fs::write(&cut, &jpeg[..jpeg.len() * 6 / 10]).unwrap();
    let good = t.path().join("a.txt");
    fs::write(&good, OCR_TEXT).unwrap();
    let out = t.path().join("o");
    let o = ingest(&[&cut, &good], &out, &[]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let f = failures(&out);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0]["reason"].as_str().unwrap().contains("cut short"),
        "{f:?}"
    );
    assert!(out.join("a.json").exists() && out.join("index.html").exists());
    assert!(!out.join("t.json").exists());
}

#[test]
fn a_png_holding_a_jpeg_is_read_as_a_jpeg_with_a_warning() {
    let t = scratch();
    let p = t.path().join("scan.png");
    fs::write(&p, image_bytes(image::ImageFormat::Jpeg, 600, 800)).unwrap();
    let out = t.path().join("o");
    let o = ingest(&[&p], &out, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("its content is a JPEG image"),
        "{}",
        stderr(&o)
    );
    assert_eq!(read_json(&out.join("scan.json"))["source"]["pages"], 1);
}

/// A one-page PDF whose page is one JPEG image (DCTDecode), `jpeg` as its stream.
fn pdf_with_jpeg(jpeg: &[u8], w: u32, h: u32) -> Vec<u8> {
    // 150 dpi: the page is w*72/150 by h*72/150 points.
    let (pw, ph) = (w * 72 / 150, h * 72 / 150);
    let content = format!("q {pw} 0 0 {ph} 0 0 cm /Im0 Do Q");
    let mut objs: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {pw} {ph}] \
             /Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>"
        )
        .into_bytes(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        )
        .into_bytes(),
    ];
    let mut img = format!(
        "<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceGray \
         /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
        jpeg.len()
    )
    .into_bytes();
    img.extend_from_slice(jpeg);
    img.extend_from_slice(b"\nendstream");
    objs.push(img);
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        pdf.extend_from_slice(o);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for off in offsets {
        pdf.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

#[test]
fn a_pdf_whose_page_jpeg_is_cut_fails_and_a_whole_one_converts() {
    let t = scratch();
    let (w, h) = (600, 800);
    let jpeg = image_bytes(image::ImageFormat::Jpeg, w, h);
    let whole = t.path().join("whole.pdf");
    fs::write(&whole, pdf_with_jpeg(&jpeg, w, h)).unwrap();
    let cut = t.path().join("cut.pdf");
    fs::write(&cut, pdf_with_jpeg(&jpeg[..jpeg.len() / 2], w, h)).unwrap();
    let out = t.path().join("o");
    let o = ingest(&[&whole, &cut], &out, &[]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let f = failures(&out);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0]["path"].as_str().unwrap().ends_with("cut.pdf"), "{f:?}");
    assert!(
        f[0]["reason"].as_str().unwrap().contains("cut short"),
        "{f:?}"
    );
    assert_eq!(read_json(&out.join("whole.json"))["pages"][0]["width"], w);
}

/// The `incomplete` list of a document converted with `--partial`, checked in its JSON, its
/// `documents.jsonl` line and `summary.json`; returns what page 1 misses.
fn incomplete_page_1(out: &Path, stem: &str) -> String {
    let doc = read_json(&out.join(format!("{stem}.json")));
    assert_eq!(doc["schema_version"], "2.2");
    let parts = doc["incomplete"]
        .as_array()
        .expect("incomplete in the JSON");
    assert_eq!(parts.len(), 1, "{parts:?}");
    assert_eq!(parts[0]["page"], 1);
    let missing = parts[0]["missing"].as_str().unwrap().to_string();
    let line: serde_json::Value = read(&out.join("documents.jsonl"))
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|l| l["outputs"][0] == format!("{stem}.json"))
        .expect("a documents.jsonl line");
    assert_eq!(line["status"], "ok");
    assert_eq!(line["incomplete"][0]["missing"], missing);
    let summary = read_json(&out.join("summary.json"));
    let listed = summary["incomplete"].as_array().unwrap();
    assert!(
        listed
            .iter()
            .any(|i| i["reason"].as_str().unwrap().contains(&missing)),
        "{summary}"
    );
    missing
}

#[test]
fn with_partial_a_cut_jpeg_is_converted_and_marked_incomplete() {
    let t = scratch();
    let jpeg = image_bytes(image::ImageFormat::Jpeg, 600, 800);
    let cut = t.path().join("t.jpg");
    fs::write(&cut, &jpeg[..jpeg.len() * 6 / 10]).unwrap();
    let out = t.path().join("o");
    let o = ingest(&[&cut], &out, &["--partial"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let missing = incomplete_page_1(&out, "t");
    // The bottom rows are missing: they start somewhere below the top and run to the last row.
    let rows = missing.strip_prefix("rows ").expect(&missing);
    let (first, rest) = rows.split_once('–').expect(&missing);
    let first: u32 = first.parse().unwrap();
    assert!(
        first > 1 && first < 800 && rest.starts_with("800 of 800"),
        "{missing}"
    );
    assert!(missing.ends_with("the JPEG data is cut short"), "{missing}");
    assert!(stderr(&o).contains("converted in part"), "{}", stderr(&o));
    // Without --partial the same file still fails.
    let o = ingest(&[&cut], &t.path().join("o2"), &[]);
    assert_eq!(code(&o), 1);
}

#[test]
fn with_partial_a_pdf_whose_page_jpeg_is_cut_is_converted_and_marked_incomplete() {
    let t = scratch();
    let (w, h) = (600, 800);
    let jpeg = image_bytes(image::ImageFormat::Jpeg, w, h);
    let cut = t.path().join("cut.pdf");
    fs::write(&cut, pdf_with_jpeg(&jpeg[..jpeg.len() / 2], w, h)).unwrap();
    let whole = t.path().join("whole.pdf");
    fs::write(&whole, pdf_with_jpeg(&jpeg, w, h)).unwrap();
    let out = t.path().join("o");
    let o = ingest(&[&cut, &whole], &out, &["--partial"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let missing = incomplete_page_1(&out, "cut");
    assert!(
        missing.starts_with("its scanned image: rows ") && missing.contains(&format!("of {h} (")),
        "{missing}"
    );
    assert_eq!(read_json(&out.join("cut.json"))["pages"][0]["width"], w);
    assert!(read_json(&out.join("whole.json"))
        .get("incomplete")
        .is_none());
}

// 3. Bounded memory: a text input above the documented limit is refused, the batch finishes.

#[test]
fn a_huge_text_input_is_refused_and_the_batch_finishes_under_a_memory_limit() {
    let t = scratch();
    let big = t.path().join("big.txt");
    let line = "Chi so cai cach hanh chinh cua tinh nam 2024 dat ket qua tot\n";
    fs::write(&big, line.repeat((20 << 20) / line.len())).unwrap();
    let small = t.path().join("small.txt");
    fs::write(&small, OCR_TEXT).unwrap();
    let out = t.path().join("o");
    // The whole process (dictionary, one worker) within 1 GiB of address space.
    let mut c = std::process::Command::new("prlimit");
    c.arg("--as=1073741824").arg(env!("CARGO_BIN_EXE_vanban"));
    let base = vanban();
    for (k, v) in base.get_envs() {
        if let Some(v) = v {
            c.env(k, v);
        }
    }
    c.arg("ingest")
        .arg(&big)
        .arg(&small)
        .arg("--out")
        .arg(&out)
        .args(["--jobs", "1"]);
    let o = run(c);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let f = failures(&out);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0]["reason"].as_str().unwrap().contains("too large"),
        "{f:?}"
    );
    assert!(out.join("small.json").exists());
    assert_eq!(read_json(&out.join("summary.json"))["failed"], 1);
    assert!(read(&out.join("index.html")).contains("big.txt"));
}

// 10. The smaller cases.

#[cfg(unix)]
#[test]
fn a_symlinked_file_in_a_folder_is_converted() {
    let t = scratch();
    let inp = t.path().join("in");
    fs::create_dir(&inp).unwrap();
    let real = t.path().join("elsewhere.txt");
    fs::write(&real, OCR_TEXT).unwrap();
    std::os::unix::fs::symlink(&real, inp.join("link.txt")).unwrap();
    std::os::unix::fs::symlink(t.path(), inp.join("loop")).unwrap();
    let out = t.path().join("o");
    let o = ingest(&[&inp], &out, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(out.join("link.json").exists());
    assert!(
        stderr(&o).contains("symbolic link to a folder"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn stale_tables_of_a_redone_document_are_removed() {
    let t = scratch();
    let a = t.path().join("bang.txt");
    let two = format!(
        "{}\n{}",
        table_text(&["1\tMột\tx", "2\tHai\tx"]),
        table_text(&["1\tBa\tx", "2\tBốn\tx"])
    );
    fs::write(&a, &two).unwrap();
    let out = t.path().join("o");
    let o = ingest(&[&a], &out, &["--no-restore"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        out.join("bang.table-2.csv").exists(),
        "the fixture needs two tables"
    );
    fs::write(&a, table_text(&["1\tMột\tx", "2\tHai\tx"])).unwrap();
    let o = ingest(&[&a], &out, &["--no-restore"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(out.join("bang.table-1.csv").exists());
    assert!(
        !out.join("bang.table-2.csv").exists(),
        "a stale table is left"
    );
}

#[test]
fn a_failed_final_write_leaves_no_old_summary() {
    let t = scratch();
    let a = t.path().join("a.txt");
    fs::write(&a, OCR_TEXT).unwrap();
    let out = t.path().join("o");
    let o = ingest(&[&a], &out, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // index.html cannot be written now (a folder with a file in it stands there).
    fs::remove_file(out.join("index.html")).unwrap();
    fs::create_dir_all(out.join("index.html/x")).unwrap();
    let o = ingest(&[&a], &out, &["--force"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        !out.join("summary.json").exists(),
        "the last run's summary is left"
    );
    let err = stderr(&o);
    let line = err
        .lines()
        .find(|l| l.contains("index.html"))
        .unwrap_or_default();
    assert!(!line.is_empty(), "{err}");
    // The cause is said once.
    let cause = line.rsplit(": ").next().unwrap();
    assert_eq!(line.matches(cause).count(), 1, "{line}");
}

#[test]
fn jobs_are_capped_at_the_cores() {
    let t = scratch();
    let a = t.path().join("a.txt");
    fs::write(&a, OCR_TEXT).unwrap();
    let out = t.path().join("o");
    let mut c = vanban();
    c.arg("ingest")
        .arg(&a)
        .arg("--out")
        .arg(&out)
        .args(["--jobs", "64"]);
    let o = run(c);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let cores = std::thread::available_parallelism().unwrap().get() as u64;
    let jobs = read_json(&out.join("summary.json"))["jobs"]
        .as_u64()
        .unwrap();
    assert!(jobs <= cores, "{jobs} workers on {cores} cores");
    assert!(stderr(&o).contains("--jobs 64"), "{}", stderr(&o));
}

#[test]
fn utf16_text_is_read_with_a_bom_and_refused_without() {
    let t = scratch();
    let utf16 = |bom: bool| {
        let mut b: Vec<u8> = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        for u in "Chỉ số cải cách hành chính\n".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        b
    };
    let with = t.path().join("with.txt");
    fs::write(&with, utf16(true)).unwrap();
    let without = t.path().join("without.txt");
    fs::write(&without, utf16(false)).unwrap();
    let out = t.path().join("o");
    let o = ingest(&[&with, &without], &out, &[]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(read(&out.join("with.txt")).contains("Chỉ số cải cách"));
    let f = failures(&out);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0]["reason"].as_str().unwrap().contains("UTF-16"), "{f:?}");
}

#[test]
fn a_newline_in_a_file_name_cannot_forge_a_log_line() {
    let t = scratch();
    let name = "x.txt\nvanban: forged.txt: all good\ny.txt";
    let p = t.path().join(name);
    fs::write(&p, [0u8, 1, 2, 0, 0, 0]).unwrap();
    let out = t.path().join("o");
    let o = ingest(&[&p], &out, &[]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        !err.lines().any(|l| l.starts_with("vanban: forged.txt")),
        "{err}"
    );
    let failure_lines: Vec<&str> = err.lines().filter(|l| l.contains("forged")).collect();
    assert_eq!(failure_lines.len(), 1, "{err}");
    assert!(failure_lines[0].contains("\\n"), "{err}");
    // failures.jsonl holds the real name, one record a line.
    let f = failures(&out);
    assert_eq!(f[0]["path"], p.display().to_string());
}

#[test]
fn the_same_file_named_twice_is_one_document() {
    let t = scratch();
    let a = t.path().join("a.txt");
    fs::write(&a, OCR_TEXT).unwrap();
    let again = t.path().join(".").join("a.txt");
    let out = t.path().join("o");
    let o = ingest(&[&a, &again, t.path()], &out, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let s = read_json(&out.join("summary.json"));
    assert_eq!(
        (s["documents"].as_u64(), s["failed"].as_u64()),
        (Some(1), Some(0)),
        "{s}"
    );
}

#[test]
fn an_output_that_resolves_to_an_input_is_refused_before_any_work() {
    // `o/a` is a link to the input folder: a.txt's outputs would land beside it, and its
    // outputs keep the extension; a second input that would take that name too is refused.
    let t = scratch();
    let inp = t.path().join("in");
    fs::create_dir(&inp).unwrap();
    fs::write(inp.join("a.txt"), OCR_TEXT).unwrap();
    fs::write(inp.join("a.txt.txt"), OCR_TEXT).unwrap();
    let o = ingest(&[&inp], &inp, &[]);
    assert_eq!(read(&inp.join("a.txt")), OCR_TEXT);
    assert_eq!(read(&inp.join("a.txt.txt")), OCR_TEXT);
    let f = failures(&inp);
    assert!(
        f.iter().any(|x| x["reason"]
            .as_str()
            .unwrap()
            .contains("would overwrite an input")),
        "{f:?} {}",
        stderr(&o)
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
}
