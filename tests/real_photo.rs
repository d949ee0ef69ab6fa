//! End to end on the real archive scans as phone photos: every page photographed on a desk, tilted
//! (the far edge narrower), turned by about 2°, lit unevenly, put in a PDF at a phone's nominal
//! 72 dpi as a scanning app does (`scripts/degrade-real.py --photo`). What a user checks: the
//! photo gives its text (the sheet found and straightened, not enlarged as a 72 dpi page), and
//! loses fields to emptiness, not to wrong ones — no field filled from nowhere, no wrong number,
//! date, place or issuer (a cited number in the body taken for the document's was seen before the
//! sheet was straightened).

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use common::*;
use serde_json::Value;

/// The photographed copy of the real scans, one ingest of it, and its eval-docs report.
fn report() -> &'static Value {
    static R: OnceLock<Value> = OnceLock::new();
    R.get_or_init(|| {
        let dir: PathBuf = tempfile::tempdir().expect("temp dir").keep();
        let (scans, out) = (dir.join("scans"), dir.join("out"));
        let python = root().join(".venv/bin/python");
        let o = Command::new(&python)
            .arg(root().join("scripts/degrade-real.py"))
            .args(["--photo", "--dpi", "200", "--quality", "85"])
            .arg(real().parent().expect("shared"))
            .arg(&scans)
            .output()
            .unwrap_or_else(|e| panic!("{}: {e} (scripts/setup.sh makes it)", python.display()));
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        ingest_and_score(&scans, &out)
    })
}

fn fields_where(pred: impl Fn(&Value) -> bool) -> Vec<String> {
    report()["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter(|f| pred(f))
        .map(|f| format!("{} {}: {} | {}", f["doc"], f["field"], f["truth"], f["got"]))
        .collect()
}

#[test]
fn a_phone_photo_gives_its_text_and_no_wrong_header() {
    let mean = report()["text_mean"].as_f64().expect("text_mean");
    eprintln!("photos: page text mean accuracy {mean:.4}");
    // Measured 0.9411 (0.5724 when the photos were enlarged as 72 dpi pages and not straightened,
    // 0.8769 not straightened; plain tesseract on the photos 0.34-0.36).
    assert!(mean >= 0.92, "page text mean accuracy {mean:.4}");
    let from_nowhere = fields_where(|f| f["visibility"] == "absent" && f["verdict"] != "right");
    assert!(
        from_nowhere.is_empty(),
        "fields filled from nowhere: {from_nowhere:#?}"
    );
    let wrong_core = fields_where(|f| {
        let name = f["field"].as_str().unwrap_or("");
        (name.starts_with("issued_date")
            || name.starts_with("number")
            || name == "place"
            || name == "issuer"
            || name == "parent_issuer")
            && f["verdict"] == "wrong"
    });
    assert!(
        wrong_core.is_empty(),
        "wrong header fields: {wrong_core:#?}"
    );
    assert_eq!(report()["sure_wrong_handwritten"], 0);
    let right = report()["by_visibility"]["typed"]["right"]
        .as_u64()
        .unwrap_or(0);
    eprintln!(
        "photos: typed fields right {right}: {:#?}",
        fields_where(|f| f["visibility"] == "typed" && f["verdict"] != "right")
    );
    // Measured 61 of 74 (41 before the photo work).
    assert!(right >= 59, "typed fields right: {right}");
}
