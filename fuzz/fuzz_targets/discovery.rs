//! Fuzz target: input discovery and output naming (`vanban_input::discover`) on a folder tree made
//! from the bytes (names with any characters a file system allows, sub-folders, links), with the
//! output folder equal to the input folder, inside it, or beside it. Whatever the names, no input
//! may get an output path that is an input file or a batch file, and no two inputs the same stem.
#![no_main]

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;

const EXTS: [&str; 8] = ["txt", "pdf", "png", "jpg", "TIF", "json", "page-1.jpg", "table-1.csv"];

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let root = std::env::temp_dir().join(format!("vanban-fuzz-disc-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let inp = root.join("in");
    if std::fs::create_dir_all(&inp).is_err() {
        return;
    }
    // Each entry: a length byte, a name (stem), an extension byte; names keep only what a file
    // name may hold (no '/', no NUL), and empty or dot names are skipped.
    let mut i = 0;
    let mut made = 0;
    while i < rest.len() && made < 12 {
        let len = usize::from(rest[i] % 12);
        let Some(raw) = rest.get(i + 1..i + 1 + len) else { break };
        let ext = EXTS[usize::from(rest.get(i + 1 + len).copied().unwrap_or(0)) % EXTS.len()];
        i += len + 2;
        let stem: String = String::from_utf8_lossy(raw)
            .chars()
            .filter(|c| *c != '/' && *c != '\0')
            .collect();
        if stem.is_empty() || stem == "." || stem == ".." {
            continue;
        }
        let sub = if raw.first().is_some_and(|b| b & 0x80 != 0) { "sub/" } else { "" };
        let p = inp.join(format!("{sub}{stem}.{ext}"));
        if let Some(parent) = p.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::write(&p, b"x");
        made += 1;
    }
    let out = match mode % 3 {
        0 => inp.clone(),
        1 => inp.join("out"),
        _ => root.join("out"),
    };
    let _ = std::fs::create_dir_all(&out);
    let args: Vec<PathBuf> = if mode & 4 == 0 {
        vec![inp.clone()]
    } else {
        std::fs::read_dir(&inp)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect()
    };
    let d = vanban_input::discover(&args, Some(&out));
    let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    // Every file of the tree that vanban reads is a source: never an output path.
    let sources: HashSet<PathBuf> = walk(&inp)
        .into_iter()
        .filter(|p| vanban_input::InputKind::from_path(p).is_some())
        .map(|p| canon(&p))
        .collect();
    let mut stems = HashSet::new();
    for f in &d.files {
        assert!(stems.insert(f.stem.to_string_lossy().to_lowercase()), "two inputs share {:?}", f.stem);
        let base = canon(&out).join(&f.stem);
        for suffix in ["json", "txt", "review.html", "table-1.csv", "page-1.jpg"] {
            let mut s = base.clone().into_os_string();
            s.push(".");
            s.push(suffix);
            let p = PathBuf::from(s);
            assert!(!sources.contains(&p), "{:?}'s output {p:?} is a source", f.path);
        }
        if f.stem.parent().map_or(true, |p| p.as_os_str().is_empty()) {
            let l = f.stem.to_string_lossy().to_lowercase();
            assert!(!["summary", "index", "failures"].contains(&l.as_str()), "{:?}", f.stem);
        }
    }
});

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            v.extend(walk(&p));
        } else {
            v.push(p);
        }
    }
    v
}
