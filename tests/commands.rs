//! End to end: the single-file commands (`ocr`, `restore`, `extract`, `diff`) and the command line's
//! errors and exit codes, through the real binary.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::*;

fn stdout_of(mut c: std::process::Command) -> String {
    let o = c.output().expect("run vanban");
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8 output")
}

#[test]
fn restore_reads_stdin_and_keeps_lines() {
    let mut c = vanban();
    c.arg("restore")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("Chi sb cai cach hanh chinh\n\nKẾ HOẠCH\n".as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    assert_eq!(out, "Chỉ số cải cách hành chính\n\nKẾ HOẠCH\n");
}

#[test]
fn restore_json_gives_per_token_records() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("in.txt");
    std::fs::write(&p, "Ke hoach so 229/KH-UBND\n").unwrap();
    let mut c = vanban();
    c.arg("restore").arg(&p).arg("--json");
    let out = stdout_of(c);
    let line: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    let toks = line.as_array().unwrap();
    assert_eq!(toks.len(), 4);
    assert_eq!(toks[0]["raw"], "Ke");
    assert_eq!(toks[0]["text"], "Kế");
    assert!(toks[0]["conf"].as_f64().unwrap() > 0.0);
    assert_eq!(toks[3]["text"], "229/KH-UBND", "codes never change");
}

#[test]
fn ocr_prints_raw_text_of_a_scan() {
    let mut c = vanban();
    c.arg("ocr").arg(fixture("thong-bao-tiff.tif"));
    let out = stdout_of(c);
    let gt = read(&truth("thong-bao-tiff.gt.txt"));
    let acc = accuracy(&gt, &out);
    assert!(acc > 0.9, "raw OCR accuracy {acc:.4}");
    assert_eq!(out.matches('\x0c').count(), 1);
}

/// Tesseract stores each text line as an in-memory PNG; vanban makes Leptonica's
/// `png_set_compression_level` call its own (stored, not deflated: `vanban_ocr::linepng`). The
/// dynamic linker's record of bindings shows where Leptonica's call went.
#[test]
fn tesseract_line_images_are_stored_not_deflated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("bindings");
    let mut c = vanban();
    c.arg("ocr")
        .arg(fixture("thong-bao-tiff.tif"))
        .env("LD_DEBUG", "bindings")
        .env("LD_DEBUG_OUTPUT", &log);
    let out = stdout_of(c);
    assert!(out.contains("THÔNG BÁO") || out.len() > 200, "{out}");
    let mut bound = Vec::new();
    for e in std::fs::read_dir(dir.path()).expect("read dir").flatten() {
        let text = std::fs::read_to_string(e.path()).unwrap_or_default();
        bound.extend(
            text.lines()
                .filter(|l| l.contains("`png_set_compression_level'") && l.contains("liblept"))
                .map(str::to_string),
        );
    }
    assert!(
        !bound.is_empty(),
        "Leptonica never set a PNG compression level"
    );
    assert!(
        bound
            .iter()
            .all(|l| l.contains("to ")
                && l.split(" to ").nth(1).is_some_and(|t| t.contains("vanban"))),
        "Leptonica's call is bound to libpng, not to vanban: {bound:?}"
    );
}

#[test]
fn extract_prints_the_metadata_of_a_text_file() {
    let mut c = vanban();
    c.arg("extract").arg(fixture("thong-bao-nfd-old.txt"));
    let got: serde_json::Value = serde_json::from_str(&stdout_of(c)).unwrap();
    let want = read_json(&truth("thong-bao-nfd-old.expected.json"));
    for key in METADATA_FIELDS {
        assert_eq!(got[key], want[key], "{key}");
    }
}

#[test]
fn extract_restores_the_archived_english_ocr_of_seed_004_and_gets_every_field() {
    // `Pham Thi Anh Thu` (a signature: the person-name model, not `vi phạm thì`) and
    // `Cac phong NV` (`phòng` before an acronym) are the hard ones.
    let shared =
        vanban_restore::eval::shared_dir(&root()).expect("shared/seeds beside the project");
    let mut c = vanban();
    c.arg("extract")
        .arg(shared.join("seeds/004_e3e329324efb5d2f.txt"));
    let got: serde_json::Value = serde_json::from_str(&stdout_of(c)).unwrap();
    let want =
        read_json(&root().join("crates/extract/tests/expected/004_e3e329324efb5d2f.gt.json"));
    let wrong: Vec<String> = METADATA_FIELDS
        .iter()
        .filter(|k| got[**k] != want[**k])
        .map(|k| format!("{k}: got {} want {}", got[*k], want[*k]))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn diff_marks_changed_words_and_plain_output_has_no_colour_codes() {
    let mut c = vanban();
    c.arg("diff").arg(fixture("ocr-eng.txt")).arg("--no-color");
    let out = stdout_of(c);
    assert!(!out.contains('\x1b'), "no ANSI codes with --no-color");
    assert!(out.contains("Ke") || out.contains("Kế"), "{out}");
}

#[test]
fn usage_errors_exit_2_and_bad_files_name_the_file() {
    let o = run({
        let mut c = vanban();
        c.arg("ingest");
        c
    });
    assert_eq!(o.status.code(), Some(2));
    let o = run({
        let mut c = vanban();
        c.arg("ocr").arg(fixture("bad/encrypted.pdf"));
        c
    });
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("encrypted.pdf") && err.contains("password"),
        "{err}"
    );
}

#[test]
fn colliding_inputs_are_reported_and_the_rest_converted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("x")).unwrap();
    std::fs::create_dir_all(dir.path().join("y")).unwrap();
    std::fs::write(dir.path().join("x/doc.txt"), "Ke hoach\n").unwrap();
    std::fs::write(dir.path().join("y/doc.txt"), "Cong van\n").unwrap();
    let out = dir.path().join("out");
    let mut c = vanban();
    c.arg("ingest")
        .arg(dir.path().join("x/doc.txt"))
        .arg(dir.path().join("y/doc.txt"))
        .arg("--out")
        .arg(&out);
    let o = run(c);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("y/doc.txt") && err.contains("overwrite"),
        "{err}"
    );
    assert!(out.join("doc.json").is_file());
}

#[test]
fn a_clerk_confirmed_name_in_the_lexicon_is_honoured_on_later_runs() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.txt");
    std::fs::write(&input, "UBND HUYEN SON TINH\nxa Tinh Ha, huyen Son Tinh.\n").unwrap();
    let lexicon = dir.path().join("lexicon.txt");
    std::fs::write(&lexicon, "Sơn Tịnh\n").unwrap();
    let mut c = vanban();
    c.arg("restore").arg(&input).arg("--lexicon").arg(&lexicon);
    let out = stdout_of(c);
    assert!(
        out.contains("SƠN TỊNH") && out.contains("Sơn Tịnh."),
        "{out}"
    );
}

#[test]
fn a_lexicon_path_that_does_not_exist_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.txt");
    std::fs::write(&input, "Chi so\n").unwrap();
    let missing = dir.path().join("lexcion.txt");
    let mut c = vanban();
    c.arg("restore").arg(&input).arg("--lexicon").arg(&missing);
    let o = run(c);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("lexcion.txt") && err.contains("no such lexicon file"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

#[test]
fn extract_reads_standard_input_as_what_its_bytes_are() {
    let mut c = vanban();
    c.arg("extract")
        .arg("-")
        .stdin(std::fs::File::open(fixture("ocr-eng.txt")).unwrap());
    let o = run(c);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let m: serde_json::Value = serde_json::from_slice(&o.stdout).expect("metadata JSON");
    let want: serde_json::Value =
        serde_json::from_str(&read(&truth("ocr-eng.expected.json"))).unwrap();
    assert_eq!(m["number"], want["number"]);
    assert_eq!(m["issued_date"], want["issued_date"]);
}
