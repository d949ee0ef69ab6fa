//! The document as context. Each line is decoded with its neighbours only; across a whole
//! document one word form is most often read one way (`Sở Tài chính`, a place's name, a term of
//! the plan), and a form the document prints with its marks (a header read by the Vietnamese
//! model, a word restored surely elsewhere) lends them to its unsure readings. [`harmonize`] reads
//! the restored lines of one document again: where a word was read unsurely, the document reads
//! the same letters one way surely and often enough, and the decoder had that reading among its
//! alternatives, that reading is taken. A form read two ways surely is left alone (its context
//! clearly differs: `công`/`cộng`).

use std::collections::HashMap;

use crate::text::{apply_case, case_of, has_marks, skeleton, split_edges};
use crate::Token;

/// A form must be read surely at least this often in the document to lend its reading.
pub const MIN_SURE: u32 = 2;
/// … and hold at least this share of the sure readings of its letters.
pub const MIN_SHARE: f32 = 0.85;
/// Only a word read below this confidence is read again: above it the line's own context chose
/// (`nội dung` stays in a law where `nơi cư trú` is the common reading of `noi`).
pub const UNSURE_CONF: f32 = 0.6;
/// A restored word at or above this confidence, not flagged uncertain, is a sure reading.
pub const SURE_CONF: f32 = 0.9;

/// The lowercase core of a token's text when it is one word of letters.
fn core_of(text: &str) -> Option<String> {
    let (_, core, _) = split_edges(text);
    (!core.is_empty() && !text.contains(' ') && core.chars().all(crate::text::is_alpha))
        .then(|| core.to_lowercase())
}

/// Reads the unsure words of a document's restored lines again against the document's sure
/// readings of the same letters (see the module). Returns how many words changed.
pub fn harmonize(lines: &mut [Vec<Token>]) -> usize {
    // sure readings: letters (skeleton) → form → count
    let mut sure: HashMap<String, HashMap<String, u32>> = HashMap::new();
    for t in lines.iter().flatten() {
        let Some(core) = core_of(&t.text) else {
            continue;
        };
        let is_sure = if t.changed {
            !t.uncertain && t.conf >= SURE_CONF
        } else {
            // read with its marks and left alone: what the page prints
            has_marks(&core)
        };
        if is_sure {
            *sure
                .entry(skeleton(&core))
                .or_default()
                .entry(core)
                .or_default() += 1;
        }
    }
    let dominant = |key: &str| -> Option<&str> {
        let forms = sure.get(key)?;
        let total: u32 = forms.values().sum();
        let (form, &n) = forms
            .iter()
            .max_by_key(|(f, n)| (**n, std::cmp::Reverse(*f)))?;
        (n >= MIN_SURE && n as f32 >= MIN_SHARE * total as f32).then_some(form.as_str())
    };
    let mut changed = 0;
    for t in lines.iter_mut().flatten() {
        if !(t.changed && t.uncertain && t.conf < UNSURE_CONF) {
            continue;
        }
        let Some(core) = core_of(&t.text) else {
            continue;
        };
        let key = skeleton(&core);
        let Some(form) = dominant(&key) else {
            continue;
        };
        // the word as read is a form the document prints surely too: the letters have two
        // readings here, and the line's context chose between them
        if sure.get(&key).is_some_and(|f| f.contains_key(&core)) {
            continue;
        }
        if form == core
            || !t
                .alternatives
                .iter()
                .any(|a| core_of(a).as_deref() == Some(form))
        {
            continue;
        }
        let (lead, old_core, trail) = split_edges(&t.text);
        let text = format!("{lead}{}{trail}", apply_case(form, case_of(old_core)));
        let previous = std::mem::replace(&mut t.text, text);
        t.alternatives.retain(|a| *a != t.text);
        t.alternatives.insert(0, previous);
        t.changed = t.text != t.raw;
        changed += 1;
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(raw: &str, text: &str, conf: f32, uncertain: bool, alts: &[&str]) -> Token {
        Token {
            raw: raw.into(),
            text: text.into(),
            conf,
            alternatives: alts.iter().map(|s| s.to_string()).collect(),
            changed: raw != text,
            uncertain,
        }
    }

    #[test]
    fn a_form_read_surely_elsewhere_lends_its_marks() {
        let mut lines = vec![
            vec![tok("Tài", "Tài", 1.0, false, &[])],
            vec![tok("tai", "tài", 0.97, false, &[])],
            vec![tok("tai", "tại", 0.55, true, &["tài", "tai"])],
        ];
        assert_eq!(harmonize(&mut lines), 1);
        assert_eq!(lines[2][0].text, "tài");
        assert_eq!(lines[2][0].alternatives[0], "tại");
    }

    #[test]
    fn two_sure_readings_of_the_same_letters_lend_nothing() {
        let mut lines = vec![
            vec![tok("công", "công", 1.0, false, &[])],
            vec![tok("cộng", "cộng", 1.0, false, &[])],
            vec![tok("công", "công", 1.0, false, &[])],
            vec![tok("cong", "cổng", 0.5, true, &["công", "cộng"])],
        ];
        assert_eq!(harmonize(&mut lines), 0);
        assert_eq!(lines[3][0].text, "cổng");
    }

    #[test]
    fn a_sure_reading_is_never_changed_and_case_and_edges_are_kept() {
        let mut lines = vec![
            vec![tok("Sở", "Sở", 1.0, false, &[])],
            vec![tok("Sở", "Sở", 1.0, false, &[])],
            vec![tok("(SO", "(SỐ", 0.4, true, &["(SỞ"])],
            vec![tok("tai", "tại", 0.95, false, &["tài"])],
            vec![tok("Tài", "Tài", 1.0, false, &[])],
            vec![tok("Tài", "Tài", 1.0, false, &[])],
        ];
        assert_eq!(harmonize(&mut lines), 1);
        assert_eq!(lines[2][0].text, "(SỞ");
        // sure, though the document reads its letters otherwise
        assert_eq!(lines[3][0].text, "tại");
    }
}
