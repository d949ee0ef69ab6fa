//! Marks Tesseract reads as words on a real scan: the strokes of a seal, a signature or a pen mark
//! (`_—`, `¬-`, a lone `h`), each read with a confidence near zero. They are dropped before the
//! words go on; a word with letters enough to be a word is kept however unsure OCR was of it (the
//! restorer and the review judge it).

use vanban_doc::Line;

/// A word under this confidence with fewer than [`MIN_LETTERS`] letters or digits is a mark.
pub const MARK_CONF: f32 = 0.2;
/// Letters or digits a word needs to be kept below [`MARK_CONF`].
pub const MIN_LETTERS: usize = 2;
/// A word of no letter or digit at all (`_—`, `¬-`) is a mark under this confidence.
pub const SYMBOL_CONF: f32 = 0.5;

/// True for a word that is a mark, not print (see the module).
pub fn is_mark(raw: &str, conf: f32) -> bool {
    let alnum = raw.chars().filter(|c| c.is_alphanumeric()).count();
    // digits are never a mark: a handwritten number in a blank reads at 0.17 and up, and is read
    // again from its box
    let digit = raw.chars().any(|c| c.is_ascii_digit());
    (alnum == 0 && conf < SYMBOL_CONF) || (!digit && alnum < MIN_LETTERS && conf < MARK_CONF)
}

/// Drops the marks of the lines, and the lines left without a word.
pub fn drop_marks(lines: &mut Vec<Line>) {
    for l in lines.iter_mut() {
        l.words.retain(|w| !is_mark(&w.raw, w.conf));
    }
    lines.retain(|l| !l.words.is_empty());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strokes_go_words_stay() {
        assert!(is_mark("_—", 0.0));
        assert!(is_mark("¬-", 0.04));
        assert!(is_mark("h", 0.0));
        // a list dash read surely, an unsure word with letters, an unsure number
        assert!(!is_mark("-", 0.93));
        assert!(!is_mark("không", 0.01));
        assert!(!is_mark("2026", 0.1));
        assert!(!is_mark("22", 0.05));
        assert!(!is_mark("và", 0.5));
        // two-letter words of a degraded scan read at 0.1 (`tổ`, `vệ`) are words
        assert!(!is_mark("tổ", 0.1));
    }
}
