//! End to end on real archive scans (`../shared/real`, beside the project in CI): `vanban ingest`
//! on every scan, then `vanban eval-docs` against their truth. What a user checks: no field is
//! filled from the wrong place (an absent number or a cited document's date), no handwritten digit
//! is given as sure and wrong, the typed fields and the page text reach the figures measured when
//! the header, stamp and signature-block reading was built.

mod common;

use std::path::PathBuf;

use common::*;
use serde_json::Value;

/// One ingest of every real scan and its eval-docs report, shared by the tests.
fn report() -> &'static Value {
    &real_ingest().1
}

/// The output folder of that ingest and the report.
fn ingest() -> &'static (PathBuf, Value) {
    real_ingest()
}

fn tally(vis: &str, what: &str) -> u64 {
    tally_in(report(), vis, what)
}

fn fields_where(pred: impl Fn(&Value) -> bool) -> Vec<String> {
    fields_in(report(), pred)
}

#[test]
fn no_field_is_filled_where_the_page_has_none() {
    let wrong = fields_where(|f| f["visibility"] == "absent" && f["verdict"] != "right");
    assert!(wrong.is_empty(), "fields filled from nowhere: {wrong:#?}");
}

#[test]
fn no_issue_date_or_number_is_wrong() {
    // A cited document's date (`Căn cứ Luật … ngày 19 tháng 02 năm 2025`) or a handwritten number
    // read wrong must never become the document's own.
    let wrong = fields_where(|f| {
        let name = f["field"].as_str().unwrap_or("");
        (name.starts_with("issued_date") || name.starts_with("number") || name == "place")
            && f["verdict"] == "wrong"
    });
    assert!(wrong.is_empty(), "wrong numbers or dates: {wrong:#?}");
    assert_eq!(report()["sure_wrong_handwritten"], 0);
}

#[test]
fn cited_documents_are_read_right_but_one_weak_line() {
    // 6 of the 7 documents that cite others have the whole set right. tt 37's `35/2018/QH14` is
    // read `33/2018/QH14` by the weak line's second reading, and both are cited in the corpora, so
    // extraction cannot tell (README: not done).
    let wrong = fields_where(|f| f["field"] == "references" && f["verdict"] != "right");
    assert!(
        wrong.len() <= 1 && wrong.iter().all(|f| f.contains("real_tt_37")),
        "cited documents not right: {wrong:#?}"
    );
}

#[test]
fn typed_fields_and_page_text_reach_the_measured_figures() {
    let (right, empty, wrong) = (
        tally("typed", "right"),
        tally("typed", "empty"),
        tally("typed", "wrong"),
    );
    let total = right + empty + wrong;
    eprintln!("typed fields: {right}/{total} right, {empty} empty, {wrong} wrong");
    // Measured 74 of 74 right, none wrong (98 % is 73). A session before: 71, qd 707's signer
    // under a seal as dark as the print left empty; before that 69 and 1 wrong; before this work
    // 30 of 74.
    assert!(right >= 73, "typed fields right: {right}/{total}");
    assert!(wrong == 0, "typed fields wrong: {wrong}/{total}");
    let signer_wrong = fields_where(|f| {
        f["field"].as_str().unwrap_or("").starts_with("signer") && f["verdict"] == "wrong"
    });
    assert!(
        signer_wrong.is_empty(),
        "signer fields wrong (a seal over the block must leave them empty): {signer_wrong:#?}"
    );
    let signer_right = fields_where(|f| {
        f["field"].as_str().unwrap_or("").starts_with("signer") && f["verdict"] == "right"
    })
    .len();
    assert!(
        signer_right >= 23,
        "signer fields right: {signer_right} of 24"
    );
    let mean = report()["text_mean"].as_f64().unwrap();
    eprintln!("page text mean accuracy {mean:.4}");
    // Measured 0.9545 (0.8656 before this work, 0.9322 a session later).
    assert!(mean >= 0.95, "page text mean accuracy {mean:.4}");
}

#[test]
fn digital_signature_boxes_are_read_from_the_signed_pdfs() {
    // The signing tools' boxes (form-field appearances over the scan) of the three signed files.
    let doc = |stem: &str| read_json(&ingest().0.join(format!("{stem}.json")));
    let d = doc("real_qd_707_ttg");
    let sigs = d["metadata"]["digital_signatures"]
        .as_array()
        .expect("signatures");
    assert_eq!(sigs.len(), 1);
    assert_eq!(sigs[0]["organisation"], "VĂN PHÒNG CHÍNH PHỦ");
    assert_eq!(sigs[0]["time"], "2026-04-24T16:36:42+07:00");
    // The signing time is not the issue date (22 April, handwritten).
    assert_ne!(d["metadata"]["issued_date"], "2026-04-24");
    let d = doc("ubnd_quangngai_23_BC_2025");
    let sigs = d["metadata"]["digital_signatures"]
        .as_array()
        .expect("signatures");
    assert!(sigs
        .iter()
        .any(|s| s["signer"] == "Ủy ban nhân dân tỉnh Quảng Ngãi"
            && s["time"] == "2025-01-24T14:23:43"));
    // Unsigned scans have none.
    assert!(doc("real_qd_729_ttg")["metadata"]["digital_signatures"].is_null());
}

#[test]
fn a_misread_header_row_is_read_again_on_its_column() {
    // Quảng Ngãi's report: the page OCR read the handwritten number of `Số: 23 /BC-UBND` as `A2`;
    // read again on its band of the left header column (crate::header), it reads `23`.
    let text = std::fs::read_to_string(ingest().0.join("ubnd_quangngai_23_BC_2025.txt"))
        .expect("text output");
    let page1 = text.split('\x0c').next().unwrap_or("");
    let number_line = page1
        .lines()
        .find(|l| l.trim_start().starts_with("Số:"))
        .expect("a `Số:` line in the header");
    let squeezed: String = number_line.split_whitespace().collect();
    assert_eq!(squeezed, "Số:23/BC-UBND", "{number_line}");
}

#[test]
fn a_handwritten_number_over_the_symbol_leaves_the_symbol_read() {
    // qd 707: the handwritten `707` runs over `/QĐ-`; the page OCR read `Số: †0X SP TTg`, the
    // band of the left column `Số: ‡o% /QĐ-TTg`. The symbol is taken from the band, the
    // handwritten digits are not guessed.
    let d = read_json(&ingest().0.join("real_qd_707_ttg.json"));
    assert_eq!(d["metadata"]["number_parts"]["symbol"], "QĐ-TTg");
    assert!(d["metadata"]["number"].is_null());
}

#[test]
fn a_signer_block_under_a_bilevel_seal_reads_whole() {
    // qd 707, 200 dpi bilevel: the seal, as black as the print, covers `KT.`, runs into `PHÓ`
    // (`PHƯOXRHỦ TƯỚNG`) and the start of `Nguyễn`. The deputy's title under the head's is
    // `Phó Thủ tướng` signing `KT.`; the family name is the one eight crops' readings agree on.
    let d = read_json(&ingest().0.join("real_qd_707_ttg.json"));
    let s = &d["metadata"]["signer"];
    assert_eq!(s["name"], "Nguyễn Văn Thắng", "{s}");
    assert_eq!(s["position"], "Phó Thủ tướng", "{s}");
    assert_eq!(s["authority"], "KT.", "{s}");
    // inferred, not read: not given as sure
    let c = d["metadata"]["confidence"]["signer"]
        .as_f64()
        .unwrap_or(1.0);
    assert!(c < 0.9, "signer confidence {c}");
}

#[test]
fn a_cited_number_a_second_reading_changed_is_settled_by_a_third() {
    // tt 37: the weak line read again as one line gave `33/2018/QH14` for the printed
    // `35/2018/QH14`; the word read alone agrees with the page OCR's `35`.
    let d = read_json(&ingest().0.join("real_tt_37_bca_vehicle.json"));
    let numbers: Vec<&str> = d["metadata"]["references"]
        .as_array()
        .expect("references")
        .iter()
        .filter_map(|r| r["number"].as_str())
        .collect();
    assert!(numbers.contains(&"35/2018/QH14"), "{numbers:?}");
    assert!(!numbers.contains(&"33/2018/QH14"), "{numbers:?}");
}
