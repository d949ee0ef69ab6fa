//! The one error type of the crate: every variant names the file, decision or entry at fault.

use std::path::PathBuf;

/// What went wrong while reading, applying or writing a review.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// A file could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A file is not the JSON it should be.
    #[error("{path}: not a valid {what}: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// What the file should hold, e.g. `review decisions file`.
        what: &'static str,
        /// The parser's message (with line and column).
        #[source]
        source: serde_json::Error,
    },
    /// A file is not valid UTF-8 text.
    #[error("{path}: line {line}: not valid UTF-8")]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// Line number, from 1.
        line: usize,
    },
    /// An output file could not be written.
    #[error(transparent)]
    Write(#[from] vanban_doc::WriteError),
    /// The decisions file has a format this version does not know.
    #[error("review decisions: unknown format {found:?} (this vanban reads {expected:?})")]
    Format {
        /// The `format` field found.
        found: String,
        /// The format this version reads.
        expected: &'static str,
    },
    /// The decisions were made on another document (or another version of its source file).
    #[error(
        "review decisions are for {decided} (sha256 {decided_sha256}), not for {document} (sha256 {document_sha256})"
    )]
    WrongDocument {
        /// Source path recorded in the decisions.
        decided: String,
        /// Source hash recorded in the decisions.
        decided_sha256: String,
        /// Source path of the document.
        document: String,
        /// Source hash of the document.
        document_sha256: String,
    },
    /// A decision points at a word the document does not have.
    #[error("{document}: decision {index}: page {page} line {line} word {word} does not exist")]
    NoSuchWord {
        /// Source path of the document.
        document: String,
        /// Position of the decision in the list, from 0.
        index: usize,
        /// Page number, from 1.
        page: u32,
        /// Line index on the page, from 0.
        line: u32,
        /// Word index in the line, from 0.
        word: u32,
    },
    /// A decision's word reads differently in the document than when the clerk decided.
    #[error(
        "{document}: decision {index}: page {page} line {line} word {word} was read as {found:?}, the review saw {expected:?}"
    )]
    WordMismatch {
        /// Source path of the document.
        document: String,
        /// Position of the decision in the list, from 0.
        index: usize,
        /// Page number, from 1.
        page: u32,
        /// Line index on the page, from 0.
        line: u32,
        /// Word index in the line, from 0.
        word: u32,
        /// The raw text in the decision.
        expected: String,
        /// The raw text in the document.
        found: String,
    },
    /// A `fix` decision without a usable replacement text.
    #[error("{document}: decision {index}: verdict \"fix\" needs a non-empty \"value\"")]
    EmptyFix {
        /// Source path of the document.
        document: String,
        /// Position of the decision in the list, from 0.
        index: usize,
    },
    /// The document a decisions file belongs to could not be found.
    #[error("{path}: cannot tell which <stem>.json these decisions belong to (tried {tried}); name it explicitly")]
    NoDocument {
        /// The decisions file.
        path: PathBuf,
        /// The candidates looked at.
        tried: String,
    },
    /// A metadata decision names a field the review does not know, or gives a value it cannot hold.
    #[error("{document}: field decision {index}: {reason}")]
    BadField {
        /// Source path of the document.
        document: String,
        /// Position of the decision in the list, from 0.
        index: usize,
        /// What is wrong, e.g. `unknown field "numero"`.
        reason: String,
    },
    /// A table-cell decision points at a cell the document does not have, or one that reads otherwise.
    #[error("{document}: cell decision {index}: {reason}")]
    BadCell {
        /// Source path of the document.
        document: String,
        /// Position of the decision in the list, from 0.
        index: usize,
        /// What is wrong.
        reason: String,
    },
    /// A searchable PDF could not be rewritten.
    #[error("{path}: cannot rewrite the searchable PDF: {reason}")]
    Pdf {
        /// The PDF.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}
