//! Vietnamese letters and words: NFC, tone placement, mark stripping, casing, token edges.
//!
//! Every letter of Vietnamese is a base letter, an optional vowel modifier (ă â ê ô ơ ư đ) and an
//! optional tone (huyền, sắc, hỏi, ngã, nặng). This module owns that decomposition (a table built
//! once from Unicode composition), the "skeleton" of a word (its letters with every mark removed,
//! `đ` → `d`, lowercased), the move from old to new tone placement (`hoà` → `hòa`, `uỷ` → `ủy`),
//! the casing patterns the restorer keeps, and the split of a token into edge punctuation and core.

use std::collections::HashMap;
use std::sync::OnceLock;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Vowel modifier of a letter.
pub const MOD_NONE: u8 = 0;
/// Breve: ă.
pub const MOD_BREVE: u8 = 1;
/// Circumflex: â ê ô.
pub const MOD_CIRC: u8 = 2;
/// Horn: ơ ư.
pub const MOD_HORN: u8 = 3;
/// Stroke: đ.
pub const MOD_STROKE: u8 = 4;

/// A Vietnamese letter taken apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Letter {
    /// Lowercase ASCII base letter.
    pub base: char,
    /// One of the `MOD_*` values.
    pub modi: u8,
    /// Tone: 0 none, 1 huyền, 2 sắc, 3 hỏi, 4 ngã, 5 nặng.
    pub tone: u8,
    /// True for a capital letter.
    pub upper: bool,
}

struct Tables {
    parts: HashMap<char, Letter>,
    /// `parts` as a dense table over the code points below [`DENSE_END`] (the hot lookup).
    dense: Vec<Option<Letter>>,
    compose: HashMap<(char, u8, u8), char>,
}

/// Every Vietnamese letter lies below this code point (Latin Extended Additional ends at U+1EFF).
const DENSE_END: u32 = 0x1F00;

const TONE_MARKS: [Option<char>; 6] = [
    None,
    Some('\u{300}'),
    Some('\u{301}'),
    Some('\u{309}'),
    Some('\u{303}'),
    Some('\u{323}'),
];

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let mut parts = HashMap::new();
        let mut compose = HashMap::new();
        type Family = (char, &'static [(u8, Option<char>)]);
        let families: [Family; 6] = [
            (
                'a',
                &[
                    (MOD_NONE, None),
                    (MOD_BREVE, Some('\u{306}')),
                    (MOD_CIRC, Some('\u{302}')),
                ],
            ),
            ('e', &[(MOD_NONE, None), (MOD_CIRC, Some('\u{302}'))]),
            ('i', &[(MOD_NONE, None)]),
            (
                'o',
                &[
                    (MOD_NONE, None),
                    (MOD_CIRC, Some('\u{302}')),
                    (MOD_HORN, Some('\u{31b}')),
                ],
            ),
            ('u', &[(MOD_NONE, None), (MOD_HORN, Some('\u{31b}'))]),
            ('y', &[(MOD_NONE, None)]),
        ];
        for (base, mods) in families {
            for &(modi, mark) in mods {
                for (tone, tmark) in TONE_MARKS.iter().enumerate() {
                    for upper in [false, true] {
                        let mut s = String::new();
                        s.push(if upper {
                            base.to_ascii_uppercase()
                        } else {
                            base
                        });
                        s.extend(mark);
                        s.extend(*tmark);
                        let c: String = s.nfc().collect();
                        let mut it = c.chars();
                        if let (Some(ch), None) = (it.next(), it.next()) {
                            let l = Letter {
                                base,
                                modi,
                                tone: tone as u8,
                                upper,
                            };
                            parts.insert(ch, l);
                            compose.insert(
                                (
                                    if upper {
                                        base.to_ascii_uppercase()
                                    } else {
                                        base
                                    },
                                    modi,
                                    tone as u8,
                                ),
                                ch,
                            );
                        }
                    }
                }
            }
        }
        for (ch, upper) in [('đ', false), ('Đ', true)] {
            parts.insert(
                ch,
                Letter {
                    base: 'd',
                    modi: MOD_STROKE,
                    tone: 0,
                    upper,
                },
            );
        }
        compose.insert(('d', MOD_STROKE, 0), 'đ');
        compose.insert(('D', MOD_STROKE, 0), 'Đ');
        let mut dense = vec![None; DENSE_END as usize];
        for c in 'a'..='z' {
            for (ch, upper) in [(c, false), (c.to_ascii_uppercase(), true)] {
                parts.entry(ch).or_insert(Letter {
                    base: c,
                    modi: 0,
                    tone: 0,
                    upper,
                });
                compose
                    .entry((if upper { c.to_ascii_uppercase() } else { c }, 0, 0))
                    .or_insert(ch);
            }
        }
        for (&c, &l) in &parts {
            if let Some(slot) = dense.get_mut(c as usize) {
                *slot = Some(l);
            }
        }
        Tables {
            parts,
            dense,
            compose,
        }
    })
}

/// Takes a letter apart; `None` for anything that is not a Latin or Vietnamese letter.
#[inline]
pub fn letter(c: char) -> Option<Letter> {
    let t = tables();
    match t.dense.get(c as usize) {
        Some(l) => *l,
        None => t.parts.get(&c).copied(),
    }
}

/// Builds a letter from its parts; `None` when Vietnamese has no such letter.
pub fn compose(base: char, modi: u8, tone: u8, upper: bool) -> Option<char> {
    let b = if upper {
        base.to_ascii_uppercase()
    } else {
        base
    };
    tables().compose.get(&(b, modi, tone)).copied()
}

/// True when the string holds a tone or a vowel modifier anywhere.
pub fn has_marks(s: &str) -> bool {
    s.chars()
        .any(|c| letter(c).is_some_and(|l| l.modi != 0 || l.tone != 0))
}

/// The skeleton of a word: lowercased, marks removed, `đ` → `d`; other characters kept lowercased.
pub fn skeleton(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match letter(c) {
            Some(l) => out.push(l.base),
            None => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// [`skeleton`] written into `out` (emptied first); returns it.
pub fn skeleton_into<'a>(s: &str, out: &'a mut String) -> &'a str {
    out.clear();
    for c in s.chars() {
        match letter(c) {
            Some(l) => out.push(l.base),
            None => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Removes every mark and keeps the case (`Người` → `Nguoi`, `Đ` → `D`); other characters stay.
pub fn strip_marks(s: &str) -> String {
    s.chars()
        .map(|c| match letter(c) {
            Some(l) => compose(l.base, 0, 0, l.upper).unwrap_or(c),
            None => c,
        })
        .collect()
}

/// Lowercases a word and keeps its vowel modifiers but drops the tones (`Người` → `người` → `ngươi`).
pub fn toneless(s: &str) -> String {
    s.chars()
        .map(|c| match letter(c) {
            Some(l) => compose(l.base, l.modi, 0, false).unwrap_or(c),
            None => c,
        })
        .collect()
}

/// NFC plus new tone placement (`hoà` → `hòa`, `thuỷ` → `thủy`, but `quý` and `hoàn` stay).
pub fn normalize_word(s: &str) -> String {
    if s.is_ascii() {
        // nothing to compose, no tone to move
        return s.to_string();
    }
    if is_nfc_quick(s.chars()) == IsNormalized::Yes && !moves_tone(s) {
        return s.to_string();
    }
    let s: String = s.nfc().collect();
    new_tone_placement(&s)
}

/// True when [`new_tone_placement`] would change `s` (a final `oa`, `oe`, `uy` with the tone on
/// its second vowel); cheap, allocates nothing.
fn moves_tone(s: &str) -> bool {
    let mut prev: [Option<Letter>; 2] = [None, None];
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        let l = letter(c);
        let run_ends = l.is_some() && it.peek().map_or(true, |&n| letter(n).is_none());
        if let (true, Some(lb), Some(la)) = (run_ends, l, prev[1]) {
            let pair_ok = matches!(
                (la.base, la.modi, lb.base, lb.modi),
                ('o', MOD_NONE, 'a', MOD_NONE)
                    | ('o', MOD_NONE, 'e', MOD_NONE)
                    | ('u', MOD_NONE, 'y', MOD_NONE)
            );
            let after_q = la.base == 'u' && prev[0].is_some_and(|l| l.base == 'q');
            if pair_ok && la.tone == 0 && lb.tone != 0 && !after_q {
                return true;
            }
        }
        prev = if l.is_some() {
            [prev[1], l]
        } else {
            [None, None]
        };
    }
    false
}

/// True for a letter of any script (`char::is_alphabetic`), with the Latin and Vietnamese
/// letters answered from the letter table instead of the Unicode tables.
#[inline]
pub fn is_alpha(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        letter(c).is_some() || c.is_alphabetic()
    }
}

/// Moves a tone from the last vowel of a final `oa`, `oe`, `uy` onto the first one, as the new
/// placement writes it. Works on NFC text; letters after the pair (or a `q` before `u`) leave it alone.
pub fn new_tone_placement(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = chars.clone();
    let mut i = 0;
    while i < chars.len() {
        // find the end of the run of letters starting at i
        let start = i;
        while i < chars.len() && letter(chars[i]).is_some() {
            i += 1;
        }
        let end = i;
        if end >= start + 2 {
            let (a, b) = (chars[end - 2], chars[end - 1]);
            if let (Some(la), Some(lb)) = (letter(a), letter(b)) {
                let pair_ok = matches!(
                    (la.base, la.modi, lb.base, lb.modi),
                    ('o', MOD_NONE, 'a', MOD_NONE)
                        | ('o', MOD_NONE, 'e', MOD_NONE)
                        | ('u', MOD_NONE, 'y', MOD_NONE)
                );
                let after_q = la.base == 'u'
                    && end >= start + 3
                    && letter(chars[end - 3]).is_some_and(|l| l.base == 'q');
                if pair_ok && la.tone == 0 && lb.tone != 0 && !after_q {
                    if let (Some(na), Some(nb)) = (
                        compose(la.base, la.modi, lb.tone, la.upper),
                        compose(lb.base, lb.modi, 0, lb.upper),
                    ) {
                        out[end - 2] = na;
                        out[end - 1] = nb;
                    }
                }
            }
        }
        if i == start {
            i += 1;
        }
    }
    out.into_iter().collect()
}

/// Casing pattern of a word, kept from the input onto its restored form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// all lowercase (or no letters).
    Lower,
    /// First letter capital, the rest not all capitals.
    Title,
    /// Two or more letters, all capitals.
    Upper,
}

/// The casing pattern of a raw token core.
pub fn case_of(s: &str) -> Case {
    let mut letters = 0;
    let mut uppers = 0;
    let mut first_upper = None;
    for c in s.chars() {
        let up = if c.is_ascii() {
            if !c.is_ascii_alphabetic() {
                continue;
            }
            c.is_ascii_uppercase()
        } else if let Some(l) = letter(c) {
            l.upper
        } else if c.is_alphabetic() {
            c.is_uppercase()
        } else {
            continue;
        };
        letters += 1;
        uppers += usize::from(up);
        first_upper.get_or_insert(up);
    }
    if letters >= 2 && uppers == letters {
        Case::Upper
    } else if first_upper == Some(true) {
        Case::Title
    } else {
        Case::Lower
    }
}

/// Applies a casing pattern to a lowercase word.
pub fn apply_case(s: &str, case: Case) -> String {
    match case {
        Case::Lower => s.to_string(),
        Case::Upper => s.to_uppercase(),
        Case::Title => {
            let mut it = s.chars();
            match it.next() {
                Some(f) => f.to_uppercase().chain(it).collect(),
                None => String::new(),
            }
        }
    }
}

/// [`apply_case`] appended to `out`.
pub fn push_cased(out: &mut String, s: &str, case: Case) {
    match case {
        Case::Lower => out.push_str(s),
        Case::Upper => out.extend(s.chars().flat_map(char::to_uppercase)),
        Case::Title => {
            let mut it = s.chars();
            if let Some(f) = it.next() {
                out.extend(f.to_uppercase());
                out.push_str(it.as_str());
            }
        }
    }
}

/// Edge punctuation stripped by the metric and kept around the restored core.
pub fn is_edge_punct(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '('
            | ')'
            | '['
            | ']'
            | '"'
            | '\''
            | '“'
            | '”'
            | '‘'
            | '’'
            | '…'
            | '-'
            | '–'
            | '—'
            | '/'
    )
}

/// Characters kept around a token's core: the metric's edge punctuation plus footnote marks.
fn is_edge(c: char) -> bool {
    is_edge_punct(c)
        || matches!(
            c,
            '¹' | '²' | '³' | '⁴' | '⁵' | '⁶' | '⁷' | '⁸' | '⁹' | '⁰' | '*'
        )
}

/// Splits a token into leading punctuation, core, trailing punctuation (byte ranges of `tok`).
pub fn split_edges(tok: &str) -> (&str, &str, &str) {
    let core_start = tok
        .char_indices()
        .find(|&(_, c)| !is_edge(c))
        .map_or(tok.len(), |(i, _)| i);
    let rest = &tok[core_start..];
    let core_len = rest
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_edge(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    (&tok[..core_start], &rest[..core_len], &rest[core_len..])
}

const ONSETS: [&str; 27] = [
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d", "g", "h",
    "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
];
const CODAS: [&str; 12] = [
    "ch", "ng", "nh", "c", "m", "n", "p", "t", "i", "y", "o", "u",
];

/// True when a lowercase NFC word has the shape of a Vietnamese syllable: an onset, one to three
/// vowels, an optional coda, at most one tone, and marks only where Vietnamese puts them.
pub fn is_syllable_shape(s: &str) -> bool {
    let mut tones = 0;
    let mut sk = String::with_capacity(s.len());
    for c in s.chars() {
        let Some(l) = letter(c) else { return false };
        if l.upper || matches!(l.base, 'f' | 'j' | 'w' | 'z') {
            return false;
        }
        tones += usize::from(l.tone != 0);
        sk.push(if l.modi == MOD_STROKE { 'đ' } else { l.base });
    }
    if tones > 1 || sk.is_empty() {
        return false;
    }
    let sk = sk.replace('đ', "d");
    // Stroke must start the word.
    if s.chars().skip(1).any(|c| c == 'đ') {
        return false;
    }
    let Some(onset) = ONSETS.iter().find(|o| sk.starts_with(**o)) else {
        return false;
    };
    let mut rest = &sk[onset.len()..];
    if rest.is_empty() {
        // "gi" alone is a syllable (gì)
        return *onset == "gi";
    }
    for coda in CODAS {
        if let Some(r) = rest.strip_suffix(coda) {
            if !r.is_empty() && r.chars().all(is_vowel) {
                rest = r;
                break;
            }
        }
    }
    !rest.is_empty() && rest.len() <= 3 && rest.chars().all(is_vowel)
}

/// True for a vowel letter, marked or not, either case.
pub fn is_vowel_letter(c: char) -> bool {
    letter(c).is_some_and(|l| matches!(l.base, 'a' | 'e' | 'i' | 'o' | 'u' | 'y'))
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn letters_decompose_and_compose() {
        let l = letter('ộ').unwrap();
        assert_eq!((l.base, l.modi, l.tone, l.upper), ('o', MOD_CIRC, 5, false));
        assert_eq!(compose('o', MOD_CIRC, 5, true), Some('Ộ'));
        assert_eq!(letter('Đ').unwrap().modi, MOD_STROKE);
        assert!(letter('6').is_none());
    }

    #[test]
    fn skeleton_and_toneless() {
        assert_eq!(skeleton("Người"), "nguoi");
        assert_eq!(skeleton("ĐỘC"), "doc");
        assert_eq!(toneless("Người"), "ngươi");
    }

    #[test]
    fn tone_placement_moves_only_at_end() {
        assert_eq!(normalize_word("hoà"), "hòa");
        assert_eq!(normalize_word("thuỷ"), "thủy");
        assert_eq!(normalize_word("Uỷ"), "Ủy");
        assert_eq!(normalize_word("HOÀ"), "HÒA");
        assert_eq!(normalize_word("quý"), "quý");
        assert_eq!(normalize_word("hoàn"), "hoàn");
        // NFD input
        assert_eq!(normalize_word("hoa\u{300}"), "hòa");
    }

    #[test]
    fn casing_round_trip() {
        assert_eq!(case_of("KE"), Case::Upper);
        assert_eq!(case_of("S&"), Case::Title);
        assert_eq!(case_of("s6"), Case::Lower);
        assert_eq!(apply_case("kế", Case::Upper), "KẾ");
        assert_eq!(apply_case("ủy", Case::Title), "Ủy");
    }

    #[test]
    fn edges_split() {
        assert_eq!(split_edges("(Sipas);"), ("(", "Sipas", ");"));
        assert_eq!(split_edges("52/KH-SNgV"), ("", "52/KH-SNgV", ""));
        assert_eq!(split_edges("-"), ("-", "", ""));
    }

    #[test]
    fn syllable_shapes() {
        for s in ["người", "nghiêng", "gì", "khuya", "quý", "đường", "a", "ủy"] {
            assert!(is_syllable_shape(s), "{s}");
        }
        for s in ["new", "real", "hành̀", "xyz", "strong"] {
            assert!(!is_syllable_shape(s), "{s}");
        }
    }

    /// Vietnamese letters (both tone placements, composed and decomposed), a few other
    /// characters, and anything at all.
    fn word() -> impl Strategy<Value = String> {
        prop_oneof![
            proptest::collection::vec(
                proptest::sample::select(vec![
                    "o", "a", "e", "u", "y", "q", "h", "t", "à", "á", "ả", "ã", "ạ", "ỳ", "ý", "ỷ",
                    "ỹ", "ỵ", "è", "é", "ẻ", "ẽ", "ẹ", "ò", "ó", "ơ", "ư", "đ", "Ó", "À", "Ý",
                    "a\u{300}", "y\u{301}", "e\u{323}", "-", " ", "1", "\u{303}",
                ]),
                0..8
            )
            .prop_map(|v| v.concat()),
            "\\PC{0,8}",
        ]
    }

    proptest! {
        #[test]
        fn normalize_word_fast_path_is_exact(s in word()) {
            let slow = new_tone_placement(&s.nfc().collect::<String>());
            prop_assert_eq!(normalize_word(&s), slow);
        }

        #[test]
        fn is_alpha_and_case_agree_with_unicode(s in word()) {
            for c in s.chars() {
                prop_assert_eq!(is_alpha(c), c.is_alphabetic());
            }
            let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
            let uppers = letters.iter().filter(|c| c.is_uppercase()).count();
            let want = if letters.len() >= 2 && uppers == letters.len() {
                Case::Upper
            } else if letters.first().is_some_and(|c| c.is_uppercase()) {
                Case::Title
            } else {
                Case::Lower
            };
            prop_assert_eq!(case_of(&s), want);
        }
    }
}
