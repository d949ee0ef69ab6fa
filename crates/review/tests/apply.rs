//! `vanban apply-review` on output files: a saved decisions file changes `<stem>.json`,
//! `<stem>.txt`, `<stem>.review.html` and the user lexicon, or, when it does not fit, nothing.

mod common;

use std::path::Path;

use vanban_doc::Document;
use vanban_review::{apply_review_files, review_html, ReviewError};

/// Writes the outputs the pipeline would: `<stem>.json`, `<stem>.txt`, page images, review page.
fn write_outputs(dir: &Path) -> Document {
    let doc = common::scanned_doc();
    let stem = dir.join("ke-hoach");
    let images = common::write_page_images(&doc, &stem);
    std::fs::write(dir.join("ke-hoach.json"), serde_json::to_vec(&doc).unwrap()).unwrap();
    std::fs::write(dir.join("ke-hoach.txt"), &doc.text).unwrap();
    std::fs::write(dir.join("ke-hoach.review.html"), review_html(&doc, &images)).unwrap();
    doc
}

const DECISIONS: &str = r#"{
 "format": "vanban-review/1",
 "source": "in/ke-hoach <67>.pdf",
 "sha256": "5eed",
 "saved": "2026-11-21T23:40:00.000Z",
 "decisions": [
  {"page": 1, "line": 1, "word": 2, "raw": "VU", "text": "VỤ", "verdict": "accept"},
  {"page": 1, "line": 4, "word": 0, "raw": "Chi", "text": "Chỉ", "verdict": "reject"},
  {"page": 2, "line": 1, "word": 0, "raw": "Hoang", "text": "Hoảng", "verdict": "fix", "value": "Hoàng"},
  {"page": 2, "line": 1, "word": 1, "raw": "Minh", "text": "Minh", "verdict": "accept"},
  {"page": 2, "line": 1, "word": 2, "raw": "Cuong", "text": "Cường", "verdict": "accept"},
  {"page": 2, "line": 2, "word": 1, "raw": "nhan:", "text": "nhận:", "verdict": "accept"}
 ]
}"#;

#[test]
fn applying_a_saved_review_rewrites_the_outputs_and_the_lexicon() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_outputs(dir);
    let review = dir.join("ke-hoach.review.json");
    std::fs::write(&review, DECISIONS).unwrap();
    let lexicon = dir.join("lexicon/user.txt");
    std::fs::create_dir_all(lexicon.parent().unwrap()).unwrap();
    std::fs::write(&lexicon, "# clerk-confirmed words\nuỷ ban\nMinh\n").unwrap();

    let applied = apply_review_files(&review, None, Some(&lexicon)).unwrap();
    assert_eq!(applied.document, dir.join("ke-hoach.json"));
    assert_eq!(applied.decisions, 6);
    assert_eq!(
        applied.confirmed,
        ["VỤ", "Hoàng", "Minh", "Cường", "nhận", "Hoàng Minh Cường"]
    );

    let doc: Document =
        serde_json::from_slice(&std::fs::read(dir.join("ke-hoach.json")).unwrap()).unwrap();
    let p2 = &doc.pages[1].lines[1].words;
    assert_eq!(
        (p2[0].text.as_str(), p2[0].raw.as_str()),
        ("Hoàng", "Hoang")
    );
    assert_eq!(
        p2[0].correction.as_ref().unwrap().alternatives,
        ["Hoảng", "Hoáng"]
    );
    assert_eq!(doc.pages[0].lines[4].words[0].text, "Chi");
    assert!(doc.pages[0].lines[4].words[0].correction.is_none());
    assert_eq!(
        doc.restoration.uncertain, 1,
        "only 'hành' is left uncertain"
    );
    let txt = std::fs::read_to_string(dir.join("ke-hoach.txt")).unwrap();
    assert_eq!(txt, doc.text);
    assert!(
        txt.contains("Hoàng Minh Cường\n") && txt.contains("Chi số hành chính\n"),
        "{txt}"
    );
    let html = std::fs::read_to_string(dir.join("ke-hoach.review.html")).unwrap();
    assert!(
        html.contains("<del>Hoang</del><ins>Hoảng</ins>"),
        "the page shows the restorer's change…"
    );
    assert!(
        html.contains("\"verdict\":\"fix\",\"value\":\"Hoàng\""),
        "…with the clerk's decision on it"
    );
    assert!(
        html.contains("\"img\":\"ke-hoach.page-2.jpg\""),
        "page images found beside the outputs"
    );
    let lex = std::fs::read_to_string(&lexicon).unwrap();
    assert_eq!(
        lex, "Cường\nHoàng\nHoàng Minh Cường\nMinh\nVỤ\nnhận\nủy ban\n",
        "'keep the original' (Chi) teaches the lexicon nothing"
    );

    // Applying the same decisions again changes nothing.
    let before: Vec<Vec<u8>> = ["ke-hoach.json", "ke-hoach.txt", "ke-hoach.review.html"]
        .iter()
        .map(|f| std::fs::read(dir.join(f)).unwrap())
        .collect();
    apply_review_files(&review, None, Some(&lexicon)).unwrap();
    for (f, b) in ["ke-hoach.json", "ke-hoach.txt", "ke-hoach.review.html"]
        .iter()
        .zip(before)
    {
        assert_eq!(
            std::fs::read(dir.join(f)).unwrap(),
            b,
            "{f} changed on a second apply"
        );
    }
    assert_eq!(std::fs::read_to_string(&lexicon).unwrap(), lex);
}

#[test]
fn decisions_saved_elsewhere_find_their_document_through_the_recorded_path() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    write_outputs(&out);
    let downloads = tmp.path().join("Downloads");
    std::fs::create_dir(&downloads).unwrap();
    let review = downloads.join("ke-hoach.review (1).json");
    let with_doc = DECISIONS.replacen(
        "\"saved\"",
        &format!(
            "\"document\": {:?},\n \"saved\"",
            out.join("ke-hoach.json").to_str().unwrap()
        ),
        1,
    );
    std::fs::write(&review, &with_doc).unwrap();
    let applied = apply_review_files(&review, None, None).unwrap();
    assert_eq!(applied.document, out.join("ke-hoach.json"));

    std::fs::write(&review, DECISIONS).unwrap();
    let err = apply_review_files(&review, None, None).unwrap_err();
    assert!(matches!(err, ReviewError::NoDocument { .. }), "{err}");
    assert!(
        err.to_string().contains("ke-hoach.review (1).json"),
        "{err}"
    );
}

#[test]
fn decisions_that_do_not_fit_change_nothing_and_say_why() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_outputs(dir);
    let json_before = std::fs::read(dir.join("ke-hoach.json")).unwrap();
    let review = dir.join("ke-hoach.review.json");
    let lexicon = dir.join("user.txt");
    let cases = [
        ("\"5eed\"", "\"beef\"", "not for in/ke-hoach <67>.pdf"),
        (
            "\"raw\": \"Minh\"",
            "\"raw\": \"Manh\"",
            "decision 3: page 2 line 1 word 1 was read as \"Minh\"",
        ),
        (
            "\"line\": 4, \"word\": 0",
            "\"line\": 9, \"word\": 0",
            "decision 1: page 1 line 9 word 0 does not exist",
        ),
        (
            "\"value\": \"Hoàng\"",
            "\"value\": \"  \"",
            "decision 2: verdict \"fix\" needs",
        ),
        (
            "vanban-review/1",
            "vanban-review/9",
            "unknown format \"vanban-review/9\"",
        ),
        (
            "\"accept\"}",
            "\"maybe\"}",
            "ke-hoach.review.json: not a valid review decisions file",
        ),
    ];
    for (from, to, expected) in cases {
        let text = DECISIONS.replace(from, to);
        std::fs::write(&review, text).unwrap();
        let err = apply_review_files(&review, None, Some(&lexicon))
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "{err}\nshould contain: {expected}");
        assert_eq!(
            std::fs::read(dir.join("ke-hoach.json")).unwrap(),
            json_before
        );
        assert!(!lexicon.exists());
    }
}
