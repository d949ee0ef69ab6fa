//! The error type of the restorer: every variant names the file (and line) at fault.

use std::path::{Path, PathBuf};

/// What can go wrong while building, loading or evaluating with a dictionary.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A data file holds a line the compiler cannot use.
    #[error("{path}:{line}: {cause}")]
    Data {
        /// The data file.
        path: PathBuf,
        /// Line number from 1 (0 for the file as a whole).
        line: usize,
        /// What is wrong.
        cause: String,
    },
    /// The compiled dictionary is missing, stale or corrupt.
    #[error("{path}: {cause}")]
    Dictionary {
        /// The blob.
        path: PathBuf,
        /// What is wrong and what to do.
        cause: String,
    },
    /// Evaluation material is missing or unusable.
    #[error("{path}: {cause}")]
    Eval {
        /// The file or folder.
        path: PathBuf,
        /// What is wrong.
        cause: String,
    },
}

impl RestoreError {
    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> RestoreError {
        RestoreError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
