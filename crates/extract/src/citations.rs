//! Cited numbers OCR read weakly, settled against the numbers and symbols the corpora cite
//! (`dictionaries/data/citations.tsv`, counted by `dictionaries/citations.py`): a sequence digit
//! misread for a look-alike (`43/2014/QH13`, never cited, for `48/2014/QH13`, cited 59 times) and
//! a last symbol part that lost its lowercase letter (`131/CĐ-TT`, never cited, for `CĐ-TTg`). A
//! reading is changed only when OCR was unsure of it, the corpora never cite it, and exactly one
//! look-alike is cited, and often.

use std::collections::HashMap;
use std::sync::LazyLock;

/// `kind⇥key⇥count` rows: kind `n` a whole number with a year, `s` a whole symbol.
const DATA: &str = include_str!("../../../dictionaries/data/citations.tsv");

/// A number read with a word confidence below this may hold a misread digit.
pub(crate) const WEAK_DIGIT: f32 = 0.5;

/// A symbol read with a word confidence below this may have lost a letter.
pub(crate) const WEAK_LETTER: f32 = 0.8;

/// The look-alike must have been cited at least this often to replace a reading.
const MIN_COUNT: u32 = 20;

/// Digits OCR takes for one another.
const DIGIT_PAIRS: &[(u8, u8)] = &[
    (b'3', b'8'),
    (b'3', b'2'),
    (b'3', b'5'),
    (b'5', b'6'),
    (b'6', b'8'),
    (b'8', b'9'),
    (b'0', b'8'),
    (b'0', b'6'),
    (b'0', b'9'),
    (b'1', b'7'),
    (b'1', b'4'),
];

/// The table: (numbers, symbols), each key → count.
type Tables = (HashMap<&'static str, u32>, HashMap<&'static str, u32>);

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let mut numbers = HashMap::new();
    let mut symbols = HashMap::new();
    for l in DATA.lines() {
        let mut it = l.split('\t');
        let (Some(kind), Some(key), Some(count)) = (it.next(), it.next(), it.next()) else {
            continue;
        };
        let Ok(count) = count.trim().parse::<u32>() else {
            continue;
        };
        match kind {
            "n" => numbers.insert(key, count),
            "s" => symbols.insert(key, count),
            _ => None,
        };
    }
    (numbers, symbols)
});

/// How often the corpora cite a whole number (`35/2018/QH14`).
fn number_count(n: &str) -> u32 {
    TABLES.0.get(n).copied().unwrap_or(0)
}

/// How often the corpora cite a whole symbol (`CĐ-TTg`).
fn symbol_count(s: &str) -> u32 {
    TABLES.1.get(s).copied().unwrap_or(0)
}

/// A cited number settled against the corpora (see the module); `weakest` is the lowest word
/// confidence among the words it was read from.
pub(crate) fn settle(number: &str, weakest: f32) -> String {
    if weakest < WEAK_DIGIT {
        if let Some(n) = digit_look_alike(number) {
            return n;
        }
    }
    if weakest < WEAK_LETTER {
        if let Some(n) = lost_letter(number).or_else(|| stray_letter(number)) {
            return n;
        }
    }
    number.to_string()
}

/// A symbol never cited that holds one stray letter OCR added, an `I`, `l` or `i` before a digit
/// (a stroke read as a letter: `35/2018/QHI14`), without which it is the one symbol, or makes the
/// one whole number, cited often (`35/2018/QH14`). A Tờ trình's `252/TTr-BNV` keeps its `r`,
/// though `TT-BNV` (a Thông tư of the same ministry) is cited often.
fn stray_letter(number: &str) -> Option<String> {
    let at = symbol_start(number)?;
    let symbol = &number[at..];
    if symbol_count(symbol) > 0 || number_count(number) > 0 {
        return None;
    }
    let chars: Vec<(usize, char)> = symbol.char_indices().collect();
    let mut found: Option<String> = None;
    for (k, &(i, c)) in chars.iter().enumerate() {
        let before_digit = chars.get(k + 1).is_some_and(|&(_, d)| d.is_ascii_digit());
        // (a lowercase letter is no stray one: `TTr`, `TTg`, `CTr` hold theirs)
        if !(matches!(c, 'I' | 'l' | 'i') && before_digit) {
            continue;
        }
        let without = format!("{}{}", &symbol[..i], &symbol[i + c.len_utf8()..]);
        // the symbol cited often, or the whole number (`QH14` is no symbol of its own)
        let often = symbol_count(&without) >= MIN_COUNT
            || number_count(&format!("{}{without}", &number[..at])) >= MIN_COUNT;
        if often && found.as_deref() != Some(without.as_str()) {
            if found.is_some() {
                return None;
            }
            found = Some(without);
        }
    }
    found.map(|k| format!("{}{k}", &number[..at]))
}

/// Where a cited number's symbol starts: after the sequence number and the year.
fn symbol_start(number: &str) -> Option<usize> {
    let mut at = 0;
    for p in number.split('/') {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            break;
        }
        at += p.len() + 1;
    }
    (at > 0 && at < number.len()).then_some(at)
}

/// `seq/yyyy/SYMBOL` never cited, with exactly one number that differs in one look-alike digit
/// of its sequence number cited at all, and that one often.
fn digit_look_alike(number: &str) -> Option<String> {
    let (seq, rest) = number.split_once('/')?;
    let (year, symbol) = rest.split_once('/')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(seq) || year.len() != 4 || !digits(year) || symbol.is_empty() {
        return None;
    }
    if number_count(number) > 0 {
        return None;
    }
    let mut cited: Vec<(String, u32)> = Vec::new();
    for (i, b) in seq.bytes().enumerate() {
        for &(x, y) in DIGIT_PAIRS {
            let to = if b == x {
                y
            } else if b == y {
                x
            } else {
                continue;
            };
            // a sequence number has no leading zero it did not have
            if i == 0 && to == b'0' && seq.len() > 1 && b != b'0' {
                continue;
            }
            let mut s = seq.as_bytes().to_vec();
            s[i] = to;
            let n = format!("{}/{rest}", String::from_utf8(s).ok()?);
            let c = number_count(&n);
            if c > 0 && !cited.iter().any(|(o, _)| *o == n) {
                cited.push((n, c));
            }
        }
    }
    match cited.as_slice() {
        [(n, c)] if *c >= MIN_COUNT => Some(n.clone()),
        _ => None,
    }
}

/// A symbol never cited whose last part, with one lowercase letter added, makes the one symbol
/// cited often (`131/CĐ-TT` → `131/CĐ-TTg`).
fn lost_letter(number: &str) -> Option<String> {
    let at = symbol_start(number)?;
    let symbol = &number[at..];
    if !symbol.contains('-') || symbol_count(symbol) > 0 {
        return None;
    }
    let mut found: Option<&'static str> = None;
    for (&known, &count) in TABLES.1.iter() {
        if count < MIN_COUNT || known.len() <= symbol.len() || !known.starts_with(symbol) {
            continue;
        }
        let mut extra = known[symbol.len()..].chars();
        if extra.next().is_some_and(char::is_lowercase) && extra.next().is_none() {
            if found.is_some() {
                return None;
            }
            found = Some(known);
        }
    }
    found.map(|k| format!("{}{k}", &number[..at]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weak_digit_never_cited_takes_its_one_cited_look_alike() {
        assert_eq!(settle("43/2014/QH13", 0.17), "48/2014/QH13");
        // read surely, or cited itself, or with two cited look-alikes: kept
        assert_eq!(settle("43/2014/QH13", 0.9), "43/2014/QH13");
        assert_eq!(settle("33/2018/QH14", 0.1), "33/2018/QH14");
        assert_eq!(settle("35/2018/QH14", 0.1), "35/2018/QH14");
        // a number the corpora never cite, with no cited look-alike, stays as read
        assert_eq!(settle("51/2025/TT-BCA", 0.1), "51/2025/TT-BCA");
    }

    #[test]
    fn a_weak_symbol_with_a_stray_letter_loses_it() {
        assert_eq!(settle("35/2018/QHI14", 0.5), "35/2018/QH14");
        // read surely, or a symbol the corpora cite: kept
        assert_eq!(settle("35/2018/QHI14", 0.95), "35/2018/QHI14");
        assert_eq!(settle("12/2020/QH14", 0.5), "12/2020/QH14");
        // a capital that is no stroke before a digit is no stray letter, nor a lowercase letter
        // of an abbreviation
        assert_eq!(settle("7/UBND-VPX", 0.5), "7/UBND-VPX");
        assert_eq!(settle("252/TTr-BNV", 0.5), "252/TTr-BNV");
    }

    #[test]
    fn a_weak_symbol_that_lost_its_lowercase_letter_gets_it_back() {
        assert_eq!(settle("131/CĐ-TT", 0.72), "131/CĐ-TTg");
        assert_eq!(settle("131/CĐ-TT", 0.95), "131/CĐ-TT");
        // cited as they are
        for n in ["92/TTr-UBND", "16/CT-TTg", "5633/VPCP-KSTT", "212-TB/TU"] {
            assert_eq!(settle(n, 0.1), n);
        }
    }
}
