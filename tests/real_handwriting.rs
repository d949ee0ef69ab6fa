//! End to end on the real archive scans (`../shared/real`, beside the project in CI): the
//! handwritten digits of the number's and the date's blanks (`Số: 729 /QĐ-TTg`, `ngày 23 tháng 4`)
//! read by the digit recogniser. What a user checks: the handwritten parts that are given are right
//! (a wrong number or date is worse than none), as many as were measured are given, and each
//! reading shows where on the page it was read.

mod common;

use std::path::PathBuf;

use common::*;
use serde_json::Value;

/// Handwritten parts of the real set read right, as measured (of 11).
const RIGHT_COUNT: usize = 8;

/// One ingest of the real scans and its eval-docs report.
fn ingest() -> &'static (PathBuf, Value) {
    real_ingest()
}

fn handwritten_fields(verdict: &str) -> Vec<String> {
    ingest().1["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["visibility"] == "handwritten" && f["verdict"] == verdict)
        .map(|f| format!("{} {}: {} | {}", f["doc"], f["field"], f["truth"], f["got"]))
        .collect()
}

#[test]
fn handwritten_digits_given_are_right_and_reach_the_measured_count() {
    let right = handwritten_fields("right");
    let wrong = handwritten_fields("wrong");
    eprintln!("handwritten parts right: {right:#?}");
    assert!(
        wrong.is_empty(),
        "handwritten parts given wrong: {wrong:#?}"
    );
    // Measured RIGHT_COUNT of 11 right, 0 wrong, when the recogniser was built (0 of 11 before,
    // with Tesseract's readings).
    assert!(
        right.len() >= RIGHT_COUNT,
        "{} of 11 right: {right:#?}",
        right.len()
    );
}

#[test]
fn every_reading_is_reported_with_its_confidence_and_place() {
    let truth = read_json(&real().join("truth/metadata.json"));
    let mut accepted = 0;
    for (stem, t) in truth["docs"].as_object().unwrap() {
        let d = read_json(&ingest().0.join(format!("{stem}.json")));
        for h in d["metadata"]["handwritten"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let conf = h["conf"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&conf), "{stem}: {h}");
            let ev = &h["evidence"];
            assert_eq!(ev["page"], 1, "{stem}: {h}");
            let b = &ev["bbox"];
            assert!(
                b["x1"].as_u64() > b["x0"].as_u64() && b["y1"].as_u64() > b["y0"].as_u64(),
                "{stem}: {h}"
            );
            if h["accepted"] != true {
                continue;
            }
            accepted += 1;
            // An accepted part is in its field: the number's digits or the date's day or month.
            let text = h["text"].as_str().unwrap();
            let m = &d["metadata"];
            match h["part"].as_str().unwrap() {
                "number.seq" => {
                    assert_eq!(m["number_parts"]["seq"], text, "{stem}");
                    let n = t["number"].as_str().unwrap_or("");
                    assert!(n.starts_with(&format!("{text}/")), "{stem}: {text} for {n}");
                }
                part => {
                    let key = part.trim_start_matches("issued_date.");
                    let v: u64 = text.parse().unwrap();
                    assert_eq!(m["date_parts"][key].as_u64(), Some(v), "{stem}");
                    let iso = t["issued_date"].as_str().unwrap_or("");
                    let at = if key == "day" { 8..10 } else { 5..7 };
                    assert_eq!(iso[at].parse::<u64>().ok(), Some(v), "{stem}: {part}");
                }
            }
        }
    }
    assert!(accepted >= RIGHT_COUNT, "{accepted} readings accepted");
}
