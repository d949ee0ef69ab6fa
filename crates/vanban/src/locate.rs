//! Finding the files vanban needs at run time (the compiled dictionary, the evaluation data): an explicit
//! flag, then an environment variable, then the project folder found by walking up from the binary and
//! from the current folder.

use std::path::{Path, PathBuf};

/// Folders that may hold the project's files: ancestors of the executable, then of the current folder.
pub fn project_roots() -> Vec<PathBuf> {
    let mut roots = Vec::new();
    let mut add_ancestors = |start: Option<PathBuf>| {
        if let Some(start) = start {
            for a in start.ancestors() {
                if !roots.iter().any(|r: &PathBuf| r == a) {
                    roots.push(a.to_path_buf());
                }
            }
        }
    };
    add_ancestors(
        std::env::current_exe()
            .ok()
            .and_then(|e| e.parent().map(Path::to_path_buf)),
    );
    add_ancestors(std::env::current_dir().ok());
    roots
}

/// The first existing `<root>/<rel>` over [`project_roots`].
pub fn find_in_project(rel: &str) -> Option<PathBuf> {
    project_roots()
        .into_iter()
        .map(|r| r.join(rel))
        .find(|p| p.exists())
}

/// Resolves a file from a flag, an environment variable, or a path relative to the project.
pub fn resolve(flag: Option<&Path>, env: &str, rel: &str) -> Option<PathBuf> {
    if let Some(p) = flag {
        return Some(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os(env).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p));
    }
    find_in_project(rel)
}
