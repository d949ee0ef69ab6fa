//! End to end on stamps: the urgency mark (`HỎA TỐC`, `THƯỢNG KHẨN`, `KHẨN`) and the receipt
//! stamp's handwritten date, on the real archive scans (`../shared/real`, beside the project in CI)
//! and on a rendered page with a stamp set at an angle (`fixtures/stamps`). What a user checks: a
//! stamp field given is right (a wrong one is worse than none), as many as were measured are
//! given, body text such as `khẩn cấp` is no urgency, and the stamps' lines are out of the text.

mod common;

use common::*;
use serde_json::Value;

/// Stamped fields of the real set read right, as measured (of 4: the `HỎA TỐC` of cv_3722 and the
/// handwritten receipt date of qd_707).
const STAMPED_RIGHT: u64 = 2;

fn stamped_fields(verdict: &str) -> Vec<String> {
    real_ingest().1["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["visibility"] == "stamped" && f["verdict"] == verdict)
        .map(|f| format!("{} {}: {} | {}", f["doc"], f["field"], f["truth"], f["got"]))
        .collect()
}

#[test]
fn real_stamps_given_are_right_and_reach_the_measured_count() {
    let right = stamped_fields("right");
    let wrong = stamped_fields("wrong");
    eprintln!("stamped fields right: {right:#?}");
    assert!(wrong.is_empty(), "stamped fields given wrong: {wrong:#?}");
    // Measured 2 of 4 right, 0 wrong, when the stamp reading was built (0 of 4 before).
    assert!(
        right.len() as u64 >= STAMPED_RIGHT,
        "{} of 4 right: {right:#?}",
        right.len()
    );
    // No urgency where the page has none (cv_3722's subject says `khẩn cấp`; it is no mark).
    let truth = read_json(&real().join("truth/metadata.json"));
    for (stem, t) in truth["docs"].as_object().unwrap() {
        let d = read_json(&real_ingest().0.join(format!("{stem}.json")));
        if t["urgency"].is_null() {
            assert_eq!(d["metadata"]["urgency"], Value::Null, "{stem}");
        }
    }
    // The stamps are out of the page text, and a handwritten date shows its confidence and place.
    let out = &real_ingest().0;
    let txt = read(&out.join("real_cv_3722_metro.txt"));
    assert!(!txt.contains("HỎA") && !txt.contains("TIN ĐIỆN"), "{txt}");
    assert!(txt.contains("khẩn cấp"));
    let d = read_json(&out.join("real_qd_707_ttg.json"));
    let m = &d["metadata"];
    if m["received"]["date"].is_string() {
        assert!(m["confidence"]["received.date"].as_f64().unwrap() >= 0.9);
        let ev = &m["evidence"]["received.date"];
        assert_eq!(ev["page"], 1);
        assert!(ev["bbox"]["x0"].is_u64(), "{ev}");
    }
}

#[test]
fn framed_marks_are_read_at_an_angle_or_level_and_other_boxes_are_left_as_they_were() {
    // fixtures/stamps (made by its make.py): 150 dpi pages that do not say their resolution.
    let src = tempfile::tempdir().expect("temp dir");
    let out = tempfile::tempdir().expect("temp dir");
    for name in [
        "urgency-rotated",
        "urgency-level",
        "secret-mark",
        "form-box",
        "urgency-red",
    ] {
        std::fs::copy(
            root().join(format!("fixtures/stamps/{name}.png")),
            src.path().join(format!("{name}.png")),
        )
        .expect("copy the fixture");
    }
    let mut c = vanban();
    c.arg("ingest").arg(src.path()).arg("--out").arg(out.path());
    let o = run(c);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc = |name: &str| read_json(&out.path().join(format!("{name}.json")));
    let text = |name: &str| read(&out.path().join(format!("{name}.txt")));
    for (name, urgency, printed) in [
        ("urgency-rotated", "Thượng khẩn", "THƯỢNG"),
        ("urgency-level", "Khẩn", "KHẨN"),
        // red ink on a colour page: paper in the grey image, read from the red alone
        ("urgency-red", "Hỏa tốc", "HỎA"),
    ] {
        let d = doc(name);
        assert_eq!(d["metadata"]["urgency"], urgency, "{name}");
        let stamp = d["stamps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["kind"] == "urgency")
            .expect("an urgency stamp line");
        // Its box is the stamp's, in the left margin between the header and the body.
        let b = &stamp["line"]["bbox"];
        assert!(
            b["x1"].as_u64().unwrap() < 420 && b["y0"].as_u64().unwrap() > 260,
            "{name}: {b}"
        );
        let txt = text(name);
        assert!(!txt.contains(printed), "{name}: {txt}");
        // The body's `khẩn cấp` stays in the text, and the header is read as without a stamp.
        assert!(txt.contains("khẩn cấp"), "{name}: {txt}");
        assert_eq!(d["metadata"]["number"], "215/UBND-VP", "{name}");
    }
    // A confidentiality mark in a frame at an angle is no urgency.
    assert_eq!(doc("secret-mark")["metadata"]["urgency"], Value::Null);
    // A stamp-sized ruled box that holds no stamp keeps its text and stays the table it was.
    let d = doc("form-box");
    assert_eq!(d["metadata"]["urgency"], Value::Null);
    assert!(d["metadata"]["received"].is_null(), "{}", d["metadata"]);
    assert!(
        text("form-box").contains("Mẫu số 01"),
        "{}",
        text("form-box")
    );
    assert_eq!(d["tables"].as_array().map_or(0, Vec::len), 1);
}
