//! Shared helpers of the end-to-end tests: the real binary, the fixtures, the accuracy metric, and one
//! ingest of all fixtures that every test of a test binary reads (OCR is the slow part, done once).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The workspace folder.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// An input under fixtures/inputs/.
pub fn fixture(rel: &str) -> PathBuf {
    root().join("fixtures/inputs").join(rel)
}

/// A ground-truth file under fixtures/truth/.
pub fn truth(rel: &str) -> PathBuf {
    root().join("fixtures/truth").join(rel)
}

/// The vanban binary, with the project's pdfium library and dictionary.
pub fn vanban() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vanban"));
    let r = root();
    if std::env::var_os("VANBAN_PDFIUM").is_none() {
        c.env("VANBAN_PDFIUM", r.join("vendor/pdfium/libpdfium.so"));
    }
    if std::env::var_os("VANBAN_DICT").is_none() {
        c.env("VANBAN_DICT", r.join("dictionaries/vanban.dict"));
    }
    c.env("OMP_THREAD_LIMIT", "1");
    c
}

/// Runs a command and returns its output, showing stderr when it is unexpected.
pub fn run(mut c: Command) -> Output {
    c.output().expect("cannot run vanban")
}

/// Token accuracy of `hyp` against the ground truth `gt`, with the metric of shared/tools/score.py.
pub fn accuracy(gt: &str, hyp: &str) -> f64 {
    vanban_restore::score(gt, hyp).accuracy()
}

/// Token accuracy of the part of `hyp` that best matches `gt` (score.py's metric, but the words of `hyp`
/// before and after that part are free): the body text's accuracy inside a whole document's output.
pub fn body_accuracy(gt: &str, hyp: &str) -> f64 {
    use vanban_restore::eval::canon;
    let gt: Vec<Vec<String>> = gt
        .split_whitespace()
        .map(
            |t| match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                Some(alts) => alts.split('|').map(canon).collect(),
                None => vec![canon(t)],
            },
        )
        .filter(|alts: &Vec<String>| alts.iter().any(|a| !a.is_empty()))
        .collect();
    let hyp: Vec<String> = hyp
        .split_whitespace()
        .map(canon)
        .filter(|c| !c.is_empty())
        .collect();
    // Semi-global edit distance: free start anywhere in hyp (first row 0), free end (min of last row).
    let mut prev = vec![0usize; hyp.len() + 1];
    let mut cur = vec![0usize; hyp.len() + 1];
    for (i, g) in gt.iter().enumerate() {
        cur[0] = i + 1;
        for j in 1..=hyp.len() {
            let sub = prev[j - 1] + usize::from(!g.contains(&hyp[j - 1]));
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(sub);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let errors = prev.iter().copied().min().unwrap_or(gt.len());
    if gt.is_empty() {
        1.0
    } else {
        1.0 - errors as f64 / gt.len() as f64
    }
}

/// Output folder of one `vanban ingest fixtures --out DIR` run, shared by the tests of a binary.
pub fn ingested() -> &'static (PathBuf, Output) {
    static RUN: OnceLock<(PathBuf, Output)> = OnceLock::new();
    RUN.get_or_init(|| {
        let out = std::env::temp_dir().join(format!("vanban-e2e-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        let mut c = vanban();
        c.arg("ingest")
            .arg(root().join("fixtures/inputs"))
            .arg("--out")
            .arg(&out);
        let o = run(c);
        eprintln!("{}", String::from_utf8_lossy(&o.stderr));
        (out, o)
    })
}

/// Reads a file to a string, naming it on failure.
pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Parses a JSON file.
pub fn read_json(p: &Path) -> serde_json::Value {
    serde_json::from_str(&read(p)).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The Decree 30 fields of a document's `metadata`, as the schema names them.
#[allow(unused_imports)]
pub use vanban_doc::METADATA_FIELDS;

/// The real archive scans with their truth (`../shared/real`, beside the project in CI).
pub fn real() -> PathBuf {
    let p = root().join("../shared/real");
    assert!(
        p.join("truth/metadata.json").is_file(),
        "{}: the real scans with truth are not beside the project (CI has ../shared)",
        p.display()
    );
    p
}

/// One ingest of every real scan and its `eval-docs --json` report, shared by the tests of a test
/// binary: the output folder and the report.
pub fn real_ingest() -> &'static (PathBuf, serde_json::Value) {
    static R: OnceLock<(PathBuf, serde_json::Value)> = OnceLock::new();
    R.get_or_init(|| {
        let out = tempfile::tempdir().expect("temp dir").keep();
        let v = ingest_and_score(&real().join("scans"), &out);
        (out, v)
    })
}

/// `vanban ingest SCANS --out OUT`, then the `eval-docs --json` report of OUT against the real
/// scans' truth.
pub fn ingest_and_score(scans: &Path, out: &Path) -> serde_json::Value {
    let mut c = vanban();
    c.arg("ingest").arg(scans).arg("--out").arg(out);
    let o = run(c);
    assert!(
        o.status.success(),
        "ingest of {} failed: {}",
        scans.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    let mut c = vanban();
    c.arg("eval-docs")
        .arg(out)
        .arg(real().join("truth"))
        .arg("--json");
    let o = run(c);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("eval-docs --json prints JSON")
}

/// A copy of the real scans made by `scripts/degrade-real.py ARGS` (a poorer scan, a phone photo)
/// in a kept temporary folder, ingested, and its `eval-docs --json` report.
pub fn degraded_report(args: &[&str]) -> serde_json::Value {
    let dir: PathBuf = tempfile::tempdir().expect("temp dir").keep();
    let (scans, out) = (dir.join("scans"), dir.join("out"));
    let python = root().join(".venv/bin/python");
    let o = Command::new(&python)
        .arg(root().join("scripts/degrade-real.py"))
        .args(args)
        .arg(real().parent().expect("shared"))
        .arg(&scans)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e} (scripts/setup.sh makes it)", python.display()));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    ingest_and_score(&scans, &out)
}

/// How many fields of a visibility (`typed`, `absent`, …) an eval-docs report counts `what`
/// (`right`, `empty`, `wrong`).
pub fn tally_in(report: &serde_json::Value, vis: &str, what: &str) -> u64 {
    report["by_visibility"][vis][what].as_u64().unwrap_or(0)
}

/// The fields of an eval-docs report that `pred` picks, as `doc field: truth | got`.
pub fn fields_in(
    report: &serde_json::Value,
    pred: impl Fn(&serde_json::Value) -> bool,
) -> Vec<String> {
    report["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter(|f| pred(f))
        .map(|f| format!("{} {}: {} | {}", f["doc"], f["field"], f["truth"], f["got"]))
        .collect()
}

/// The header fields (number, date, place, issuer, parent body) an eval-docs report finds wrong.
pub fn wrong_header_fields(report: &serde_json::Value) -> Vec<String> {
    fields_in(report, |f| {
        let name = f["field"].as_str().unwrap_or("");
        (name.starts_with("issued_date")
            || name.starts_with("number")
            || name == "place"
            || name == "issuer"
            || name == "parent_issuer")
            && f["verdict"] == "wrong"
    })
}

/// The fields an eval-docs report finds filled where the document has none.
pub fn filled_from_nowhere(report: &serde_json::Value) -> Vec<String> {
    fields_in(report, |f| {
        f["visibility"] == "absent" && f["verdict"] != "right"
    })
}

/// Asserts what a poorer copy may lose and what not: no field filled from nowhere, no header field
/// (number, date, place, issuer, parent body) wrong, no handwritten digit given as sure and wrong.
pub fn assert_loses_fields_to_emptiness(report: &serde_json::Value) {
    let from_nowhere = filled_from_nowhere(report);
    assert!(
        from_nowhere.is_empty(),
        "fields filled from nowhere: {from_nowhere:#?}"
    );
    let wrong_core = wrong_header_fields(report);
    assert!(
        wrong_core.is_empty(),
        "wrong header fields: {wrong_core:#?}"
    );
    assert_eq!(report["sure_wrong_handwritten"], 0);
}
