//! The user lexicon: words and names a clerk has confirmed, which the restorer honours on later runs.
//!
//! The file is plain UTF-8 text, one entry per line (an entry may hold spaces, e.g. a name
//! `Hoàng Minh Cường`), NFC with the new tone placement (`hòa`, `ủy`), without duplicates, sorted by
//! code point so that the file is the same whatever order words were confirmed in. Blank lines and
//! lines starting with `#` are ignored when read and not written back. The restorer gets the entries
//! through [`read_lexicon`] (`Restorer::with_user_lexicon`).

use std::collections::BTreeSet;
use std::path::Path;

use unicode_normalization::UnicodeNormalization;

use crate::ReviewError;

/// Combining tone marks (grave, acute, tilde, hook above, dot below) in NFD.
const TONE_MARKS: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];

fn is_tone_mark(c: char) -> bool {
    TONE_MARKS.contains(&c)
}

/// `word` in NFC with the new tone placement: in a syllable ending in `oa`, `oe` or `uy` (not `quy`)
/// a mark on the last vowel moves to the one before it (`hoà` → `hòa`, `uỷ` → `ủy`, `khoẻ` → `khỏe`);
/// `hoàng`, `quý` and every other syllable are left alone.
pub fn new_tone_placement(word: &str) -> String {
    let nfd: Vec<char> = word.nfd().collect();
    let mut out: Vec<char> = Vec::with_capacity(nfd.len());
    let mut i = 0;
    while i < nfd.len() {
        if !nfd[i].is_alphabetic() {
            out.push(nfd[i]);
            i += 1;
            continue;
        }
        // One syllable: a run of letters and combining marks.
        let start = i;
        while i < nfd.len() && (nfd[i].is_alphabetic() || is_combining(nfd[i])) {
            i += 1;
        }
        let mut syl: Vec<char> = nfd[start..i].to_vec();
        move_tone_to_first_of_final_pair(&mut syl);
        out.extend(syl);
    }
    out.into_iter().nfc().collect()
}

fn is_combining(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36f}')
}

/// In an NFD syllable ending `o a`, `o e` or `u y` (bare letters) followed by a tone mark, moves the
/// mark after the first of the two letters.
fn move_tone_to_first_of_final_pair(syl: &mut Vec<char>) {
    let n = syl.len();
    if n < 3 || !is_tone_mark(syl[n - 1]) {
        return;
    }
    let (v1, v2) = (
        syl[n - 3].to_ascii_lowercase(),
        syl[n - 2].to_ascii_lowercase(),
    );
    let pair = matches!((v1, v2), ('o', 'a') | ('o', 'e') | ('u', 'y'));
    let after_q = n >= 4 && syl[n - 4].eq_ignore_ascii_case(&'q');
    if pair && !(v1 == 'u' && after_q) {
        let mark = syl.remove(n - 1);
        syl.insert(n - 2, mark);
    }
}

/// The lexicon form of a confirmed word, or `None` when it holds no letter: NFC, new tone placement,
/// runs of white space made single spaces, punctuation at both ends removed (`Phòng,` → `Phòng`,
/// `(SIPAS);` → `SIPAS`).
pub fn lexicon_entry(word: &str) -> Option<String> {
    let joined = word.split_whitespace().collect::<Vec<_>>().join(" ");
    let trimmed = joined.trim_matches(|c: char| !c.is_alphanumeric());
    if !trimmed.chars().any(char::is_alphabetic) {
        return None;
    }
    Some(new_tone_placement(trimmed))
}

/// Reads a lexicon file's entries (normalized as by [`lexicon_entry`], sorted, deduplicated); a
/// missing file is an empty lexicon.
pub fn read_lexicon(path: &Path) -> Result<Vec<String>, ReviewError> {
    Ok(read_set(path)?.into_iter().collect())
}

fn read_set(path: &Path) -> Result<BTreeSet<String>, ReviewError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
        Err(source) => {
            return Err(ReviewError::Read {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    let mut set = BTreeSet::new();
    for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = std::str::from_utf8(line).map_err(|_| ReviewError::NotUtf8 {
            path: path.to_path_buf(),
            line: n + 1,
        })?;
        let line = line.trim_start_matches('\u{feff}').trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        set.extend(lexicon_entry(line));
    }
    Ok(set)
}

/// Adds `words` to the lexicon file at `path` (created with its folders when missing): each
/// normalized by [`lexicon_entry`], merged with the entries already there, written back sorted and
/// deduplicated, atomically.
pub fn update_lexicon(path: &Path, words: &[String]) -> Result<(), ReviewError> {
    let mut set = read_set(path)?;
    set.extend(words.iter().filter_map(|w| lexicon_entry(w)));
    let mut text = String::with_capacity(set.iter().map(|e| e.len() + 1).sum());
    for e in &set {
        text.push_str(e);
        text.push('\n');
    }
    vanban_doc::write_atomic(path, text.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn old_tone_placement_becomes_new() {
        for (old, new) in [
            ("hoà", "hòa"),
            ("Hoà", "Hòa"),
            ("uỷ", "ủy"),
            ("Uỷ", "Ủy"),
            ("thuỷ", "thủy"),
            ("khoẻ", "khỏe"),
            ("hoạ", "họa"),
            ("hòa", "hòa"),
            ("hoàng", "hoàng"),
            ("quý", "quý"),
            ("thuyết", "thuyết"),
            ("Hoà Bình", "Hòa Bình"),
            ("UỶ BAN", "ỦY BAN"),
        ] {
            assert_eq!(new_tone_placement(old), new, "{old}");
        }
    }

    #[test]
    fn nfd_input_comes_out_nfc() {
        let nfd: String = "Cường".nfd().collect();
        assert_ne!(nfd, "Cường");
        assert_eq!(new_tone_placement(&nfd), "Cường");
    }

    #[test]
    fn entries_lose_edge_punctuation_and_need_a_letter() {
        assert_eq!(lexicon_entry("Phòng,").as_deref(), Some("Phòng"));
        assert_eq!(lexicon_entry("(SIPAS);").as_deref(), Some("SIPAS"));
        assert_eq!(
            lexicon_entry(" Hoàng  Minh\tCường ").as_deref(),
            Some("Hoàng Minh Cường")
        );
        assert_eq!(lexicon_entry("67/KH-NV").as_deref(), Some("67/KH-NV"));
        assert_eq!(lexicon_entry("2023."), None);
        assert_eq!(lexicon_entry("-"), None);
    }

    #[test]
    fn update_merges_sorts_dedups_and_keeps_the_file_stable() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/user.lex");
        update_lexicon(&p, &["uỷ".into(), "Bình Phước".into(), "an".into()]).unwrap();
        update_lexicon(&p, &["ủy".into(), "Phòng,".into(), "2023".into()]).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(text, "Bình Phước\nPhòng\nan\nủy\n");
        update_lexicon(&p, &[]).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), text);
        assert_eq!(
            read_lexicon(&p).unwrap(),
            ["Bình Phước", "Phòng", "an", "ủy"]
        );
    }

    #[test]
    fn reading_skips_comments_and_names_bad_lines() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("user.lex");
        std::fs::write(&p, b"# mine\n\nho\xc3\xa0\n\xff\n").unwrap();
        let err = read_lexicon(&p).unwrap_err().to_string();
        assert!(err.contains("user.lex") && err.contains("line 4"), "{err}");
        std::fs::write(&p, "# mine\n\nhoà\r\n").unwrap();
        assert_eq!(read_lexicon(&p).unwrap(), ["hòa"]);
        assert!(read_lexicon(&dir.path().join("none")).unwrap().is_empty());
    }

    proptest! {
        #[test]
        fn tone_placement_keeps_letters_and_is_idempotent(s in "[a-zA-Zàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵăâêôơưđ ]{0,24}") {
            let once = new_tone_placement(&s);
            prop_assert_eq!(new_tone_placement(&once), once.clone());
            let strip = |t: &str| t.nfd().filter(|c| !is_tone_mark(*c)).collect::<String>();
            prop_assert_eq!(strip(&once), strip(&s));
            prop_assert!(unicode_normalization::is_nfc(&once));
        }
    }
}
