//! The documents a body cites (`metadata.references`): `<type> số <number> ngày <date>`, a bare
//! `số <number>` after a named type, and laws cited by name and date. The body is read as one
//! text from its first line to `Nơi nhận` (or the next document's national motto), appendix
//! captions (`Kèm theo …`) left out; each cited number's symbol is put right where OCR damaged it
//! ([`crate::symbols`]).

use std::sync::LazyLock;

use regex::Regex;
use vanban_doc::Reference;

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

/// Every other document cited in the body and appendices: `<type> số <number> ngày <date>`.
pub(crate) fn references(lines: &[TLine], body_start: usize, own: Option<&str>) -> Vec<Reference> {
    // One text for the whole body, so that citations wrapped over lines are found; appendix
    // captions (`Kèm theo ...`) cite the document itself and are left out.
    let mut text = String::new();
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
        }
        text.push_str(&l.text);
    }
    // A symbol that OCR broke at its hyphen (`10/TTr- -HĐND`, `12/QĐ- UBND`) is one again.
    static BROKEN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(\d+/\S*-)\s+-?(\p{Lu})").expect("built-in pattern compiles")
    });
    let text = BROKEN.replace_all(&text, "${1}${2}").into_owned();
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
        let number = crate::symbols::repair_number(&snap_symbol(&number, document_type.as_deref()));
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
        let number = crate::symbols::repair_number(
            text[f.orig(n.start())..f.orig(n.end())].trim_end_matches(['.', ',', ';', '-', '/']),
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
    out
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
    use crate::meta::tests::meta_of_text;

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
