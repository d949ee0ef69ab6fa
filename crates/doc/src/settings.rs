//! The settings record of a document: what made its outputs (vanban and Tesseract versions, the
//! dictionary, languages, restoration, the user lexicon and every option that changes the outputs),
//! kept in `<stem>.json` so that a later run can tell whether the document must be redone and say why.

use serde::{Deserialize, Serialize};

/// What made a document's outputs: the `settings` object of `<stem>.json`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// vanban's version (`vanban --version`).
    pub vanban: String,
    /// The Tesseract library's version.
    pub tesseract: String,
    /// Tesseract languages (`--lang`), e.g. `vie` or `vie+eng`.
    pub languages: String,
    /// SHA-256 of each language's model file (`<lang>.traineddata`), by language; a model vanban
    /// could not find where Tesseract looks is left out.
    #[serde(default)]
    pub models: std::collections::BTreeMap<String, String>,
    /// Whether diacritics were restored (false with `--no-restore`).
    pub restore: bool,
    /// The compiled dictionary the restorer used (null with `--no-restore`).
    pub dictionary: Option<DictionaryRecord>,
    /// SHA-256 of the user lexicon's words (`--lexicon`: sorted, NFC, one a line), null without one.
    pub lexicon: Option<String>,
    /// Resolution for rendering PDF pages (`--dpi`).
    pub dpi: u32,
    /// Whether PDF pages with a text layer were OCRed (`--force-ocr`).
    pub force_ocr: bool,
    /// The optional output formats written (`--formats`): of `pdf`, `alto`, `hocr`, `md`.
    pub formats: Vec<String>,
}

/// Which compiled dictionary restored a document.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct DictionaryRecord {
    /// The dictionary's format version.
    pub format: u32,
    /// SHA-256 of the dictionary file, hex.
    pub sha256: String,
}

/// What an option change matters to: some options only change some kinds of input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reads {
    /// A plain-text input: no OCR, no page rendering.
    Text,
    /// An image file (TIFF, PNG, JPEG): OCR, no PDF rendering.
    Image,
    /// A PDF: rendering, text layers and OCR.
    Pdf,
}

impl Settings {
    /// Why a document made with `old` must be made again under `self` (empty when nothing that
    /// matters to an input of kind `reads` changed). Each reason is short, e.g.
    /// `--lang changed (vie → eng)`. A format asked for now that was not written then is a reason;
    /// a format no longer asked for is not (its file is kept).
    pub fn changes_since(&self, old: &Settings, reads: Reads) -> Vec<String> {
        let mut why = Vec::new();
        let mut differ = |what: &str, was: String, now: String| {
            if was != now {
                why.push(format!("{what} changed ({was} → {now})"));
            }
        };
        let on_off = |b: bool| if b { "on" } else { "off" }.to_string();
        differ("vanban", old.vanban.clone(), self.vanban.clone());
        if reads != Reads::Text {
            differ("Tesseract", old.tesseract.clone(), self.tesseract.clone());
            differ("--lang", old.languages.clone(), self.languages.clone());
            if old.languages == self.languages {
                let models = |m: &std::collections::BTreeMap<String, String>| {
                    let v: Vec<String> =
                        m.iter().map(|(l, h)| format!("{l} {}", short(h))).collect();
                    if v.is_empty() {
                        "unknown".to_string()
                    } else {
                        v.join(", ")
                    }
                };
                differ(
                    "the Tesseract model",
                    models(&old.models),
                    models(&self.models),
                );
            }
        }
        differ("restoration", on_off(old.restore), on_off(self.restore));
        if self.restore && old.restore {
            let dict = |d: &Option<DictionaryRecord>| match d {
                Some(d) => format!("format {}, {}", d.format, short(&d.sha256)),
                None => "none".into(),
            };
            differ(
                "the dictionary",
                dict(&old.dictionary),
                dict(&self.dictionary),
            );
            let lex = |l: &Option<String>| l.as_deref().map_or("none".into(), short);
            differ("--lexicon", lex(&old.lexicon), lex(&self.lexicon));
        }
        if reads == Reads::Pdf {
            differ("--dpi", old.dpi.to_string(), self.dpi.to_string());
            differ("--force-ocr", on_off(old.force_ocr), on_off(self.force_ocr));
        }
        if self.formats.iter().any(|f| !old.formats.contains(f)) {
            differ("--formats", list(&old.formats), list(&self.formats));
        }
        why
    }
}

/// The first 8 hex digits of a hash.
fn short(hash: &str) -> String {
    hash.chars().take(8).collect()
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Settings {
        Settings {
            vanban: "0.1.0".into(),
            tesseract: "5.3.0".into(),
            languages: "vie".into(),
            models: [("vie".to_string(), "99887766554433".to_string())].into(),
            restore: true,
            dictionary: Some(DictionaryRecord {
                format: 9,
                sha256: "abcdef0123456789".into(),
            }),
            lexicon: None,
            dpi: 300,
            force_ocr: false,
            formats: vec!["pdf".into(), "md".into()],
        }
    }

    #[test]
    fn same_settings_need_no_redo() {
        assert!(base().changes_since(&base(), Reads::Pdf).is_empty());
    }

    #[test]
    fn each_change_is_named_with_old_and_new_values() {
        let mut now = base();
        now.languages = "eng".into();
        now.dpi = 200;
        assert_eq!(
            now.changes_since(&base(), Reads::Pdf),
            ["--lang changed (vie → eng)", "--dpi changed (300 → 200)"]
        );
        // A text input is not OCRed or rendered: neither matters to it.
        assert!(now.changes_since(&base(), Reads::Text).is_empty());
        // An image is OCRed but not rendered.
        assert_eq!(
            now.changes_since(&base(), Reads::Image),
            ["--lang changed (vie → eng)"]
        );
    }

    #[test]
    fn a_new_model_file_is_a_change_for_scans_only() {
        let mut now = base();
        now.models.insert("vie".into(), "0123456789".into());
        assert_eq!(
            now.changes_since(&base(), Reads::Image),
            ["the Tesseract model changed (vie 99887766 → vie 01234567)"]
        );
        assert!(now.changes_since(&base(), Reads::Text).is_empty());
    }

    #[test]
    fn restoration_lexicon_and_formats() {
        let mut now = base();
        now.lexicon = Some("0011223344556677".into());
        assert_eq!(
            now.changes_since(&base(), Reads::Text),
            ["--lexicon changed (none → 00112233)"]
        );
        now = base();
        now.restore = false;
        now.dictionary = None;
        assert_eq!(
            now.changes_since(&base(), Reads::Text),
            ["restoration changed (on → off)"]
        );
        now = base();
        now.formats = vec!["pdf".into()];
        assert!(now.changes_since(&base(), Reads::Pdf).is_empty());
        now.formats = vec!["pdf".into(), "alto".into()];
        assert_eq!(
            now.changes_since(&base(), Reads::Pdf),
            ["--formats changed (pdf,md → pdf,alto)"]
        );
    }
}
