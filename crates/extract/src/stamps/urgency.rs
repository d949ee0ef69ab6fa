//! The urgency mark's closed vocabulary (`HỎA TỐC`, `THƯỢNG KHẨN`, `KHẨN`, Decree 30 art. 15) and
//! the matcher that decides whether a second reading of a stamp spells one of them. A wrong urgency
//! is worse than none, so a reading matches only when it is the mark alone, at most one letter off
//! (none for the short `KHẨN`), stray marks at its ends aside.

use vanban_doc::zones::fold;

/// The marks, folded (no diacritics, lower case), with the value the metadata gets and the
/// letters' printed form.
const MARKS: [(&str, &str, &str); 3] = [
    ("hoa toc", "Hỏa tốc", "HỎA TỐC"),
    ("thuong khan", "Thượng khẩn", "THƯỢNG KHẨN"),
    ("khan", "Khẩn", "KHẨN"),
];

/// An urgency mark that a stamp's reading spells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Urgency {
    /// The metadata value (`Hỏa tốc`).
    pub value: &'static str,
    /// The mark as printed (`HỎA TỐC`).
    pub printed: &'static str,
}

/// Levenshtein distance between two short strings, by characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The urgency mark that `text` (the whole reading of one stamp) spells, if any. Words without
/// letters are dropped, and so is a lone character at either end (the frame's arrow head read as
/// `S` or `}`); what is left must be the mark: within one letter of `hoa toc` or `thuong khan`, or
/// exactly `khan`. Body text (`khẩn cấp`) does not match: it is more than the mark.
pub fn urgency_in(text: &str) -> Option<Urgency> {
    let folded = fold(text);
    let mut words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();
    if words.len() > 1 && words.first().is_some_and(|w| w.chars().count() == 1) {
        words.remove(0);
    }
    if words.len() > 1 && words.last().is_some_and(|w| w.chars().count() == 1) {
        words.pop();
    }
    let got = words.join(" ");
    MARKS
        .iter()
        .find(|(f, _, _)| {
            let allowed = if f.len() > 4 { 1 } else { 0 };
            // the words must be the mark's words (no merged or split words)
            got.split(' ').count() == f.split(' ').count() && distance(&got, f) <= allowed
        })
        .map(|&(_, value, printed)| Urgency { value, printed })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_of_the_marks_match_and_body_text_does_not() {
        let v = |t: &str| urgency_in(t).map(|u| u.value);
        assert_eq!(v("HỎA TỐC"), Some("Hỏa tốc"));
        assert_eq!(v("` HỎA TỐC"), Some("Hỏa tốc"));
        assert_eq!(v("} HỖA TỐC"), Some("Hỏa tốc"));
        assert_eq!(v("HOA TÓC >"), Some("Hỏa tốc"));
        assert_eq!(v("THƯỢNG KHẨN"), Some("Thượng khẩn"));
        assert_eq!(v("THUONG KHAM"), Some("Thượng khẩn"));
        assert_eq!(v("KHẨN"), Some("Khẩn"));
        assert_eq!(v("» KHẨN «"), Some("Khẩn"));
        // one letter off a four-letter word is another word
        assert_eq!(v("KHÁM"), None);
        assert_eq!(v("THAN"), None);
        // more than the mark: body text, a heading
        assert_eq!(v("khẩn cấp"), None);
        assert_eq!(v("công trình khẩn cấp đối với"), None);
        assert_eq!(v("HỎA TỐC HẸN GIỜ"), None);
        assert_eq!(v("NếA Tốc"), None);
        assert_eq!(v(""), None);
    }
}
