//! Atomic output files: write to a temporary file beside the target, flush it to disk, rename.
//!
//! A reader (or a resumed run) therefore sees either the old file or the whole new one, never a part.
//! The temporary file is created exclusively (`O_EXCL`, so a symbolic link planted under its name is
//! never followed) under an unpredictable name that starts with [`TEMP_PREFIX`] and ends with
//! [`TEMP_SUFFIX`]: that pattern is vanban's alone, so clean-up after a killed run
//! ([`is_temp_name`]) removes nothing else.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Start of every temporary file name vanban makes.
pub const TEMP_PREFIX: &str = ".vanban-tmp-";
/// End of every temporary file name vanban makes.
pub const TEMP_SUFFIX: &str = ".tmp";

/// Writing an output file failed.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {source}")]
pub struct WriteError {
    /// The file that could not be written.
    pub path: PathBuf,
    /// The cause.
    #[source]
    pub source: std::io::Error,
}

/// True when `name` is a temporary file name made by [`write_atomic`] (of this or an earlier run).
pub fn is_temp_name(name: &str) -> bool {
    name.len() > TEMP_PREFIX.len() + TEMP_SUFFIX.len()
        && name.starts_with(TEMP_PREFIX)
        && name.ends_with(TEMP_SUFFIX)
}

/// Writes `bytes` to `path` atomically, creating parent folders. The file gets the usual
/// permissions of a new file (0666 less the umask), like a file made by `File::create`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let err = |source| WriteError {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(err)?;
    let (tmp, mut file) = create_temp(dir).map_err(err)?;
    let result = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(err)
}

/// Creates a new temporary file in `dir` exclusively (`create_new`: an existing file or link of that
/// name is an error, never opened), under a name no one can guess ahead.
fn create_temp(dir: &Path) -> std::io::Result<(PathBuf, fs::File)> {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut last = None;
    for _ in 0..16 {
        // RandomState is seeded from the OS's random source once per process, then varied.
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u32(std::process::id());
        h.write_u64(COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        h.write_u128(nanos);
        let tmp = dir.join(format!("{TEMP_PREFIX}{:016x}{TEMP_SUFFIX}", h.finish()));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("cannot create a temporary file")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/a.json");
        write_atomic(&p, b"{}").unwrap();
        write_atomic(&p, b"{\"x\":1}").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"{\"x\":1}");
        let names: Vec<_> = fs::read_dir(p.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_link_is_not_followed_and_its_target_survives() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, b"keep").unwrap();
        let out = dir.path().join("o");
        fs::create_dir(&out).unwrap();
        // The old predictable names, and a link where the output itself goes.
        std::os::unix::fs::symlink(
            &victim,
            out.join(format!(".a.txt.{}.tmp", std::process::id())),
        )
        .unwrap();
        write_atomic(&out.join("a.txt"), b"new").unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"keep");
        assert_eq!(fs::read(out.join("a.txt")).unwrap(), b"new");
    }

    #[test]
    fn temp_names_are_recognised_by_their_own_pattern_only() {
        assert!(is_temp_name(".vanban-tmp-Ab12Cd.tmp"));
        assert!(!is_temp_name(".a.tmp"));
        assert!(!is_temp_name(".vanban-tmp-.tmp"));
        assert!(!is_temp_name(".a.txt.123.tmp"));
    }
}
