//! Input discovery: which files a run takes, of what kind, and where their outputs go.
//!
//! Arguments are files and folders; folders are walked recursively in a deterministic (sorted) order and
//! files are matched by extension, case-insensitively. Each input gets an output stem relative to `--out`:
//! a file named on the command line lands at `<stem>`, a file found under a folder argument at
//! `<its path relative to that folder, without extension>`. Two inputs that would write the same outputs
//! collide: the first keeps the name, the others are reported as problems, so the batch goes on.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The kinds of input vanban reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InputKind {
    /// A PDF (scanned or born-digital).
    Pdf,
    /// A TIFF image, possibly multi-page.
    Tiff,
    /// A PNG page image.
    Png,
    /// A JPEG page image.
    Jpeg,
    /// Plain text from an earlier OCR run (skips OCR).
    Text,
}

impl InputKind {
    /// The kind for a path's extension (case-insensitive), if vanban reads it.
    pub fn from_path(path: &Path) -> Option<InputKind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "pdf" => InputKind::Pdf,
            "tif" | "tiff" => InputKind::Tiff,
            "png" => InputKind::Png,
            "jpg" | "jpeg" => InputKind::Jpeg,
            "txt" => InputKind::Text,
            _ => return None,
        })
    }
}

/// One input file and where its outputs go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    /// The file to read.
    pub path: PathBuf,
    /// What it is.
    pub kind: InputKind,
    /// Output stem relative to the output folder (`sub/doc` for `IN/sub/doc.pdf`).
    pub stem: PathBuf,
}

/// A path that could not be taken as input, with the reason.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The path does not exist or cannot be read.
    #[error("{path}: {source}")]
    Unreadable {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file named on the command line has an extension vanban does not read.
    #[error("{0}: not a supported input (expected .pdf, .tif, .tiff, .png, .jpg, .jpeg or .txt)")]
    Unsupported(PathBuf),
    /// Two inputs would write the same output files.
    #[error("{path}: its outputs would overwrite those of {other} (both map to {stem}); rename one of them")]
    Collision {
        /// The input left out.
        path: PathBuf,
        /// The input that keeps the name.
        other: PathBuf,
        /// The shared output stem.
        stem: PathBuf,
    },
}

impl InputError {
    /// The path the error is about.
    pub fn path(&self) -> &Path {
        match self {
            InputError::Unreadable { path, .. } | InputError::Collision { path, .. } => path,
            InputError::Unsupported(p) => p,
        }
    }
}

/// The inputs of a run and the paths that could not be taken.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Inputs in processing order.
    pub files: Vec<InputFile>,
    /// Paths left out, each with its reason.
    pub problems: Vec<InputError>,
}

/// Finds the inputs named by `args`, skipping anything under `exclude` (the output folder).
pub fn discover(args: &[PathBuf], exclude: Option<&Path>) -> Discovery {
    let exclude = exclude.and_then(|p| p.canonicalize().ok());
    let mut d = Discovery::default();
    let mut seen: HashMap<PathBuf, PathBuf> = HashMap::new();
    let mut push = |d: &mut Discovery, path: PathBuf, kind: InputKind, stem: PathBuf| {
        // Case-insensitive file systems and `a.PDF` next to `a.pdf` both collide on the stem.
        let key = PathBuf::from(stem.to_string_lossy().to_lowercase());
        if let Some(other) = seen.get(&key) {
            d.problems.push(InputError::Collision {
                path,
                other: other.clone(),
                stem,
            });
        } else {
            seen.insert(key, path.clone());
            d.files.push(InputFile { path, kind, stem });
        }
    };
    for arg in args {
        let meta = match std::fs::metadata(arg) {
            Ok(m) => m,
            Err(source) => {
                d.problems.push(InputError::Unreadable {
                    path: arg.clone(),
                    source,
                });
                continue;
            }
        };
        if meta.is_file() {
            match InputKind::from_path(arg) {
                Some(kind) => push(
                    &mut d,
                    arg.clone(),
                    kind,
                    stem_of(Path::new(arg.file_name().unwrap_or_default())),
                ),
                None => d.problems.push(InputError::Unsupported(arg.clone())),
            }
            continue;
        }
        let walker = walkdir::WalkDir::new(arg)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                let hidden = e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
                let excluded = e.file_type().is_dir()
                    && exclude
                        .as_ref()
                        .is_some_and(|x| e.path().canonicalize().is_ok_and(|p| &p == x));
                !hidden && !excluded
            });
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let path = e
                        .path()
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| arg.clone());
                    let source = e
                        .into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("file system loop"));
                    d.problems.push(InputError::Unreadable { path, source });
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let Some(kind) = InputKind::from_path(entry.path()) else {
                continue;
            };
            let rel = entry.path().strip_prefix(arg).unwrap_or(entry.path());
            push(&mut d, entry.path().to_path_buf(), kind, stem_of(rel));
        }
    }
    d
}

fn stem_of(rel: &Path) -> PathBuf {
    rel.with_extension("")
}

/// SHA-256 of a file's bytes, hex, read in blocks.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    use sha2::Digest;
    let mut f = File::open(path)?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn touch(p: &Path) {
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, b"x").unwrap();
    }

    #[test]
    fn walks_sorted_matches_case_insensitively_and_maps_stems() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("in");
        for f in [
            "b/scan.PDF",
            "a.tif",
            "a2.TIFF",
            "c.Jpeg",
            "notes.md",
            ".hidden/x.pdf",
            "z.txt",
        ] {
            touch(&root.join(f));
        }
        let d = discover(&[root.clone()], None);
        let stems: Vec<_> = d
            .files
            .iter()
            .map(|f| f.stem.to_string_lossy().into_owned())
            .collect();
        assert_eq!(stems, ["a", "a2", "b/scan", "c", "z"]);
        assert_eq!(d.files[2].kind, InputKind::Pdf);
        assert!(d.problems.is_empty());
    }

    #[test]
    fn named_file_lands_at_its_stem_and_collisions_are_reported() {
        let t = tempfile::tempdir().unwrap();
        touch(&t.path().join("x/doc.pdf"));
        touch(&t.path().join("y/doc.txt"));
        let d = discover(
            &[t.path().join("x/doc.pdf"), t.path().join("y/doc.txt")],
            None,
        );
        assert_eq!(d.files.len(), 1);
        assert_eq!(d.files[0].stem, PathBuf::from("doc"));
        let msg = d.problems[0].to_string();
        assert!(
            msg.contains("y/doc.txt") && msg.contains("x/doc.pdf"),
            "{msg}"
        );
    }

    #[test]
    fn missing_and_unsupported_arguments_are_problems() {
        let t = tempfile::tempdir().unwrap();
        touch(&t.path().join("a.docx"));
        let d = discover(&[t.path().join("nope.pdf"), t.path().join("a.docx")], None);
        assert!(d.files.is_empty());
        assert_eq!(d.problems.len(), 2);
        assert!(d.problems[1].to_string().contains("not a supported input"));
    }

    #[test]
    fn output_folder_inside_input_is_skipped() {
        let t = tempfile::tempdir().unwrap();
        touch(&t.path().join("a.pdf"));
        touch(&t.path().join("out/a.txt"));
        let d = discover(&[t.path().to_path_buf()], Some(&t.path().join("out")));
        assert_eq!(d.files.len(), 1);
    }

    #[test]
    fn hashes_files() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("a");
        fs::write(&p, b"abc").unwrap();
        assert_eq!(
            sha256_file(&p).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
