//! Cited document numbers that OCR damaged, put right against the symbol parts the corpora cite
//! (`dictionaries/data/symbols.tsv`, counted by `dictionaries/symbols.py`): a slash lost between the
//! year and the symbol (`23/2004QHI1`), a digit read as a letter or the reverse in a part (`QHI1` for
//! `QH11`, `NÐ` for `NĐ`), a stray lowercase letter (`TTeg` for `TTg`). A part is changed only when
//! it is not itself a known part and exactly one known part explains it.

use std::collections::HashMap;
use std::sync::LazyLock;

/// `part⇥count` rows, most frequent first.
const DATA: &str = include_str!("../../../dictionaries/data/symbols.tsv");

/// A known part must have been cited at least this often to be the repair of another.
const REPAIR_MIN_COUNT: u32 = 20;

static PARTS: LazyLock<HashMap<&'static str, u32>> = LazyLock::new(|| {
    DATA.lines()
        .filter_map(|l| {
            let (p, c) = l.split_once('\t')?;
            Some((p, c.trim().parse().ok()?))
        })
        .collect()
});

/// Characters OCR takes for one another in symbols: digits and the letters they look like.
fn confusable(a: char, b: char) -> bool {
    const GROUPS: &[&[char]] = &[
        &['1', 'I', 'l', '|', '!', 'i'],
        &['0', 'O', 'o', 'Q'],
        &['5', 'S'],
        &['8', 'B'],
        &['2', 'Z'],
        &['6', 'G'],
    ];
    a == b || GROUPS.iter().any(|g| g.contains(&a) && g.contains(&b))
}

/// The one frequent known part that a damaged part stands for, if exactly one does.
fn repair_part(part: &str) -> Option<&'static str> {
    if part.len() < 2 || PARTS.contains_key(part) || part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let chars: Vec<char> = part.chars().collect();
    let mut found: Option<&'static str> = None;
    for (&known, &count) in PARTS.iter() {
        if count < REPAIR_MIN_COUNT {
            continue;
        }
        let k: Vec<char> = known.chars().collect();
        let same_shape = k.len() == chars.len()
            && k.iter().zip(&chars).all(|(&a, &b)| confusable(a, b))
            // at least one letter stays a letter: `11` is not `II`
            && k.iter().zip(&chars).any(|(&a, &b)| a == b && a.is_alphabetic());
        // one stray lowercase letter or mark beside the lowercase letter of a mixed part
        // (`TTeg` for `TTg`); a local part with a lowercase letter of its own (`SNgV`) stays
        let stray = k.len() + 1 == chars.len()
            && k.iter().any(|c| c.is_lowercase())
            && (0..chars.len()).any(|i| {
                // a lowercase letter or mark, or a capital right before the lowercase letter
                // (`TTEg`)
                let beside_lower = chars.get(i + 1).is_some_and(|c| c.is_lowercase());
                (!chars[i].is_uppercase() || beside_lower)
                    && !chars[i].is_ascii_digit()
                    && chars[..i] == k[..i]
                    && chars[i + 1..] == k[i..]
            });
        if same_shape || stray {
            if found.is_some_and(|f| f != known) {
                return None;
            }
            found = Some(known);
        }
    }
    found.or_else(|| one_letter_off(&chars))
}

/// A known part must have been cited at least this often to stand for an unknown part of capitals
/// that differs from it in one letter that no shape explains (`NĐND` for `HĐND`).
const ONE_OFF_MIN_COUNT: u32 = 100;

/// The one very frequent part of four letters or more, all capitals, that `chars` differs from in
/// exactly one letter.
fn one_letter_off(chars: &[char]) -> Option<&'static str> {
    if chars.len() < 4 || !chars.iter().all(|c| c.is_uppercase()) {
        return None;
    }
    let mut found: Option<&'static str> = None;
    for (&known, &count) in PARTS.iter() {
        if count < ONE_OFF_MIN_COUNT || known.chars().count() != chars.len() {
            continue;
        }
        if known.chars().zip(chars).filter(|(a, b)| a != *b).count() == 1 {
            if found.is_some() {
                return None;
            }
            found = Some(known);
        }
    }
    found
}

/// True when the corpora cite `part` as a part of a symbol.
pub(crate) fn known_part(part: &str) -> bool {
    PARTS.contains_key(part)
}

/// A cited number with its symbol put right where OCR damaged it (see the module).
pub(crate) fn repair_number(number: &str) -> String {
    // `23/2004QH11`: the slash between the year and the symbol lost
    // `Ð` (the Icelandic eth) is OCR's `Đ`
    let mut s = number.replace('Ð', "Đ");
    let b = s.as_bytes();
    let seq = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if seq > 0
        && b.get(seq) == Some(&b'/')
        && b.len() > seq + 5
        && b[seq + 1..seq + 5].iter().all(u8::is_ascii_digit)
        && s[seq + 5..].starts_with(char::is_alphabetic)
    {
        s.insert(seq + 5, '/');
    }
    let mut out = String::with_capacity(s.len());
    let mut start = 0;
    for (i, c) in s.char_indices().chain(std::iter::once((s.len(), '/'))) {
        if c == '/' || c == '-' {
            let part = &s[start..i];
            let fixed = part
                .starts_with(|c: char| c.is_alphabetic())
                .then(|| repair_part(part))
                .flatten();
            out.push_str(fixed.unwrap_or(part));
            if i < s.len() {
                out.push(c);
            }
            start = i + c.len_utf8();
        }
    }
    out
}

/// True when a symbol holds a part that is one letter away from a frequent known part with a
/// lowercase letter, and is not known itself (`TTs` beside `TTg`): OCR damage that no confusion
/// of shapes explains, so nothing says which part was printed. A local code of its own (`SNgV`)
/// is not near a frequent one and stays.
pub(crate) fn doubtful(symbol: &str) -> bool {
    symbol.split(['/', '-']).any(|part| {
        if PARTS.contains_key(part) || !part.chars().any(char::is_lowercase) {
            return false;
        }
        let p: Vec<char> = part.chars().collect();
        PARTS.iter().any(|(&known, &count)| {
            let k: Vec<char> = known.chars().collect();
            count >= REPAIR_MIN_COUNT
                && k.len() == p.len()
                && k.iter().any(|c| c.is_lowercase())
                && k.iter().zip(&p).filter(|(a, b)| a != b).count() == 1
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damaged_symbols_are_put_right() {
        assert_eq!(repair_number("23/2004QHI1"), "23/2004/QH11");
        assert_eq!(repair_number("131/CĐ-TTeg"), "131/CĐ-TTg");
        assert_eq!(repair_number("131/CĐ-TTEg"), "131/CĐ-TTg");
        assert_eq!(repair_number("81/2019/NÐ-CP"), "81/2019/NĐ-CP");
        // one letter off a very frequent part of four letters or more
        assert_eq!(repair_number("10/TTr-NĐND"), "10/TTr-HĐND");
    }

    #[test]
    fn a_symbol_part_damaged_beyond_repair_is_doubtful() {
        assert!(doubtful("QĐ-TTs"));
        for ok in ["QĐ-TTg", "KH-SNgV", "UBND-KTTH", "2026/TT-BCA", "TTr-NHNN"] {
            assert!(!doubtful(ok), "{ok}");
        }
    }

    #[test]
    fn right_and_unknown_symbols_are_kept() {
        for n in [
            "5633/VPCP-KSTT",
            "1060/BTC-QLGCS",
            "72/2024/QĐ-UBND",
            "212-TB/TU",
            "52/TTr-NHNN",
            "86/KH-STTTT",
            "12/2024/TT-BTC",
        ] {
            assert_eq!(repair_number(n), n);
        }
    }
}
