//! End to end: settings-aware re-runs (issue 14 item 5). Each `<stem>.json` records what made it; a
//! re-run keeps a document only when that record (as far as it matters to the input's kind) is this
//! run's, and otherwise redoes it and says why, on stderr, in `documents.jsonl` and in `summary.json`.

mod common;

use std::path::Path;

use common::*;

/// Runs `vanban [global...] ingest IN --out OUT --formats md,alto --jobs 2`; returns stderr.
fn ingest(input: &Path, out: &Path, global: &[&str]) -> String {
    let mut c = vanban();
    c.args(global)
        .arg("ingest")
        .arg(input)
        .arg("--out")
        .arg(out)
        .args(["--formats", "md,alto", "--jobs", "2"]);
    let o = run(c);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(0), "{err}");
    err
}

fn json(p: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// `documents.jsonl`'s `redone` by input file name.
fn redone(out: &Path) -> Vec<(String, serde_json::Value)> {
    let mut v: Vec<(String, serde_json::Value)> =
        std::fs::read_to_string(out.join("documents.jsonl"))
            .unwrap()
            .lines()
            .map(|l| {
                let e: serde_json::Value = serde_json::from_str(l).unwrap();
                let name = Path::new(e["input"].as_str().unwrap())
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                (name, e["redone"].clone())
            })
            .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

#[test]
fn a_rerun_redoes_what_other_settings_made_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = (dir.path().join("in"), dir.path().join("out"));
    std::fs::create_dir(&input).unwrap();
    for f in [
        "thong-bao-nfd-old.txt",
        "thong-bao-tiff.tif",
        "bao-cao-digital.pdf",
    ] {
        std::fs::copy(fixture(f), input.join(f)).unwrap();
    }
    let err = ingest(&input, &out, &[]);
    assert!(!err.contains("redoing"), "{err}");

    // The record: what made the outputs.
    let s = &json(&out.join("thong-bao-tiff.json"))["settings"];
    assert_eq!(s["vanban"], env!("CARGO_PKG_VERSION"));
    assert_eq!(s["languages"], "vie");
    assert_eq!(s["restore"], true);
    assert_eq!(s["dpi"], 300);
    assert_eq!(s["formats"], serde_json::json!(["alto", "md"]));
    assert_eq!(s["lexicon"], serde_json::Value::Null);
    let dict = std::fs::read(root().join("dictionaries/vanban.dict")).unwrap();
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&dict))
    };
    assert_eq!(s["dictionary"]["sha256"], sha.as_str());
    assert!(s["tesseract"].as_str().unwrap().starts_with('5'), "{s}");
    let vie = s["models"]["vie"].as_str().unwrap_or_default();
    assert!(
        vie.len() == 64 && vie.bytes().all(|b| b.is_ascii_hexdigit()),
        "{s}"
    );

    // Same settings: everything is kept.
    let err = ingest(&input, &out, &[]);
    assert!(!err.contains("redoing"), "{err}");
    assert_eq!(json(&out.join("summary.json"))["skipped"], 3);

    // --dpi renders PDF pages only: the PDF is redone, the scan and the text are kept.
    let err = ingest(&input, &out, &["--dpi", "200"]);
    let pdf = input.join("bao-cao-digital.pdf");
    assert!(
        err.contains(&format!(
            "redoing {}: --dpi changed (300 → 200)",
            pdf.display()
        )),
        "{err}"
    );
    assert_eq!(err.matches("redoing").count(), 1, "{err}");
    let summary = json(&out.join("summary.json"));
    assert_eq!(
        (&summary["redone"], &summary["skipped"]),
        (&1.into(), &2.into())
    );
    let r = redone(&out);
    assert_eq!(
        r[0],
        (
            "bao-cao-digital.pdf".into(),
            "--dpi changed (300 → 200)".into()
        )
    );
    assert_eq!(r[1].1, serde_json::Value::Null);
    assert_eq!(
        json(&out.join("bao-cao-digital.json"))["settings"]["dpi"],
        200
    );

    // A user lexicon changes every restored document; the reason names the lexicon's hash.
    let lex = dir.path().join("lexicon.txt");
    std::fs::write(&lex, "# confirmed names\nNghĩa Hành\n").unwrap();
    let err = ingest(
        &input,
        &out,
        &["--dpi", "200", "--lexicon", lex.to_str().unwrap()],
    );
    assert_eq!(
        err.matches("--lexicon changed (none → ").count(),
        3,
        "{err}"
    );
    // Comments and order do not change the lexicon's words: nothing to redo.
    std::fs::write(&lex, "Nghĩa Hành\n# the same word\n").unwrap();
    let err = ingest(
        &input,
        &out,
        &["--dpi", "200", "--lexicon", lex.to_str().unwrap()],
    );
    assert!(!err.contains("redoing"), "{err}");

    // Outputs of an earlier vanban (no record) are redone.
    let stem = out.join("thong-bao-nfd-old.json");
    let mut doc = json(&stem);
    doc.as_object_mut().unwrap().remove("settings");
    std::fs::write(&stem, serde_json::to_vec(&doc).unwrap()).unwrap();
    let err = ingest(
        &input,
        &out,
        &["--dpi", "200", "--lexicon", lex.to_str().unwrap()],
    );
    assert!(
        err.contains("thong-bao-nfd-old.txt: no settings record (made by an earlier vanban)"),
        "{err}"
    );
    assert_eq!(err.matches("redoing").count(), 1, "{err}");
}
