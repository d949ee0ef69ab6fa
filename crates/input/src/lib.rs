//! Input discovery: which files a run takes, of what kind, and where their outputs go.
//!
//! Arguments are files and folders; folders are walked recursively in a deterministic (sorted) order and
//! files are matched by extension, case-insensitively. Each input gets an output stem relative to `--out`:
//! a file named on the command line lands at `<stem>`, a file found under a folder argument at
//! `<its path relative to that folder, without extension>`. Two inputs that would write the same outputs
//! collide: the first keeps the name, the others are reported as problems, so the batch goes on.
//! Sources are never written: a document whose outputs would replace an input (with `--out` equal to
//! the input folder, say) or the batch's own files keeps its extension in its stem, and vanban's own
//! outputs found under `--out` are not taken as inputs. Text inputs are decoded by [`read_text`].

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
    /// Every output name the input could take would replace an input file.
    #[error(
        "{path}: its outputs (stem {stem}) would overwrite an input file; choose another --out"
    )]
    OverwritesInput {
        /// The input left out.
        path: PathBuf,
        /// The last stem tried.
        stem: PathBuf,
    },
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
            InputError::Unreadable { path, .. }
            | InputError::Collision { path, .. }
            | InputError::OverwritesInput { path, .. } => path,
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
    /// Things worth a warning that are not failures (a symbolic link to a folder, not followed).
    pub notes: Vec<String>,
}

/// Stems (case-insensitive) that a document cannot take at the root of `--out`: the batch's own
/// files `summary.json`, `failures.jsonl` and `index.html` are named after them.
pub const RESERVED_STEMS: [&str; 3] = ["summary", "failures", "index"];

/// The suffixes a document's outputs add to its stem (`N` stands for a number).
pub const OUTPUT_SUFFIXES: [&str; 5] = ["json", "txt", "review.html", "table-N.csv", "page-N.jpg"];

/// A candidate input before output stems are settled.
struct Candidate {
    path: PathBuf,
    kind: InputKind,
    stem: PathBuf,
}

/// Finds the inputs named by `args`; `out` is the output folder (created by the caller), whose
/// own outputs are never taken as inputs, and whose output names are checked against the inputs.
///
/// A document whose outputs would replace an input file, or whose stem is one of
/// [`RESERVED_STEMS`] at the root of `out`, keeps its extension in its stem (`a.txt` → `a.txt.json`,
/// `a.txt.txt`, …); when even that name is taken the input is refused as a problem, so a source is
/// never written. The same file named twice (or reached twice) is taken once.
pub fn discover(args: &[PathBuf], out: Option<&Path>) -> Discovery {
    let out = out.and_then(|p| p.canonicalize().ok());
    let mut d = Discovery::default();
    let mut found: Vec<Candidate> = Vec::new();
    let mut canon_seen: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
    let mut add = |found: &mut Vec<Candidate>, path: PathBuf, kind: InputKind, stem: PathBuf| {
        let canon = path.canonicalize().unwrap_or_else(|_| path.clone());
        if canon_seen.insert(canon) {
            found.push(Candidate { path, kind, stem });
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
                Some(kind) => add(
                    &mut found,
                    arg.clone(),
                    kind,
                    stem_of(Path::new(arg.file_name().unwrap_or_default())),
                ),
                None => d.problems.push(InputError::Unsupported(arg.clone())),
            }
            continue;
        }
        let arg_canon = arg.canonicalize().unwrap_or_else(|_| arg.clone());
        // `--out` equal to the folder: its files are read, but never vanban's own outputs.
        let out_is_arg = out.as_ref() == Some(&arg_canon);
        let walker = walkdir::WalkDir::new(arg)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                let hidden = e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
                // An output folder inside the input folder is not walked: it holds outputs only.
                let excluded = e.depth() > 0
                    && e.file_type().is_dir()
                    && out
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
            let Some(kind) = InputKind::from_path(entry.path()) else {
                if entry.path_is_symlink() && entry.path().is_dir() {
                    d.notes.push(format!(
                        "{}: a symbolic link to a folder, not followed (name the folder itself to convert it)",
                        shown(entry.path())
                    ));
                }
                continue;
            };
            if entry.path_is_symlink() {
                // A link to a file is converted like the file; a dangling one is reported.
                match std::fs::metadata(entry.path()) {
                    Ok(m) if m.is_file() => {}
                    Ok(_) => {
                        d.notes.push(format!(
                            "{}: a symbolic link to a folder, not followed (name the folder itself to convert it)",
                            shown(entry.path())
                        ));
                        continue;
                    }
                    Err(source) => {
                        d.problems.push(InputError::Unreadable {
                            path: entry.path().to_path_buf(),
                            source,
                        });
                        continue;
                    }
                }
            } else if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(arg).unwrap_or(entry.path());
            if out_is_arg && is_own_output(entry.path()) {
                continue;
            }
            add(&mut found, entry.path().to_path_buf(), kind, stem_of(rel));
        }
    }
    settle_stems(&mut d, found, out.as_deref());
    d
}

/// Gives each candidate its output stem (see [`discover`]) and reports collisions.
fn settle_stems(d: &mut Discovery, found: Vec<Candidate>, out: Option<&Path>) {
    let taken = Taken::new(&found);
    let mut seen: HashMap<PathBuf, PathBuf> = HashMap::new();
    for c in found {
        let mut stem = c.stem.clone();
        if let Some(out) = out {
            if taken.stem_is_taken(out, &stem) {
                let mut with_ext = c.stem.clone().into_os_string();
                if let Some(ext) = c.path.extension() {
                    with_ext.push(".");
                    with_ext.push(ext);
                }
                stem = PathBuf::from(with_ext);
                if taken.stem_is_taken(out, &stem) {
                    d.problems
                        .push(InputError::OverwritesInput { path: c.path, stem });
                    continue;
                }
            }
        }
        // Case-insensitive file systems and `a.PDF` next to `a.pdf` both collide on the stem.
        let key = PathBuf::from(stem.to_string_lossy().to_lowercase());
        if let Some(other) = seen.get(&key) {
            d.problems.push(InputError::Collision {
                path: c.path,
                other: other.clone(),
                stem,
            });
        } else {
            seen.insert(key, c.path.clone());
            d.files.push(InputFile {
                path: c.path,
                kind: c.kind,
                stem,
            });
        }
    }
}

/// The input files (canonical paths) that no output may replace, indexed for the output names.
struct Taken {
    /// Every input file.
    files: std::collections::HashSet<PathBuf>,
    /// `dir/<s>` for every input named `<s>.page-<N>.jpg` (a thumbnail's name).
    page_bases: std::collections::HashSet<PathBuf>,
}

impl Taken {
    fn new(found: &[Candidate]) -> Taken {
        let files: std::collections::HashSet<PathBuf> = found
            .iter()
            .filter_map(|c| c.path.canonicalize().ok())
            .collect();
        let page_bases = files
            .iter()
            .filter_map(|p| {
                let name = p.file_name()?.to_str()?;
                let (s, rest) = name.rsplit_once(".page-")?;
                is_output_suffix(&format!("page-{rest}")).then(|| p.with_file_name(s))
            })
            .collect();
        Taken { files, page_bases }
    }

    /// True when a document with output stem `stem` under `out` (canonical) would write over an
    /// input or over the batch's files.
    fn stem_is_taken(&self, out: &Path, stem: &Path) -> bool {
        let at_root = stem.parent().map_or(true, |p| p.as_os_str().is_empty());
        let lower = stem.to_string_lossy().to_lowercase();
        if at_root && RESERVED_STEMS.contains(&lower.as_str()) {
            return true;
        }
        let base = out.join(stem);
        let Some(name) = base.file_name().map(|n| n.to_os_string()) else {
            return false;
        };
        // The output folder may not hold the stem's folder yet; resolve what exists of it.
        let dir = base
            .parent()
            .map(|p| p.canonicalize().unwrap_or_else(|_| p.to_path_buf()))
            .unwrap_or_default();
        let base = dir.join(&name);
        let with = |suffix: &str| {
            let mut s = base.clone().into_os_string();
            s.push(".");
            s.push(suffix);
            PathBuf::from(s)
        };
        ["json", "txt", "review.html"]
            .iter()
            .any(|s| self.files.contains(&with(s)))
            || self.page_bases.contains(&base)
    }
}

/// True for the suffixes of [`OUTPUT_SUFFIXES`] (`table-3.csv`, `page-12.jpg`, `json`, …).
fn is_output_suffix(s: &str) -> bool {
    let numbered = |prefix: &str, ext: &str| {
        s.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(ext))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    matches!(s, "json" | "txt" | "review.html")
        || numbered("table-", ".csv")
        || numbered("page-", ".jpg")
}

/// True when `path` (a `.txt` or a `.page-N.jpg`) is an output of vanban: a vanban JSON of the same
/// stem stands beside it.
pub fn is_own_output(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let stem = if let Some(s) = name.strip_suffix(".txt") {
        s
    } else if let Some((s, rest)) = name.rsplit_once(".page-") {
        if !is_output_suffix(&format!("page-{rest}")) {
            return false;
        }
        s
    } else {
        return false;
    };
    let json = path.with_file_name(format!("{stem}.json"));
    let mut head = Vec::new();
    let read = File::open(&json).and_then(|f| f.take(4096).read_to_end(&mut head));
    if read.is_err() {
        return false;
    }
    let head = String::from_utf8_lossy(&head);
    head.trim_start().starts_with('{')
        && head.contains("\"schema_version\"")
        && head.contains("\"sha256\"")
}

/// A path as shown in a message or a log line: control characters (a newline in a file name could
/// otherwise forge a log line) are escaped.
pub fn shown(path: &Path) -> String {
    let s = path.to_string_lossy();
    if !s.chars().any(char::is_control) {
        return s.into_owned();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Largest text input read, in bytes (see [`read_text`]). A text input takes about 200 times its
/// size in memory while it is restored (every word with its box, corrections and alternatives), so
/// 2 MiB (some 700 pages of OCR text) keeps one text document under about 500 MB (measured: 1 MB
/// of OCR text peaks at 275 MB, 2 MB at 504 MB, against 104 MB for a one-line file).
pub const MAX_TEXT_BYTES: u64 = 2 << 20;

/// A text input that cannot be read as text (the message does not repeat the path).
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    /// The file could not be read.
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    /// The file is larger than [`MAX_TEXT_BYTES`].
    #[error("too large for a text input: {size} bytes (the limit is {limit} bytes; split it at form feeds into smaller files)")]
    TooLarge {
        /// Size of the file.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The bytes are not UTF-8.
    #[error("not UTF-8 text (invalid byte at offset {0})")]
    NotUtf8(usize),
    /// NUL bytes: UTF-16 without a byte-order mark, or binary data.
    #[error("{0}")]
    Binary(String),
    /// A UTF-16 file (with a byte-order mark) holds an unpaired surrogate.
    #[error("not valid UTF-16 text (unpaired surrogate at offset {0})")]
    BadUtf16(usize),
}

/// Reads a text input: UTF-8 (a byte-order mark is dropped), or UTF-16 with a byte-order mark.
/// Files larger than `limit` bytes, and text holding NUL bytes (UTF-16 without a byte-order mark,
/// or not text at all), are refused.
pub fn read_text(path: &Path, limit: u64) -> Result<String, TextError> {
    let f = File::open(path)?;
    let size = f.metadata()?.len();
    if size > limit {
        return Err(TextError::TooLarge { size, limit });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // A file growing while it is read is still cut at the limit.
    f.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(TextError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    decode_text(bytes)
}

/// Decodes the bytes of a text input (see [`read_text`]).
pub fn decode_text(bytes: Vec<u8>) -> Result<String, TextError> {
    let utf16 = |be: bool, body: &[u8]| -> Result<String, TextError> {
        let units = body.chunks(2).map(|c| {
            let pair = [c[0], c.get(1).copied().unwrap_or(0)];
            if be {
                u16::from_be_bytes(pair)
            } else {
                u16::from_le_bytes(pair)
            }
        });
        let mut s = String::with_capacity(body.len());
        for (i, ch) in char::decode_utf16(units).enumerate() {
            s.push(ch.map_err(|_| TextError::BadUtf16(2 + 2 * i))?);
        }
        Ok(s)
    };
    if let Some(body) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(false, body);
    }
    if let Some(body) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(true, body);
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if let Some(at) = body.iter().position(|&b| b == 0) {
        let sample = &body[..body.len().min(4096)];
        let odd = sample
            .iter()
            .skip(1)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count();
        let even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
        let half = sample.len() / 4;
        let why = if odd > half || even > half {
            "looks like UTF-16 text without a byte-order mark; save it as UTF-8".to_string()
        } else {
            format!("not text (a NUL byte at offset {at})")
        };
        return Err(TextError::Binary(why));
    }
    let body = body.to_vec();
    String::from_utf8(body).map_err(|e| TextError::NotUtf8(e.utf8_error().valid_up_to()))
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
        let d = discover(std::slice::from_ref(&root), None);
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
    fn out_equal_to_the_input_folder_keeps_sources_and_skips_own_outputs() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        for f in ["a.txt", "b.pdf", "b.page-1.jpg", "summary.txt"] {
            touch(&d.join(f));
        }
        // An earlier run's outputs of c.pdf: its .txt is not an input.
        touch(&d.join("c.pdf"));
        fs::write(
            d.join("c.json"),
            b"{\n  \"schema_version\": \"1\", \"source\": {\"sha256\": \"0\"}",
        )
        .unwrap();
        touch(&d.join("c.txt"));
        let found = discover(&[d.to_path_buf()], Some(d));
        let stems: Vec<_> = found
            .files
            .iter()
            .map(|f| f.stem.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            stems,
            ["a.txt", "b.page-1", "b.pdf", "c", "summary.txt"],
            "{found:?}"
        );
        assert!(found.problems.is_empty(), "{:?}", found.problems);
    }

    #[test]
    fn text_decoding_takes_boms_and_refuses_nul_bytes() {
        assert_eq!(decode_text(b"\xEF\xBB\xBFabc".to_vec()).unwrap(), "abc");
        assert_eq!(decode_text(b"\xFF\xFEa\0b\0".to_vec()).unwrap(), "ab");
        assert_eq!(decode_text(b"\xFE\xFF\0a\0b".to_vec()).unwrap(), "ab");
        let e = decode_text(b"a\0b\0c\0".to_vec()).unwrap_err().to_string();
        assert!(e.contains("UTF-16"), "{e}");
        assert!(decode_text(b"\xC3(".to_vec()).is_err());
    }

    #[test]
    fn shown_paths_stay_on_one_line() {
        assert_eq!(shown(Path::new("a\nb.txt")), "a\\nb.txt");
        assert_eq!(shown(Path::new("ổn.txt")), "ổn.txt");
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
