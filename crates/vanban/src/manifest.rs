//! `documents.jsonl`, the batch manifest at the root of `--out`: one JSON line per document as it
//! finishes — converted, skipped (up to date) or failed — with its input path, pages, every output
//! file's path (relative to `--out`), its number, type, date and issuer, and the counts of changes and
//! uncertain changes, or the reason it failed. The layout is `schema/documents.schema.json`.
//!
//! A document converted again although it had outputs says why in `redone` (see [`crate::rerun`]).
//!
//! The file is made anew by each run and flushed line by line, so a killed run keeps the lines of
//! the documents it finished; `summary.json` keeps the run's totals.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use serde::Serialize;
use vanban_doc::Document;

use crate::process::Outputs;

/// Name of the manifest at the root of `--out`.
pub const MANIFEST: &str = "documents.jsonl";

/// What became of a document in this run.
#[derive(Serialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Converted in this run.
    Ok,
    /// Its outputs were complete and up to date.
    Skipped,
    /// It could not be converted.
    Failed,
}

/// One line of `documents.jsonl`.
#[derive(Serialize, Debug, Clone)]
pub struct Entry {
    /// The input file, as given or found.
    pub input: String,
    /// What became of it.
    pub status: Status,
    /// Pages (null for a failed document).
    pub pages: Option<u32>,
    /// Every output file of the document, relative to `--out`, `/`-separated.
    pub outputs: Vec<String>,
    /// Number and symbol, e.g. `67/KH-NV`.
    pub number: Option<String>,
    /// Type of document, e.g. `Kế hoạch`.
    pub document_type: Option<String>,
    /// Date of issue, `YYYY-MM-DD`.
    pub issued_date: Option<String>,
    /// The issuing body.
    pub issuer: Option<String>,
    /// Words the restorer changed.
    pub changes: Option<u32>,
    /// Changes marked uncertain (to be checked).
    pub uncertain: Option<u32>,
    /// Why it failed (failed documents only).
    pub reason: Option<String>,
    /// Why it was converted again although it had outputs (made from another source or with
    /// other settings, or `--force`); null when it had none or was not converted.
    pub redone: Option<String>,
    /// Pages converted in part with `--partial`, and what each misses (absent when whole).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub incomplete: Vec<vanban_doc::MissingPart>,
}

impl Entry {
    /// The entry of a document converted now (`Ok`) or found up to date (`Skipped`).
    pub fn done(status: Status, out: &Path, outputs: &Outputs, doc: &Document) -> Entry {
        let m = &doc.metadata;
        Entry {
            input: doc.source.path.clone(),
            status,
            pages: Some(doc.source.pages),
            outputs: outputs
                .files(doc)
                .iter()
                .map(|p| {
                    p.strip_prefix(out)
                        .unwrap_or(p)
                        .to_string_lossy()
                        .replace('\\', "/")
                })
                .collect(),
            number: m.number.clone(),
            document_type: m.document_type.clone(),
            issued_date: m.issued_date.clone(),
            issuer: m.issuer.clone(),
            changes: Some(doc.restoration.changed),
            uncertain: Some(doc.restoration.uncertain),
            reason: None,
            redone: None,
            incomplete: doc.incomplete.clone(),
        }
    }

    /// The entry of a document that failed.
    pub fn failed(input: &Path, reason: &str) -> Entry {
        Entry {
            input: input.display().to_string(),
            status: Status::Failed,
            pages: None,
            outputs: Vec::new(),
            number: None,
            document_type: None,
            issued_date: None,
            issuer: None,
            changes: None,
            uncertain: None,
            reason: Some(reason.to_string()),
            redone: None,
            incomplete: Vec::new(),
        }
    }
}

/// The open manifest of a running batch.
pub struct Manifest {
    file: Mutex<Option<File>>,
}

impl Manifest {
    /// Creates (or empties) `documents.jsonl` in `out`.
    pub fn create(out: &Path) -> std::io::Result<Manifest> {
        Ok(Manifest {
            file: Mutex::new(Some(File::create(out.join(MANIFEST))?)),
        })
    }

    /// Opens `documents.jsonl` in `out` to add lines (a batch child going on with a run).
    pub fn append(out: &Path) -> std::io::Result<Manifest> {
        Ok(Manifest {
            file: Mutex::new(Some(crate::ingest::append_batch_file(&out.join(MANIFEST))?)),
        })
    }

    /// Appends one line and flushes it.
    pub fn record(&self, e: &Entry) {
        let mut g = self.file.lock().unwrap_or_else(|e| e.into_inner());
        if let (Some(f), Ok(line)) = (g.as_mut(), serde_json::to_string(e)) {
            if let Err(err) = writeln!(f, "{line}").and_then(|_| f.flush()) {
                tracing::warn!("{MANIFEST}: cannot write: {err}");
            }
        }
    }
}
