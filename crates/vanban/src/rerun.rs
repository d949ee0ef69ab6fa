//! Settings-aware re-runs: the settings record of this run ([`current`]) and the decision whether a
//! document's earlier outputs can be kept ([`check`]). A document is kept only when its `<stem>.json`
//! names the same source hash and schema version, records the same settings (as far as they matter
//! to its kind of input, see [`vanban_doc::Settings::changes_since`]) and every output file asked for
//! is there; otherwise it is redone and the reason is said (`redoing a.pdf: --lang changed (vie → eng)`).

use std::path::Path;

use anyhow::{Context, Result};
use vanban_doc::{DictionaryRecord, Reads, Settings, Source};
use vanban_input::InputKind;

use crate::engines::DICT_REL;
use crate::process::{Formats, Outputs};
use crate::{locate, Global};

/// The settings record of this run (`settings` of every `<stem>.json` it writes).
pub fn current(g: &Global, formats: Formats) -> Result<Settings> {
    let dictionary = if g.no_restore {
        None
    } else {
        match locate::resolve(g.dict.as_deref(), "VANBAN_DICT", DICT_REL) {
            Some(path) => Some(DictionaryRecord {
                format: vanban_restore::lexicon::FORMAT_VERSION,
                sha256: vanban_input::sha256_file(&path)
                    .with_context(|| format!("{}: cannot read the dictionary", path.display()))?,
            }),
            // Loading the restorer says what is missing.
            None => None,
        }
    };
    let lexicon = match (&g.lexicon, g.no_restore) {
        (Some(path), false) => Some(lexicon_hash(&crate::engines::read_lexicon(path)?)),
        _ => None,
    };
    Ok(Settings {
        vanban: env!("CARGO_PKG_VERSION").to_string(),
        tesseract: tesseract_plumbing::version().to_string_lossy().into_owned(),
        languages: g.lang.clone(),
        models: models(g),
        restore: !g.no_restore,
        dictionary,
        lexicon,
        dpi: g.dpi,
        force_ocr: g.force_ocr,
        formats: formats.names(),
    })
}

/// SHA-256 of each `--lang` language's `<lang>.traineddata`, looked for where Tesseract looks:
/// `--tessdata`, `TESSDATA_PREFIX`, then Debian's folders. A model not found is left out.
fn models(g: &Global) -> std::collections::BTreeMap<String, String> {
    let mut dirs: Vec<std::path::PathBuf> = Vec::new();
    dirs.extend(g.tessdata.clone());
    dirs.extend(std::env::var_os("TESSDATA_PREFIX").map(std::path::PathBuf::from));
    dirs.push("/usr/share/tesseract-ocr/5/tessdata".into());
    dirs.push("/usr/share/tesseract-ocr/4.00/tessdata".into());
    g.lang
        .split('+')
        .filter(|l| !l.is_empty())
        .filter_map(|lang| {
            let file = format!("{lang}.traineddata");
            let path = dirs.iter().map(|d| d.join(&file)).find(|p| p.is_file())?;
            let hash = vanban_input::sha256_file(&path).ok()?;
            Some((lang.to_string(), hash))
        })
        .collect()
}

/// SHA-256 of a lexicon's words, sorted and without repeats, one a line: comments, blank lines and
/// the order of the file do not change what the restorer does, so they do not change the hash.
fn lexicon_hash(words: &[String]) -> String {
    use sha2::Digest;
    let mut w: Vec<&str> = words.iter().map(String::as_str).collect();
    w.sort_unstable();
    w.dedup();
    hex::encode(sha2::Sha256::digest(w.join("\n").as_bytes()))
}

/// What to do with a document whose outputs may exist.
pub enum Check {
    /// No earlier outputs: convert it.
    New,
    /// The outputs are complete and up to date: (pages, changes, uncertain changes).
    UpToDate(u32, u32, u32),
    /// Earlier outputs exist but must be made again, for this reason.
    Redo(String),
}

/// Compares a document's earlier outputs with this run: source hash, schema version, settings
/// record and the files asked for.
pub fn check(
    outputs: &Outputs,
    formats: Formats,
    sha256: &str,
    now: &Settings,
    kind: InputKind,
) -> Check {
    #[derive(serde::Deserialize)]
    struct PageHead {
        width: u32,
    }
    #[derive(serde::Deserialize)]
    struct Head {
        schema_version: String,
        source: Source,
        #[serde(default)]
        restoration: vanban_doc::RestoreSummary,
        #[serde(default)]
        pages: Vec<PageHead>,
        #[serde(default)]
        settings: Option<Settings>,
    }
    let Ok(json) = std::fs::read(outputs.path("json")) else {
        return Check::New;
    };
    let head: Head = match serde_json::from_slice(&json) {
        Ok(h) => h,
        Err(_) => return Check::Redo(format!("{} cannot be read", name(&outputs.path("json")))),
    };
    if head.source.sha256 != sha256 {
        return Check::Redo("the source changed".into());
    }
    if head.schema_version != vanban_doc::SCHEMA_VERSION {
        return Check::Redo(format!(
            "schema changed ({} → {})",
            head.schema_version,
            vanban_doc::SCHEMA_VERSION
        ));
    }
    let Some(old) = head.settings else {
        return Check::Redo("no settings record (made by an earlier vanban)".into());
    };
    let reads = match kind {
        InputKind::Text => Reads::Text,
        InputKind::Pdf => Reads::Pdf,
        _ => Reads::Image,
    };
    let why = now.changes_since(&old, reads);
    if !why.is_empty() {
        return Check::Redo(why.join(", "));
    }
    let geometry = head.pages.iter().any(|p| p.width > 0);
    let mut wanted = vec!["txt", "review.html"];
    wanted.extend(formats.suffixes(geometry));
    if let Some(missing) = wanted
        .iter()
        .map(|s| outputs.path(s))
        .find(|p| !p.is_file())
    {
        return Check::Redo(format!("{} is missing", name(&missing)));
    }
    Check::UpToDate(
        head.source.pages,
        head.restoration.changed,
        head.restoration.uncertain,
    )
}

fn name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicon_hash_ignores_order_and_repeats() {
        let a = lexicon_hash(&["Nghĩa Hành".into(), "Lý Sơn".into()]);
        let b = lexicon_hash(&["Lý Sơn".into(), "Nghĩa Hành".into(), "Lý Sơn".into()]);
        assert_eq!(a, b);
        assert_ne!(a, lexicon_hash(&["Lý Sơn".into()]));
    }
}
