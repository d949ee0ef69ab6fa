//! The documents a body cites (`metadata.references`): `<type> số <number> ngày <date>`, a bare
//! `số <number>` after a named type, and laws cited by name and date. The body is read as one
//! text from its first line to `Nơi nhận` (or the next document's national motto), appendix
//! captions (`Kèm theo …`) left out; each cited number's symbol is put right where OCR damaged it
//! ([`crate::symbols`]).

use std::sync::LazyLock;

use regex::Regex;
use vanban_doc::Reference;

use crate::citations::settle;
use crate::lines::TLine;
use crate::meta::{date_in, iso, snap_symbol, KEM_THEO, NATIONAL, NOI_NHAN, TYPES, TYPE_ABBR};

macro_rules! re {
    ($name:ident, $pat:expr) => {
        static $name: LazyLock<Regex> =
            LazyLock::new(|| Regex::new($pat).expect("built-in pattern compiles"));
    };
}

// All patterns run on folded text.
re!(DMY, r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})");

re!(
    LAW,
    r"\b(bo luat|luat|phap lenh|hien phap)\s+([^;:()]{3,100}?)\s+ngay\s+(\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}|\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4})"
);

// `số 1187/BTC-ĐT ngày 24/01/2025`, `số 212-TB/TU` (a party document's number), `số 97/2015/QH13`
// (a year, then a one-part symbol; the slash after the year may be lost) on folded text.
re!(
    SO_NUMBER,
    r"\bs[o0]\s*:?\s+(\d{1,5}(?:/\d{4}/?[a-zđ][a-zđ0-9.]*(?:[-/][a-zđ0-9.]+)*|[/-][a-zđ][a-zđ0-9.]*(?:[-/][a-zđ0-9.]+)+))(?:\s+ngay\s+(\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}|\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4}))?"
);

// `Công văn số 85/VP-TTHC ngày …`; a speck read as a lone digit before the number (`số 2
// 85/VP-TTHC`) is skipped.
static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    let mut types: Vec<&str> = TYPES.iter().map(|t| t.0).collect();
    types.sort_by_key(|t| std::cmp::Reverse(t.len()));
    let pat = format!(
        r"\b({})\s+(?:s\S?\s*[:.]?\s+)?(?:\d\s+)?(\d{{1,5}}[a-z]?\s*(?:/\s*\d{{4}})?\s*/\s*[a-z0-9đ][a-z0-9đ.\-/&]*)(?:[\s,;]*(?:cua\s+[^;:]{{0,80}}?\s+)?(?:ngay|ban hanh ngay)\s+(\d{{1,2}}\s*[/.\-]\s*\d{{1,2}}\s*[/.\-]\s*\d{{4}}|\d{{1,2}}\s+thang\s+\d{{1,2}}\s+nam\s+\d{{4}}))?",
        types.join("|")
    );
    Regex::new(&pat).expect("built-in pattern compiles")
});

/// True for a number whose symbol is a type's abbreviation alone (`10/TTr`, `15/CT`): Decree 30
/// symbols join the issuer's abbreviation to the type's (`10/TTr-HĐND`), so its end was lost.
/// A symbol of the issuer alone (`123/UBND`, a letter's) is whole.
fn type_only_symbol(number: &str) -> bool {
    let Some((_, symbol)) = number.split_once('/') else {
        return false;
    };
    !symbol.contains(['/', '-'])
        && TYPE_ABBR
            .iter()
            .any(|(_, a)| a.to_lowercase() == symbol.to_lowercase())
}

/// Every other document cited in the body and appendices: `<type> số <number> ngày <date>`.
pub(crate) fn references(lines: &[TLine], body_start: usize, own: Option<&str>) -> Vec<Reference> {
    // One text for the whole body, so that citations wrapped over lines are found; appendix
    // captions (`Kèm theo ...`) cite the document itself and are left out.
    let mut text = String::new();
    // the OCR confidence of the word each byte of `text` was read from
    let mut conf: Vec<f32> = Vec::new();
    let first_page = lines.get(body_start).map(|l| l.page);
    for l in lines.iter().skip(body_start.min(lines.len())) {
        // the document ends at `Nơi nhận`: a plan or appendix issued with it (`Kèm theo Quyết
        // định …`) is a document of its own, whose citations are not this one's
        if NOI_NHAN.is_match(&l.fold.s) {
            break;
        }
        // … and where `Nơi nhận` was not read, at the national motto of the next document's header
        if NATIONAL.is_match(&l.fold.s) && first_page.is_some_and(|p| l.page > p) {
            break;
        }
        let f = l.fold.s.trim_start_matches(['(', ' ']);
        if KEM_THEO.find(f).is_some_and(|m| m.start() == 0) || l.is_blank() {
            continue;
        }
        // A number cut at the line's end (`131/CĐ-` / `TTg`) runs on without a space.
        if !text.is_empty() && !text.ends_with(['-', '/']) {
            text.push(' ');
            conf.push(1.0);
        }
        push_line(&mut text, &mut conf, l);
    }
    // A symbol that OCR broke at its hyphen (`10/TTr- -HĐND`, `12/QĐ- UBND`) is one again.
    static BROKEN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(\d+/\S*-)\s+-?(\p{Lu})").expect("built-in pattern compiles")
    });
    let (text, conf) = {
        let (mut t, mut c, mut last) = (String::new(), Vec::new(), 0);
        for m in BROKEN.captures_iter(&text) {
            let (Some(a), Some(b)) = (m.get(1), m.get(2)) else {
                continue;
            };
            t.push_str(&text[last..a.end()]);
            c.extend_from_slice(&conf[last..a.end()]);
            last = b.start();
        }
        t.push_str(&text[last..]);
        c.extend_from_slice(&conf[last..]);
        (t, c)
    };
    let (text, conf) = restore_lost_years(&text, &conf);
    // the least sure word of a stretch of `text`
    let weakest = |r: std::ops::Range<usize>| conf[r].iter().copied().fold(1.0, f32::min);
    let f = crate::text::Folded::new(&text);
    // An appendix caption whose `Kèm theo` opens a line before cites the document itself.
    let in_caption = |at: usize| {
        let mut from = at.saturating_sub(100);
        while !f.s.is_char_boundary(from) {
            from -= 1;
        }
        let pre = &f.s[from..at];
        // `(Kèm theo …`: capitalised, as a caption opens; `gửi kèm theo Công văn số …` is a citation.
        pre.rfind("kem theo").is_some_and(|k| {
            !pre[k..].contains([')', '.']) && text[f.orig(from + k)..].starts_with('K')
        })
    };
    let mut found: Vec<(usize, Reference)> = Vec::new();
    // Laws are cited by name and date: `Luật Bảo vệ môi trường ngày 23 tháng 6 năm 2014`.
    for c in LAW.captures_iter(&f.s) {
        let (Some(t), Some(d), Some(name)) = (c.get(1), c.get(3), c.get(2)) else {
            continue;
        };
        let orig_type = &text[f.orig(t.start())..];
        let orig_name = &text[f.orig(name.start())..];
        if !orig_type.starts_with(char::is_uppercase) || !orig_name.starts_with(char::is_uppercase)
        {
            continue;
        }
        let document_type = TYPES
            .iter()
            .find(|(k, _)| *k == t.as_str())
            .map(|(_, v)| v.to_string());
        found.push((
            t.start(),
            Reference {
                number: None,
                document_type,
                issued_date: parse_ref_date(d.as_str()),
            },
        ));
    }
    let mut cited: Vec<std::ops::Range<usize>> = Vec::new();
    for c in REFERENCE.captures_iter(&f.s) {
        let (Some(t), Some(n)) = (c.get(1), c.get(2)) else {
            continue;
        };
        cited.push(n.range());
        let number: String = text[f.orig(n.start())..f.orig(n.end())]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .trim_end_matches(['.', ',', ';', '-', '/'])
            .to_string();
        if !number.chars().next().is_some_and(|c| c.is_ascii_digit())
            || Some(number.as_str()) == own
            || in_caption(t.start())
        {
            continue;
        }
        let document_type = TYPES
            .iter()
            .find(|(k, _)| *k == t.as_str())
            .map(|(_, v)| v.to_string());
        let weak = weakest(f.orig(n.start())..f.orig(n.end()));
        let number = snap_type_letter(
            &crate::symbols::repair_number(&snap_symbol(&number, document_type.as_deref())),
            document_type.as_deref(),
            weak,
        );
        let mut number = settle(&number, weak);
        if type_only_symbol(&number) {
            // `10/TTì y-HĐND`: the type's part read as `TTr`, the issuer's after a speck or a
            // letter read apart from it; without it the number is not whole.
            static ISSUER_PART: LazyLock<Regex> = LazyLock::new(|| {
                Regex::new(r"^\s+\S{0,2}-(\p{Lu}[\p{Lu}\d]+)\b").expect("built-in pattern compiles")
            });
            match ISSUER_PART.captures(&text[f.orig(n.end())..]) {
                Some(c) => number = format!("{number}-{}", &c[1]),
                None => continue,
            }
        }
        let issued_date = c.get(3).and_then(|d| parse_ref_date(d.as_str()));
        if let Some((_, prev)) = found
            .iter_mut()
            .find(|(_, r)| r.number.as_deref() == Some(number.as_str()))
        {
            if prev.issued_date.is_none() {
                prev.issued_date = issued_date;
            }
            continue;
        }
        found.push((
            t.start(),
            Reference {
                number: Some(number),
                document_type,
                issued_date,
            },
        ));
    }
    // `các Công văn: Số 1060/BTC-QLGCS …; số 1187/BTC-ĐT`, `Thông báo số 212-TB/TU`: a number after
    // `số` with a symbol in capitals, of the type named last before it in the same sentence.
    for c in SO_NUMBER.captures_iter(&f.s) {
        let Some(n) = c.get(1) else { continue };
        if cited.iter().any(|r| r.contains(&n.start())) {
            continue;
        }
        let number = settle(
            &crate::symbols::repair_number(
                text[f.orig(n.start())..f.orig(n.end())]
                    .trim_end_matches(['.', ',', ';', '-', '/']),
            ),
            weakest(f.orig(n.start())..f.orig(n.end())),
        );
        // the symbol: the first part after the sequence number and the year
        let symbol = number
            .split(['/', '-'])
            .skip(1)
            .find(|p| !p.bytes().all(|b| b.is_ascii_digit()))
            .unwrap_or("");
        if !symbol.chars().next().is_some_and(char::is_uppercase)
            || Some(number.as_str()) == own
            || found
                .iter()
                .any(|(_, r)| r.number.as_deref() == Some(number.as_str()))
        {
            continue;
        }
        if in_caption(n.start()) {
            continue;
        }
        // The type: its abbreviation in the symbol (Decree 30, appendix III), else the type named
        // last before it in the same sentence, else a công văn (whose symbol names no type).
        let sentence = f.s[..n.start()].rfind(['.', ';']).map_or(0, |i| i + 1);
        let abbr = symbol.split('-').next().unwrap_or("");
        let document_type = TYPE_ABBR
            .iter()
            .find(|(_, a)| *a == abbr)
            .map(|(t, _)| t.to_string())
            .or_else(|| {
                TYPES
                    .iter()
                    .filter_map(|(k, v)| f.s[sentence..n.start()].rfind(k).map(|i| (i, *v)))
                    .max_by_key(|(i, _)| *i)
                    .map(|(_, v)| v.to_string())
            })
            .unwrap_or_else(|| "Công văn".to_string());
        found.push((
            n.start(),
            Reference {
                number: Some(number),
                document_type: Some(document_type),
                issued_date: c.get(2).and_then(|d| parse_ref_date(d.as_str())),
            },
        ));
    }
    // In order of first citation, each document once.
    found.sort_by_key(|(pos, _)| *pos);
    let mut out: Vec<Reference> = Vec::with_capacity(found.len());
    for (_, r) in found {
        if !out.contains(&r) {
            out.push(r);
        }
    }
    drop_truncated(&mut out);
    out
}

/// Appends a line's text to the body's, each byte with the confidence of its word (the line's
/// weakest where its text no longer splits into its words).
fn push_line(text: &mut String, conf: &mut Vec<f32>, l: &TLine) {
    let parts: Vec<&str> = l.text.split(' ').collect();
    if parts.len() == l.words.len() {
        for (i, (p, w)) in parts.iter().zip(&l.words).enumerate() {
            if i > 0 {
                text.push(' ');
                conf.push(1.0);
            }
            text.push_str(p);
            conf.extend(std::iter::repeat(w.conf).take(p.len()));
        }
    } else {
        let low = l.words.iter().map(|w| w.conf).fold(1.0, f32::min);
        text.push_str(&l.text);
        conf.extend(std::iter::repeat(low).take(l.text.len()));
    }
}

/// `Thông tư số 51/. /TT-BCA ngày 30 tháng 6 năm 2025`: the year between a number's two slashes
/// that OCR lost (a gap in the line, a speck read as `.`) is the year of the citation's date, as a
/// number with a year always carries the year it was issued. Only nothing but a mark or two stands
/// between the slashes, and the date follows the symbol right away.
fn restore_lost_years(text: &str, conf: &[f32]) -> (String, Vec<f32>) {
    static LOST: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"\b(\d{1,5})/[^\w\s/]{0,2}\s*/(\p{Lu}[\p{L}\d]*(?:-\p{Lu}[\p{L}\d]*)*)(,?\s+(?i:ngày)\s+(?:\d{1,2}\s+(?i:tháng)\s+\d{1,2}\s+(?i:năm)\s+|\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*)(\d{4}))",
        )
        .expect("built-in pattern compiles")
    });
    let (mut t, mut c, mut last) = (String::new(), Vec::new(), 0);
    for m in LOST.captures_iter(text) {
        let (Some(all), Some(seq), Some(sym), Some(date), Some(year)) =
            (m.get(0), m.get(1), m.get(2), m.get(3), m.get(4))
        else {
            continue;
        };
        t.push_str(&text[last..all.start()]);
        c.extend_from_slice(&conf[last..all.start()]);
        let low = conf[all.start()..sym.end()]
            .iter()
            .copied()
            .fold(1.0, f32::min);
        let number = format!("{}/{}/{}", seq.as_str(), year.as_str(), sym.as_str());
        c.extend(std::iter::repeat(low).take(number.len()));
        t.push_str(&number);
        t.push_str(date.as_str());
        c.extend_from_slice(&conf[date.range()]);
        last = all.end();
    }
    t.push_str(&text[last..]);
    c.extend_from_slice(&conf[last..]);
    (t, c)
}

/// Drops a cited number that is the start of another cited number cut short (`92/TT` where OCR
/// read `92/TT:-UBND`, beside `92/TTr-UBND` cited elsewhere in the text): the same document read
/// twice, once broken. The longer reading keeps the date if only the shorter had one.
fn drop_truncated(refs: &mut Vec<Reference>) {
    let numbers: Vec<String> = refs.iter().filter_map(|r| r.number.clone()).collect();
    let longer = |n: &str| {
        numbers.iter().position(|o| {
            o.len() > n.len()
                && o.starts_with(n)
                && n.contains('/')
                && o[n.len()..].starts_with(|c: char| c.is_alphabetic() || c == '-')
        })
    };
    let mut dates: Vec<(String, String)> = Vec::new();
    refs.retain(|r| {
        let Some(i) = r.number.as_deref().and_then(longer) else {
            return true;
        };
        if let Some(d) = &r.issued_date {
            dates.push((numbers[i].clone(), d.clone()));
        }
        false
    });
    for (n, d) in dates {
        if let Some(r) = refs
            .iter_mut()
            .find(|r| r.number.as_deref() == Some(n.as_str()))
        {
            r.issued_date.get_or_insert(d);
        }
    }
}

/// The symbol's first part put right where it is one letter off the abbreviation of the type
/// named before the number (`Tờ trình số 252/TTY-BNV` → `252/TTr-BNV`), when that part is no
/// known part of its own: the type word and the rest of the abbreviation agree on what was printed;
/// and where a weak reading lost the abbreviation's last, lowercase letter (`252/TT-BNV`).
fn snap_type_letter(number: &str, document_type: Option<&str>, weakest: f32) -> String {
    let Some((_, abbr)) = document_type.and_then(|t| TYPE_ABBR.iter().find(|(n, _)| *n == t))
    else {
        return number.to_string();
    };
    // the type's place in `seq[/year]/TYPE-ISSUER`: after the sequence number and the year (a
    // party document's `212-TB/TU` has none)
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let segs: Vec<&str> = number.splitn(3, '/').collect();
    let start = match segs.as_slice() {
        [seq, year, _] if digits(seq) && digits(year) => seq.len() + year.len() + 2,
        [seq, _, ..] if digits(seq) => seq.len() + 1,
        _ => return number.to_string(),
    };
    let rest = &number[start..];
    let first = rest.split(['-', '/']).next().unwrap_or("");
    let (a, f): (Vec<char>, Vec<char>) = (abbr.chars().collect(), first.chars().collect());
    let off = a.len() == f.len()
        && a.len() >= 2
        && a.iter().zip(&f).filter(|(x, y)| x != y).count() == 1
        && f.iter().all(|c| c.is_alphabetic())
        && !crate::symbols::known_part(first);
    // the abbreviation's lowercase letter lost from a weak reading (`Tờ trình số 252/TT-BNV`): a
    // Tờ trình is numbered `TTr`, never `TT`, which is a Thông tư's
    let lost_lower = weakest < crate::citations::WEAK_LETTER
        && a.last().is_some_and(|c| c.is_lowercase())
        && a[..a.len() - 1] == f[..]
        && rest[first.len()..].starts_with('-');
    if !off && !lost_lower {
        return number.to_string();
    }
    format!("{}{abbr}{}", &number[..start], &rest[first.len()..])
}

/// An ISO date from `d/m/yyyy` or `d tháng m năm yyyy` (folded).
fn parse_ref_date(d: &str) -> Option<String> {
    if let Some(x) = DMY.captures(d) {
        iso(x[1].parse().ok()?, x[2].parse().ok()?, x[3].parse().ok()?)
    } else {
        date_in(&format!("ngay {d}")).map(|x| x.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::tests::meta_of_text;

    /// The cited numbers of a text document.
    fn numbers_of(text: &str) -> Vec<String> {
        meta_of_text(text)
            .references
            .into_iter()
            .filter_map(|r| r.number)
            .collect()
    }

    #[test]
    fn a_type_letter_one_off_its_abbreviation_is_put_right() {
        assert_eq!(
            snap_type_letter("252/TTY-BNV", Some("Tờ trình"), 1.0),
            "252/TTr-BNV"
        );
        assert_eq!(
            snap_type_letter("252/TTy-BNV", Some("Tờ trình"), 1.0),
            "252/TTr-BNV"
        );
        assert_eq!(
            snap_type_letter("12/2024/CTR-UBND", Some("Chương trình"), 1.0),
            "12/2024/CTr-UBND"
        );
        // a known part stays (`TT` is a Thông tư's, `TU` a party committee's), as do a party
        // document's `212-TB/TU`, a công văn (no abbreviation) and parts two letters off
        for (n, t) in [
            ("92/TT", "Tờ trình"),
            ("212-TB/TU", "Thông báo"),
            ("5633/VPCP-KSTT", "Công văn"),
            ("252/TXY-BNV", "Tờ trình"),
            ("52/TTr-NHNN", "Tờ trình"),
        ] {
            assert_eq!(snap_type_letter(n, Some(t), 1.0), n);
        }
        // a weak reading that lost the lowercase letter gets it back; a sure one, a Thông tư's
        // `TT` and a number cut after `TT` are kept
        assert_eq!(
            snap_type_letter("252/TT-BNV", Some("Tờ trình"), 0.67),
            "252/TTr-BNV"
        );
        assert_eq!(
            snap_type_letter("252/TT-BNV", Some("Tờ trình"), 0.95),
            "252/TT-BNV"
        );
        assert_eq!(
            snap_type_letter("12/2024/TT-BTC", Some("Thông tư"), 0.3),
            "12/2024/TT-BTC"
        );
        assert_eq!(snap_type_letter("92/TT", Some("Tờ trình"), 0.3), "92/TT");
    }

    #[test]
    fn a_year_ocr_lost_between_the_slashes_is_the_date_s() {
        let text = "và Thông tư số 51/. /TT-BCA ngày 30 tháng 6 năm 2025 của Bộ";
        let (t, c) = restore_lost_years(text, &vec![0.9; text.len()]);
        assert_eq!(
            t,
            "và Thông tư số 51/2025/TT-BCA ngày 30 tháng 6 năm 2025 của Bộ"
        );
        assert_eq!(c.len(), t.len());
        let numbers = numbers_of(
            "BỘ CÔNG AN\nSố: 41/2026/TT-BCA\nTHÔNG TƯ\nSửa đổi\n\
             Căn cứ Luật số 23/2004/QH11;\nVÀ THÔNG TƯ SỐ 51/.\n/TT-BCA NGÀY 30 THÁNG 6 NĂM 2025\n\
             Bộ trưởng ban hành Thông tư./.",
        );
        assert_eq!(numbers, ["23/2004/QH11", "51/2025/TT-BCA"]);
        // a number with no year (`92/TTr-UBND`), a date with no number before it, or a word between
        // the slashes: nothing is added
        for keep in [
            "Tờ trình số 92/TTr-UBND ngày 01 tháng 6 năm 2025",
            "Công văn số 12/UBND-VP ngày 30/6/2025",
            "số 51/ab/TT-BCA ngày 30 tháng 6 năm 2025",
        ] {
            assert_eq!(restore_lost_years(keep, &vec![0.9; keep.len()]).0, keep);
        }
    }

    #[test]
    fn a_citation_cut_short_beside_its_whole_reading_is_dropped() {
        let numbers = numbers_of(
            "Số: 12/UBND-VP\nCÔNG VĂN\nKính gửi các sở\n\
             Xét đề nghị của Ủy ban nhân dân tỉnh tại văn bản số 92/TTr-UBND.\n\
             Đề nghị làm rõ nội dung tại Tờ trình số 92/TT:-UBND nêu trên./.",
        );
        assert_eq!(numbers, ["92/TTr-UBND"]);
        // two documents whose numbers only share a start are both kept
        let numbers = numbers_of(
            "Số: 12/UBND-VP\nCÔNG VĂN\nKính gửi các sở\n\
             Căn cứ Quyết định số 5/QĐ-UBND ngày 01/02/2024 và Quyết định số 51/QĐ-UBND./.",
        );
        assert_eq!(numbers, ["5/QĐ-UBND", "51/QĐ-UBND"]);
    }

    #[test]
    fn citations_in_the_preamble_count_when_the_title_was_misread() {
        // the title damaged beyond reading (`AI .,ÍT l QUYẾT ĐỊNH`): the enacting formula
        // `QUYẾT ĐỊNH:` after the preamble is no title, and the preamble's citations are found
        let m = meta_of_text(
            "THỦ TƯỚNG CHÍNH PHỦ\nSố: 7/QĐ-TTg\nAI .,ÍT l QUYẾT ĐỊNH\n\
             Về việc ban hành kế hoạch\nTHỦ TƯỚNG CHÍNH PHỦ\n\
             Căn cứ Nghị định số 81/2019/NĐ-CP ngày 01 tháng 11 năm 2019;\n\
             Theo đề nghị của Thống đốc tại Tờ trình\nsố 52/TTr-NHNN ngày 31 tháng 3 năm 2026.\n\
             QUYẾT ĐỊNH:\nĐiều 1. Ban hành kèm theo Quyết định này Kế hoạch./.",
        );
        let numbers: Vec<&str> = m
            .references
            .iter()
            .filter_map(|r| r.number.as_deref())
            .collect();
        assert_eq!(numbers, ["81/2019/NĐ-CP", "52/TTr-NHNN"]);
        // … and the enacting formula still names the type
        assert_eq!(m.document_type.as_deref(), Some("Quyết định"));
    }

    #[test]
    fn cited_numbers_broken_by_ocr_are_whole_again() {
        let m = meta_of_text(
            "Số: 12/UBND-VP\nCÔNG VĂN\nKính gửi các sở\n\
             Căn cứ Công văn số 2 85/VP-TTHC ngày 08/01/2025 và Tờ trình số 10/TTr- -NĐND\n\
             ngày 14 tháng 4 năm 2026 của Thường trực Hội đồng nhân dân./.",
        );
        let numbers: Vec<&str> = m
            .references
            .iter()
            .filter_map(|r| r.number.as_deref())
            .collect();
        assert_eq!(numbers, ["85/VP-TTHC", "10/TTr-HĐND"], "{:?}", m.references);
    }

    #[test]
    fn a_number_whose_issuer_part_was_read_apart_is_joined_or_not_cited() {
        let numbers = numbers_of(
            "Số: 12/UBND-VP\nCÔNG VĂN\nKính gửi các sở\n\
             Căn cứ Tờ trình số 10/TTì y-HĐND ngày 14 tháng 4 năm 2026 và Công văn số 123/UBND\n\
             ngày 08/01/2025 của Ủy ban nhân dân xã./.",
        );
        assert_eq!(numbers, ["10/TTr-HĐND", "123/UBND"]);
        let numbers = numbers_of(
            "Số: 12/UBND-VP\nCÔNG VĂN\nKính gửi các sở\n\
             Căn cứ Tờ trình số 10/TTì ngày 14 tháng 4 năm 2026 của Hội đồng nhân dân./.",
        );
        assert!(numbers.is_empty(), "{numbers:?}");
        assert!(type_only_symbol("10/TTr") && type_only_symbol("15/CT"));
        assert!(!type_only_symbol("10/TTr-HĐND") && !type_only_symbol("212-TB/TU"));
    }

    #[test]
    fn a_generic_body_line_with_a_speck_still_joins_its_territory() {
        let m = meta_of_text(
            "ỦY BAN NHÂN DÂN.\nTHÀNH PHỐ HÀ NỘI\nSố: 453/TB-UBND\nTHÔNG BÁO\nVề việc treo cờ",
        );
        assert_eq!(m.parent_issuer, None);
        assert_eq!(
            m.issuer.as_deref(),
            Some("Ủy ban nhân dân thành phố Hà Nội")
        );
    }

    #[test]
    fn citations_end_where_an_attached_document_begins_when_noi_nhan_was_not_read() {
        let m = meta_of_text(
            "THỦ TƯỚNG CHÍNH PHỦ\nSố: 7/QĐ-TTg\nQUYẾT ĐỊNH\nVề việc ban hành kế hoạch\n\
             Căn cứ Nghị định số 81/2019/NĐ-CP ngày 01 tháng 11 năm 2019;\n\
             Điều 1. Ban hành kèm theo Quyết định này Kế hoạch./.\nNị nhậ:\n- Như Điều 3;\x0c\
             THỦ TƯỚNG CHÍNH PHỦ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nKẾ HOẠCH\n\
             Thực hiện Nghị quyết số 164/2024/QH15 ngày 28 tháng 11 năm 2024;",
        );
        let numbers: Vec<&str> = m
            .references
            .iter()
            .filter_map(|r| r.number.as_deref())
            .collect();
        assert_eq!(numbers, ["81/2019/NĐ-CP"]);
    }
}
