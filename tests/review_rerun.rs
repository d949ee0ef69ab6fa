//! Re-runs and `--force` never lose a clerk's decisions: after a document is redone, the decisions
//! in `<stem>.review.json` are applied again to the new outputs, and those that no longer fit are
//! kept in `<stem>.review.unapplied.json` and reported. Also `vanban apply-review` on a decisions
//! file saved without the server (a browser download): the metadata follows the fixed words.

mod common;

use std::path::Path;

fn json_file(p: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// Decisions on the ocr-eng fixture: the number fixed in the text, the signer set in the panel,
/// and one decision on a word that reads otherwise (as after a change of the OCR).
fn decisions(doc: &serde_json::Value, misfit: bool) -> serde_json::Value {
    let lines = doc["pages"][0]["lines"].as_array().unwrap();
    let (li, wi) = lines
        .iter()
        .enumerate()
        .find_map(|(li, l)| {
            l["words"]
                .as_array()
                .unwrap()
                .iter()
                .position(|w| w["raw"] == "68/TTr-TCKH")
                .map(|wi| (li, wi))
        })
        .expect("the number's word");
    let mut words = vec![
        serde_json::json!({"page": 1, "line": li, "word": wi, "raw": "68/TTr-TCKH",
        "text": "68/TTr-TCKH", "verdict": "fix", "value": "69/TTr-TCKH"}),
    ];
    if misfit {
        words.push(
            serde_json::json!({"page": 1, "line": 0, "word": 0, "raw": "KHONG-CO",
            "text": "KHÔNG-CÓ", "verdict": "accept"}),
        );
    }
    serde_json::json!({
        "format": "vanban-review/1",
        "source": doc["source"]["path"],
        "sha256": doc["source"]["sha256"],
        "decisions": words,
        "fields": [{"field": "signer.name", "value": "Huỳnh Văn Quốc Bảo"}]
    })
}

#[test]
fn force_and_reruns_keep_the_decisions_and_set_aside_what_no_longer_fits() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("in")).unwrap();
    std::fs::copy(common::fixture("ocr-eng.txt"), dir.join("in/ocr-eng.txt")).unwrap();
    let out = dir.join("out");
    let ingest = |extra: &[&str]| {
        let mut c = common::vanban();
        c.args(["ingest", "--out"])
            .arg(&out)
            .args(extra)
            .arg(dir.join("in"));
        let o = common::run(c);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    ingest(&[]);
    let doc = json_file(&out.join("ocr-eng.json"));
    assert_eq!(doc["metadata"]["number"], "68/TTr-TCKH");
    std::fs::write(
        out.join("ocr-eng.review.json"),
        serde_json::to_vec_pretty(&decisions(&doc, true)).unwrap(),
    )
    .unwrap();

    let stderr = ingest(&["--force"]);
    assert!(
        stderr.contains("1 review decisions no longer fit")
            && stderr.contains("ocr-eng.review.unapplied.json"),
        "reported: {stderr}"
    );
    let check = |what: &str| {
        let doc = json_file(&out.join("ocr-eng.json"));
        assert_eq!(doc["metadata"]["number"], "69/TTr-TCKH", "{what}: number");
        assert_eq!(
            doc["metadata"]["signer"]["name"], "Huỳnh Văn Quốc Bảo",
            "{what}: signer"
        );
        let txt = std::fs::read_to_string(out.join("ocr-eng.txt")).unwrap();
        assert!(txt.contains("Số: 69/TTr-TCKH"), "{what}: {txt}");
        let index = std::fs::read_to_string(out.join("index.html")).unwrap();
        assert!(index.contains("69/TTr-TCKH"), "{what}: index");
        let page = std::fs::read_to_string(out.join("ocr-eng.review.html")).unwrap();
        assert!(
            page.contains("\"value\":\"69/TTr-TCKH\""),
            "{what}: the review page shows the decision"
        );
    };
    check("after --force");
    let unapplied = json_file(&out.join("ocr-eng.review.unapplied.json"));
    let u = unapplied["unapplied"].as_array().unwrap();
    assert_eq!(u.len(), 1);
    assert_eq!(u[0]["decision"]["raw"], "KHONG-CO");
    assert!(
        u[0]["reason"].as_str().unwrap().contains("was read as"),
        "{}",
        u[0]["reason"]
    );
    let saved = json_file(&out.join("ocr-eng.review.json"));
    assert_eq!(
        saved["decisions"].as_array().unwrap().len(),
        2,
        "the saved decisions stay as the clerk made them"
    );

    // A plain re-run (up to date) and a re-run with other settings keep them too.
    ingest(&[]);
    check("after an up-to-date re-run");
    ingest(&["--force", "--no-restore"]);
    let doc = json_file(&out.join("ocr-eng.json"));
    assert_eq!(
        doc["metadata"]["number"], "69/TTr-TCKH",
        "after --no-restore"
    );

    // Once the misfit is dropped, everything fits and the set-aside file goes.
    std::fs::write(
        out.join("ocr-eng.review.json"),
        serde_json::to_vec_pretty(&decisions(
            &json_file(&out.join("ocr-eng.review.base.json")),
            false,
        ))
        .unwrap(),
    )
    .unwrap();
    ingest(&["--force"]);
    check("after the clerk's cleanup");
    assert!(!out.join("ocr-eng.review.unapplied.json").exists());
}

#[test]
fn apply_review_of_a_downloaded_file_reaches_the_metadata() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("in")).unwrap();
    std::fs::copy(common::fixture("ocr-eng.txt"), dir.join("in/ocr-eng.txt")).unwrap();
    let out = dir.join("out");
    let mut c = common::vanban();
    c.args(["ingest", "-q", "--out"])
        .arg(&out)
        .arg(dir.join("in"));
    assert!(common::run(c).status.success());
    let doc = json_file(&out.join("ocr-eng.json"));
    let mut d = decisions(&doc, false);
    d["document"] = serde_json::json!(out.join("ocr-eng.json"));
    let downloads = dir.join("Downloads");
    std::fs::create_dir(&downloads).unwrap();
    let file = downloads.join("ocr-eng.review (1).json");
    std::fs::write(&file, serde_json::to_vec(&d).unwrap()).unwrap();
    let lex = dir.join("lex.txt");
    let mut c = common::vanban();
    c.arg("apply-review").arg(&file).arg("--lexicon").arg(&lex);
    let o = common::run(c);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc = json_file(&out.join("ocr-eng.json"));
    assert_eq!(
        doc["metadata"]["number"], "69/TTr-TCKH",
        "a fixed number shows in metadata"
    );
    assert_eq!(doc["metadata"]["number_parts"]["seq"], "69");
    assert_eq!(doc["metadata"]["signer"]["name"], "Huỳnh Văn Quốc Bảo");
    assert!(doc["metadata"]["reviewed"]["signer.name"].is_object());
    assert!(
        out.join("ocr-eng.review.json").is_file(),
        "kept beside the outputs, so that re-runs re-apply them"
    );
    let md = std::fs::read_to_string(out.join("ocr-eng.md")).unwrap();
    assert!(
        md.contains("69/TTr-TCKH") && !md.contains("68/TTr-TCKH"),
        "{md}"
    );
    let lexicon = std::fs::read_to_string(&lex).unwrap();
    assert!(
        lexicon.lines().any(|l| l == "Huỳnh Văn Quốc Bảo"),
        "{lexicon}"
    );
}
