//! End to end on the real archive scans made worse, as archives often hold them: every page grey
//! at 150 dpi (no colour, so red seals stay over the text), turned by up to 0.9°, saved as JPEG at
//! quality 55 (`scripts/degrade-real.py`). What a user checks: a poorer scan loses fields to
//! emptiness, not to wrong values — no field filled from nowhere, no wrong number, date or place,
//! no handwritten digit given as sure and wrong — and the typed fields reach the figures measured
//! when the extraction was made robust to it.

mod common;

use std::sync::OnceLock;

use common::*;
use serde_json::Value;

/// The degraded copy of the real scans, one ingest of it, and its eval-docs report.
fn report() -> &'static Value {
    static R: OnceLock<Value> = OnceLock::new();
    R.get_or_init(|| degraded_report(&[]))
}

fn tally(vis: &str, what: &str) -> u64 {
    tally_in(report(), vis, what)
}

fn fields_where(pred: impl Fn(&Value) -> bool) -> Vec<String> {
    fields_in(report(), pred)
}

#[test]
fn a_poorer_scan_loses_fields_to_emptiness_not_to_wrong_values() {
    assert_loses_fields_to_emptiness(report());
}

#[test]
fn cited_documents_on_the_degraded_copy_read_right() {
    // Measured 7 of 7 documents whose cited set is right; 5 before the citation table: a weak
    // `43/2014/QH13` (never cited; `48/2014/QH13` cited 59 times) and `131/CĐ-` / `TT` cut at a
    // line end (`CĐ-TT` never cited, `CĐ-TTg` 72 times).
    let refs = fields_where(|f| {
        f["field"] == "references" && f["visibility"] == "typed" && f["verdict"] != "right"
    });
    assert!(refs.is_empty(), "cited documents not right: {refs:#?}");
}

#[test]
fn typed_fields_on_degraded_scans_reach_the_measured_figures() {
    let (right, empty, wrong) = (
        tally("typed", "right"),
        tally("typed", "empty"),
        tally("typed", "wrong"),
    );
    let total = right + empty + wrong;
    eprintln!("degraded: typed fields {right}/{total} right, {empty} empty, {wrong} wrong");
    eprintln!(
        "{:#?}",
        fields_where(|f| f["visibility"] == "typed" && f["verdict"] != "right")
    );
    // Measured 70 of 74 right, 0 wrong (68 before the deputy's title under the head's and the
    // family name read from crops that agree); 64 right and 4 wrong before the signer's name was read on its dark
    // core, the seal-hidden position left empty, the recipient whose dash was lost counted and the
    // citation table; 60 right and 7 wrong (and a parent body filled from nowhere) with the build
    // before the robustness work.
    assert!(right >= 68, "typed fields right: {right}/{total}");
    assert!(wrong <= 1, "typed fields wrong: {wrong}/{total}");
    let signer_wrong = fields_where(|f| {
        f["field"].as_str().unwrap_or("").starts_with("signer") && f["verdict"] == "wrong"
    });
    assert!(
        signer_wrong.is_empty(),
        "signer fields wrong: {signer_wrong:#?}"
    );
    let mean = report()["text_mean"].as_f64().expect("text_mean");
    eprintln!("degraded: page text mean accuracy {mean:.4}");
    // Measured 0.9499 (0.9192 with the build before the robustness work; a signing tool's box in
    // the text cost qd 707 0.10).
    assert!(mean >= 0.94, "page text mean accuracy {mean:.4}");
}

#[test]
fn a_signer_name_under_a_grey_seal_is_read_on_its_dark_core() {
    // 23 BC: the seal's lower edge and star lie over `Trần` (the page OCR reads `đưếi Hoàng Tuấn`);
    // the line's dark core, the seal's lighter grey made paper, reads the whole name.
    let verdicts: Vec<&Value> = report()["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter(|f| f["doc"] == "ubnd_quangngai_23_BC_2025" && f["field"] == "signer_name")
        .map(|f| &f["verdict"])
        .collect();
    assert_eq!(
        verdicts,
        vec!["right"],
        "23 BC signer_name on the degraded copy"
    );
}
