//! A clerk's decisions applied to a document's files: `<stem>.review.json` (the decisions),
//! `<stem>.review.base.json` (the document as the pipeline made it, kept so that every application
//! starts from it: undoing a decision undoes it everywhere), and every output rewritten from the
//! reviewed document — `<stem>.json`, `.txt`, `.review.html`, `.table-N.csv` (and
//! `.table-N.excel.csv`), `.pdf`, `.alto.xml`, `.hocr`, `.md` when they exist — and the batch's
//! `index.html`. After a re-run ([`reapply_after_run`]) the decisions that no longer fit are kept in
//! `<stem>.review.unapplied.json`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use vanban_doc::Document;

use crate::decisions::{apply_decisions, read_document, Unapplied};
use crate::{ReviewDecisions, ReviewError};

/// The output files of one document: `<stem>.<suffix>` for a stem path without extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocFiles {
    stem: PathBuf,
}

impl DocFiles {
    /// The files of the document whose `<stem>.json` is `json`.
    pub fn from_json(json: &Path) -> DocFiles {
        let name = json
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        DocFiles {
            stem: json.with_file_name(name.strip_suffix(".json").unwrap_or(&name)),
        }
    }

    /// The files of the document with output path `stem` (no extension).
    pub fn new(stem: impl Into<PathBuf>) -> DocFiles {
        DocFiles { stem: stem.into() }
    }

    /// `<stem>.<suffix>`.
    pub fn path(&self, suffix: &str) -> PathBuf {
        let mut s = self.stem.clone().into_os_string();
        s.push(".");
        s.push(suffix);
        PathBuf::from(s)
    }

    /// The stem path (no extension).
    pub fn stem(&self) -> &Path {
        &self.stem
    }
}

/// What applying decisions to a document's files did.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// The `<stem>.json` the decisions were applied to.
    pub document: PathBuf,
    /// Number of decisions applied.
    pub decisions: usize,
    /// Lexicon entries learned (see [`crate::apply_review`]).
    pub confirmed: Vec<String>,
    /// Decisions that no longer fit (after a re-run), kept in `<stem>.review.unapplied.json`.
    pub unapplied: Vec<Unapplied>,
    /// Files written, in order.
    pub written: Vec<PathBuf>,
    /// Outputs that could not be brought up to date, each with the reason (e.g. the searchable PDF
    /// when its source file is gone).
    pub skipped: Vec<String>,
}

/// The content of `<stem>.review.unapplied.json`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct UnappliedFile {
    /// Always [`crate::DECISIONS_FORMAT`].
    pub format: String,
    /// The document's source path.
    pub source: String,
    /// The decisions that no longer fit, each with why.
    pub unapplied: Vec<Unapplied>,
}

/// True when a clerk's mark is anywhere in `doc` (so it is not the pipeline's own output).
fn has_review_marks(doc: &Document) -> bool {
    !doc.metadata.reviewed.is_empty()
        || !doc.reviewed_cells.is_empty()
        || doc
            .pages
            .iter()
            .flat_map(|p| &p.lines)
            .flat_map(|l| &l.words)
            .any(|w| w.reviewed.is_some())
}

fn to_json<T: Serialize>(path: &Path, v: &T) -> Result<Vec<u8>, ReviewError> {
    let mut bytes = serde_json::to_vec_pretty(v).map_err(|source| ReviewError::Json {
        path: path.to_path_buf(),
        what: "JSON to write",
        source,
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The document as the pipeline made it: `<stem>.json` itself when it carries no clerk's mark
/// (then saved as `<stem>.review.base.json`), else `<stem>.review.base.json`.
pub fn base_document(files: &DocFiles) -> Result<Document, ReviewError> {
    let json = files.path("json");
    let doc = read_document(&json)?;
    let base_path = files.path("review.base.json");
    if has_review_marks(&doc) {
        if let Ok(base) = read_document(&base_path) {
            if base.source.sha256 == doc.source.sha256 {
                return Ok(base);
            }
        }
        return Ok(doc);
    }
    vanban_doc::write_atomic(&base_path, &to_json(&base_path, &doc)?)?;
    Ok(doc)
}

/// Applies `decisions` to the document of `files` from its base (see [`base_document`]), strictly
/// (nothing is written when one does not fit) or leniently (those that fit; the others go to
/// `<stem>.review.unapplied.json`), rewrites every output and, with `lexicon`, adds the learned words.
pub fn apply_to_files(
    files: &DocFiles,
    decisions: &ReviewDecisions,
    lexicon: Option<&Path>,
    strict: bool,
) -> Result<Applied, ReviewError> {
    let base = base_document(files)?;
    let mut doc = base.clone();
    let outcome = apply_decisions(&mut doc, decisions, strict)?;
    let mut applied = Applied {
        document: files.path("json"),
        decisions: outcome.applied,
        confirmed: outcome.confirmed,
        unapplied: outcome.unapplied,
        written: Vec::new(),
        skipped: Vec::new(),
    };
    write_outputs(files, &base, &doc, decisions, &mut applied)?;
    let unapplied_path = files.path("review.unapplied.json");
    if applied.unapplied.is_empty() {
        if unapplied_path.is_file() {
            let _ = std::fs::remove_file(&unapplied_path);
        }
    } else {
        let file = UnappliedFile {
            format: crate::DECISIONS_FORMAT.to_string(),
            source: doc.source.path.clone(),
            unapplied: applied.unapplied.clone(),
        };
        vanban_doc::write_atomic(&unapplied_path, &to_json(&unapplied_path, &file)?)?;
        applied.written.push(unapplied_path);
    }
    if let Some(lex) = lexicon {
        crate::update_lexicon(lex, &applied.confirmed)?;
        applied.written.push(lex.to_path_buf());
    }
    Ok(applied)
}

/// Rewrites every output of `doc` that the pipeline wrote (the JSON last) and its row of the index.
/// The review page shows the words as the pipeline made them (`base`) with the clerk's decisions
/// marked on them, and the metadata and tables as reviewed.
fn write_outputs(
    files: &DocFiles,
    base: &Document,
    doc: &Document,
    decisions: &ReviewDecisions,
    applied: &mut Applied,
) -> Result<(), ReviewError> {
    let mut write = |path: PathBuf, bytes: &[u8]| -> Result<(), ReviewError> {
        vanban_doc::write_atomic(&path, bytes)?;
        applied.written.push(path);
        Ok(())
    };
    write(files.path("txt"), doc.text.as_bytes())?;
    let excel = files.path("table-1.excel.csv").is_file();
    for (i, t) in doc.tables.iter().enumerate() {
        let n = i + 1;
        write(
            files.path(&format!("table-{n}.csv")),
            vanban_extract::table_to_csv(t).as_bytes(),
        )?;
        if excel {
            write(
                files.path(&format!("table-{n}.excel.csv")),
                &crate::table_to_excel_csv(t),
            )?;
        }
    }
    let images = crate::page_images_beside(files.stem(), doc);
    let shown = Document {
        pages: base.pages.clone(),
        text: base.text.clone(),
        restoration: base.restoration.clone(),
        ..doc.clone()
    };
    write(
        files.path("review.html"),
        crate::html::review_page(&shown, &images, Some(decisions)).as_bytes(),
    )?;
    if files.path("md").is_file() {
        write(files.path("md"), &vanban_output::markdown(doc))?;
    }
    if files.path("alto.xml").is_file() {
        write(files.path("alto.xml"), &vanban_output::alto_xml(doc))?;
    }
    if files.path("hocr").is_file() {
        write(files.path("hocr"), &vanban_output::hocr_html(doc))?;
    }
    let pdf = files.path("pdf");
    if pdf.is_file() {
        match searchable_pdf(doc, &pdf) {
            Ok(bytes) => write(pdf, &bytes)?,
            Err(reason) => applied.skipped.push(format!("{}: {reason}", pdf.display())),
        }
    }
    let json = files.path("json");
    write(json.clone(), &to_json(&json, doc)?)?;
    if let Err(e) = crate::index::update_index_for(files.stem(), doc) {
        applied.skipped.push(format!("index.html: {e}"));
    }
    Ok(())
}

/// The searchable PDF made again from the source file, which must still be the one converted.
fn searchable_pdf(doc: &Document, out: &Path) -> Result<Vec<u8>, String> {
    let src = Path::new(&doc.source.path);
    let source =
        std::fs::read(src).map_err(|e| format!("cannot read the source {}: {e}", src.display()))?;
    if std::fs::canonicalize(src).ok() == std::fs::canonicalize(out).ok() {
        return Err("the PDF is the source itself".into());
    }
    use sha2::Digest as _;
    if hex::encode(sha2::Sha256::digest(&source)) != doc.source.sha256 {
        return Err(format!(
            "the source {} changed since it was converted",
            src.display()
        ));
    }
    vanban_output::searchable_pdf(doc, &source).map_err(|e| e.to_string())
}

/// After the pipeline (re)wrote a document's outputs: when `<stem>.review.json` holds a clerk's
/// decisions, the new `<stem>.json` becomes the base and the decisions are applied to it again,
/// leniently; `None` when there are no decisions.
pub fn reapply_after_run(
    files: &DocFiles,
    lexicon: Option<&Path>,
) -> Result<Option<Applied>, ReviewError> {
    let decisions_path = files.path("review.json");
    if !decisions_path.is_file() {
        return Ok(None);
    }
    let decisions = ReviewDecisions::read(&decisions_path)?;
    let json = files.path("json");
    let fresh = read_document(&json)?;
    let base = files.path("review.base.json");
    vanban_doc::write_atomic(&base, &to_json(&base, &fresh)?)?;
    apply_to_files(files, &decisions, lexicon, false).map(Some)
}

/// Finds the `<stem>.json` for a decisions file: `explicit` when given; else `<stem>.json` beside a
/// file named `<stem>.review.json` (or `<stem>.review (1).json` as browsers name a second download);
/// else the `document` path recorded in the decisions.
fn find_document(
    decisions_path: &Path,
    decisions: &ReviewDecisions,
    explicit: Option<&Path>,
) -> Result<PathBuf, ReviewError> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    let mut tried = Vec::new();
    let name = decisions_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Some(i) = name.rfind(".review") {
        let candidate = decisions_path.with_file_name(format!("{}.json", &name[..i]));
        if candidate.is_file() {
            return Ok(candidate);
        }
        tried.push(candidate);
    }
    if let Some(d) = &decisions.document {
        let candidate = PathBuf::from(d);
        if candidate.is_file() {
            return Ok(candidate);
        }
        tried.push(candidate);
    }
    Err(ReviewError::NoDocument {
        path: decisions_path.to_path_buf(),
        tried: if tried.is_empty() {
            "nothing".to_string()
        } else {
            tried
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        },
    })
}

/// `vanban apply-review`: reads the decisions at `decisions_path`, finds the document (`document`;
/// else `<stem>.json` beside a file named `<stem>.review.json` or `<stem>.review (1).json`; else the
/// path the decisions record), keeps them in `<stem>.review.json` (merged after the decisions
/// already there, so that re-runs re-apply them), applies every decision saved for the document
/// strictly, and rewrites every output (see [`apply_to_files`]). Nothing is written when a decision
/// does not fit the document.
pub fn apply_review_files(
    decisions_path: &Path,
    document: Option<&Path>,
    lexicon: Option<&Path>,
) -> Result<Applied, ReviewError> {
    let decisions = ReviewDecisions::read(decisions_path)?;
    let doc_path = find_document(decisions_path, &decisions, document)?;
    let files = DocFiles::from_json(&doc_path);
    let saved_path = files.path("review.json");
    let same =
        std::fs::canonicalize(&saved_path).ok() == std::fs::canonicalize(decisions_path).ok();
    let all = if same {
        decisions
    } else {
        let mut all = match ReviewDecisions::read(&saved_path) {
            Ok(old) if old.sha256 == decisions.sha256 => old,
            _ => ReviewDecisions {
                decisions: Vec::new(),
                fields: Vec::new(),
                cells: Vec::new(),
                ..decisions.clone()
            },
        };
        all.merge(decisions);
        all
    };
    // Check before keeping anything: a file that does not fit changes nothing.
    let mut probe = base_document(&files)?;
    apply_decisions(&mut probe, &all, true)?;
    let mut applied = apply_to_files(&files, &all, lexicon, true)?;
    if !same {
        vanban_doc::write_atomic(&saved_path, &to_json(&saved_path, &all)?)?;
        applied.written.push(saved_path);
    }
    Ok(applied)
}
