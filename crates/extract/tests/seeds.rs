//! Extraction on the real seed documents (../shared/seeds) and, when they are present, on the
//! bundled fixtures' ground-truth texts (fixtures/*.gt.txt with *.expected.json): every metadata
//! field compared with values written by reading the documents; and the `<stem>.json` made from
//! them validated against schema/document.schema.json.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use vanban_doc::{Document, Source};
use vanban_extract::{extract_metadata, extract_text_tables};

/// The project root (the worktree holding `crates/`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `shared/` beside the project, or found in an ancestor folder.
fn shared() -> PathBuf {
    for dir in root().ancestors() {
        let p = dir.join("shared/seeds");
        if p.is_dir() {
            return dir.join("shared");
        }
    }
    panic!(
        "shared/seeds not found beside the project or above it ({})",
        root().display()
    );
}

/// A document built from a text file exactly as the pipeline does ([`vanban_doc::pages_from_text`]).
fn text_doc(path: &Path) -> Document {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let pages = vanban_doc::pages_from_text(&text);
    let n = pages.len() as u32;
    Document::new(
        Source {
            path: path.display().to_string(),
            sha256: "0".repeat(64),
            pages: n,
        },
        pages,
    )
}

/// The metadata fields an expected file lists, as JSON.
fn actual(doc: &Document) -> Value {
    let m = extract_metadata(doc);
    let mut v = serde_json::to_value(&m).expect("metadata serializes");
    let o = v.as_object_mut().expect("object");
    o.remove("sections");
    o.remove("confidence");
    v
}

fn check_fields(name: &str, got: &Value, want: &Value) {
    let mut bad = Vec::new();
    for k in vanban_doc::METADATA_FIELDS {
        if got[k] != want[k] {
            bad.push(format!("  {k}:\n    want {}\n    got  {}", want[k], got[k]));
        }
    }
    assert!(bad.is_empty(), "{name}: fields differ:\n{}", bad.join("\n"));
}

fn expected(name: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/expected")
        .join(name);
    let s = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&s).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn seed_003_metadata_is_right() {
    let doc = text_doc(&shared().join("seeds/003_65c036455d06f696.txt"));
    check_fields("003", &actual(&doc), &expected("003_65c036455d06f696.json"));
}

#[test]
fn seed_004_ground_truth_metadata_is_right() {
    let doc = text_doc(&shared().join("seeds/004_e3e329324efb5d2f.gt.txt"));
    check_fields(
        "004.gt",
        &actual(&doc),
        &expected("004_e3e329324efb5d2f.gt.json"),
    );
}

#[test]
fn seed_004_raw_ocr_still_gives_the_key_fields() {
    // The archived English-model OCR, before restoration: no marks, look-alike letters.
    let doc = text_doc(&shared().join("seeds/004_e3e329324efb5d2f.txt"));
    let m = extract_metadata(&doc);
    assert_eq!(m.document_type.as_deref(), Some("Kế hoạch"));
    assert_eq!(m.number.as_deref(), Some("52/KH-SNgV"));
    assert_eq!(m.issued_date.as_deref(), Some("2023-08-11"));
    assert_eq!(m.place.as_deref(), Some("Binh Phuoc"));
    assert_eq!(m.parent_issuer.as_deref(), Some("UBND tinh Binh Phugc"));
    assert_eq!(m.recipients.len(), 5, "{:?}", m.recipients);
    assert_eq!(
        m.signer.and_then(|s| s.name).as_deref(),
        Some("Pham Thi Anh Thu")
    );
    // `Ké hoach s6 16/KH-SNgV ngay 06/02/2023` is still read; `K¢é hoach` is left to restoration.
    let r = m
        .references
        .iter()
        .find(|r| r.number.as_deref() == Some("16/KH-SNgV"));
    assert_eq!(
        r.and_then(|r| r.issued_date.as_deref()),
        Some("2023-02-06"),
        "{:?}",
        m.references
    );
}

#[test]
fn seed_004_sections_tree() {
    let doc = text_doc(&shared().join("seeds/004_e3e329324efb5d2f.gt.txt"));
    let m = extract_metadata(&doc);
    let top: Vec<(&str, &str)> = m
        .sections
        .iter()
        .map(|s| (s.label.as_str(), s.title.as_str()))
        .collect();
    assert_eq!(
        top,
        vec![("I", "MỤC ĐÍCH, YÊU CẦU"), ("II", "TỔ CHỨC THỰC HIỆN")]
    );
    let kids: Vec<&str> = m.sections[1]
        .children
        .iter()
        .map(|s| s.title.as_str())
        .collect();
    assert_eq!(kids, vec!["Văn phòng Sở", "Các phòng chuyên môn thuộc Sở"]);
    assert!(m.sections.iter().all(|s| s.page == Some(1)));
}

#[test]
fn seed_003_sections_nest_dashes_under_numbers() {
    let doc = text_doc(&shared().join("seeds/003_65c036455d06f696.txt"));
    let m = extract_metadata(&doc);
    let labels: Vec<&str> = m.sections.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels, vec!["I", "II", "III"]);
    let muc_dich = &m.sections[0].children[0];
    assert_eq!(muc_dich.title, "Mục đích");
    assert_eq!(muc_dich.children.len(), 2);
    assert!(muc_dich.children.iter().all(|s| s.label == "-"));
}

#[test]
fn seed_003_text_tables() {
    let doc = text_doc(&shared().join("seeds/003_65c036455d06f696.txt"));
    let tables = extract_text_tables(&doc);
    let want = expected("003_65c036455d06f696.json");
    let want = want["tables"].as_array().expect("tables");
    assert_eq!(tables.len(), want.len());
    for (t, w) in tables.iter().zip(want) {
        assert_eq!(json!(t.title), w["title"]);
        assert_eq!(json!(t.header), w["header"]);
        assert_eq!(t.rows.len() as u64, w["rows"].as_u64().unwrap_or(0));
        assert_eq!(json!(t.rows.first()), w["first"]);
        assert_eq!(json!(t.rows.last()), w["last"]);
        // STT kept in the first column, nested numbering included.
        assert!(t
            .rows
            .iter()
            .all(|r| r[0].split('.').all(|p| p.parse::<u32>().is_ok())));
    }
    let csv = vanban_extract::table_to_csv(&tables[1]);
    assert!(csv.starts_with(
        "STT,Nội dung chỉ số\r\n1,\"Tham gia của doanh nghiệp, người lao động trong KCN, KKT\"\r\n"
    ));
}

/// Files under `dir`, two levels deep (the fixtures are flat or in `inputs/` and `truth/`).
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if let Ok(sub) = std::fs::read_dir(&p) {
                out.extend(sub.flatten().map(|e| e.path()).filter(|p| p.is_file()));
            }
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Fixtures (bundled scans with ground truth) once they are in the tree: the text path on each
/// `<name>.gt.txt` must give every field of `<name>.expected.json`; so must a plain-text input
/// `<name>.txt` that is not raw English-model OCR (the NFD, old-tone-placement variant).
#[test]
fn fixture_ground_truths() {
    let dir =
        std::env::var_os("VANBAN_FIXTURES").map_or_else(|| root().join("fixtures"), PathBuf::from);
    if !dir.is_dir() {
        eprintln!("no fixtures/ in this tree yet: skipped");
        return;
    }
    let files = files_under(&dir);
    let named = |name: &str| {
        files
            .iter()
            .find(|p| p.file_name().and_then(|n| n.to_str()) == Some(name))
    };
    let mut n = 0;
    let mut failures: Vec<String> = Vec::new();
    for p in &files {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let Some(stem) = name.strip_suffix(".expected.json") else {
            continue;
        };
        let want: Value =
            serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("json");
        let mut inputs: Vec<&PathBuf> = named(&format!("{stem}.gt.txt")).into_iter().collect();
        if !stem.starts_with("ocr-eng") {
            inputs.extend(named(&format!("{stem}.txt")));
        }
        for input in inputs {
            let got = actual(&text_doc(input));
            let label = input.display().to_string();
            if let Err(e) = std::panic::catch_unwind(|| check_fields(&label, &got, &want)) {
                failures.push(e.downcast_ref::<String>().cloned().unwrap_or_default());
            }
            n += 1;
        }
    }
    eprintln!("{n} fixture texts checked");
    assert!(
        n > 0,
        "fixtures/ holds no <name>.expected.json with a <name>.gt.txt"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The `<stem>.json` of each seed, with metadata and tables filled in, is valid against the
/// committed schema; and a broken one is not.
#[test]
fn documents_validate_against_schema() {
    let schema_path = root().join("schema/document.schema.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(&schema_path).expect("schema file"))
            .expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for f in [
        "003_65c036455d06f696.txt",
        "004_e3e329324efb5d2f.gt.txt",
        "004_e3e329324efb5d2f.txt",
    ] {
        let mut doc = text_doc(&shared().join("seeds").join(f));
        doc.metadata = extract_metadata(&doc);
        doc.tables = extract_text_tables(&doc);
        doc.summarize_restoration();
        let v = serde_json::to_value(&doc).expect("serializes");
        let errors: Vec<String> = validator
            .iter_errors(&v)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{f}: {errors:?}");
        assert_eq!(v["schema_version"], json!(vanban_doc::SCHEMA_VERSION));
        // A document with a bad origin and no metadata key for `number` is rejected.
        let mut bad = v.clone();
        bad["pages"][0]["origin"] = json!("fax");
        bad["metadata"]
            .as_object_mut()
            .expect("object")
            .remove("number");
        assert!(!validator.is_valid(&bad), "{f}: broken document passed");
    }
}

#[test]
fn decision_articles_are_top_sections() {
    // A decision's body: `Điều 1.` ... with numbered items under it; a wrapped line that starts
    // with `Điều 1` inside a sentence is not a heading.
    let text = "QUYẾT ĐỊNH\nVề việc thành lập Tổ kiểm tra\n\nQUYẾT ĐỊNH:\nĐiều 1. Thành lập Tổ kiểm tra gồm:\n1. Ông A, tổ trưởng;\n2. Bà B, thành viên.\nĐiều 2. Tổ kiểm tra có nhiệm vụ kiểm tra.\nĐiều 3. Các ông, bà có tên tại\nĐiều 1 chịu trách nhiệm thi hành Quyết định này./.\n";
    let dir = std::env::temp_dir().join(format!("vanban-extract-qd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let p = dir.join("qd.txt");
    std::fs::write(&p, text).expect("write");
    let m = extract_metadata(&text_doc(&p));
    let _ = std::fs::remove_dir_all(&dir);
    let labels: Vec<&str> = m.sections.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels, vec!["Điều 1", "Điều 2", "Điều 3"]);
    assert_eq!(m.sections[0].children.len(), 2);
    assert_eq!(m.subject.as_deref(), Some("Về việc thành lập Tổ kiểm tra"));
}
