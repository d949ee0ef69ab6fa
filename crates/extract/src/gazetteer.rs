//! The gazetteer: provinces, districts, wards, agencies and family names as printed, from the project's
//! `dictionaries/data/names.tsv` (filtered into `data/gazetteer.tsv`, kept in step by a test), and
//! the snapping of a name that OCR or restoration mis-marked (`Sơn Tình`, `Tỉnh Hà`, `Đỉnh`) to
//! the one listed name with the same letters, when there is exactly one. Text without any mark
//! (English-model OCR that restoration did not reach) is left as read, so a line is not half
//! marked.
//!
//! Regenerate the data after a change of names.tsv:
//! `awk -F'\t' '$2=="province"||$2=="district"||$2=="ward"||$2=="person-surname"||$2=="agency"||$2=="position"'
//! dictionaries/data/names.tsv > crates/extract/data/gazetteer.tsv`

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use crate::text::fold;

/// `Form As Printed⇥kind` rows of names.tsv with kind `province`, `district`, `ward` or
/// `person-surname`.
const DATA: &str = include_str!("../data/gazetteer.tsv");

/// Common family names that names.tsv's short surname list lacks (it holds the 18 most frequent).
const MORE_SURNAMES: &[&str] = &[
    "Đinh", "Mai", "Lâm", "Trịnh", "Đào", "Cao", "Lưu", "Lương", "Tạ", "Hà", "Thái", "Chu", "Tăng",
    "Quách", "La", "Lã", "Vương", "Kiều", "Triệu", "Tô", "Hứa", "Lại", "Mạc", "Nông", "Lò", "Thân",
    "Tống", "Giang", "Châu", "Doãn", "Đàm", "Đồng", "Khổng", "Phùng", "Từ", "Kim", "Nghiêm", "Phí",
    "Tôn", "Vi", "Ninh", "Bạch", "Bế", "Lục", "Khúc", "Diệp", "Thạch", "Hầu",
];

/// A kind of name in the gazetteer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Province,
    District,
    Ward,
    Surname,
    /// Agencies and their units (`Phòng Tài chính - Kế hoạch`, `Sở Ngoại vụ`).
    Agency,
    /// Titles of those who sign (`Phó Chủ tịch`, `Chánh Văn phòng`).
    Position,
}

/// Names by kind, keyed by their folded form (no marks, lower case).
struct Gazetteer {
    by_fold: HashMap<(Kind, String), Vec<&'static str>>,
}

static GAZETTEER: LazyLock<Gazetteer> = LazyLock::new(|| {
    let mut by_fold: HashMap<(Kind, String), Vec<&'static str>> = HashMap::with_capacity(8192);
    let mut add = |kind: Kind, name: &'static str| {
        let forms = by_fold.entry((kind, fold(name))).or_default();
        if !forms.contains(&name) {
            forms.push(name);
        }
    };
    for row in DATA.lines() {
        let Some((name, kind)) = row.split_once('\t') else {
            continue;
        };
        let kind = match kind {
            "province" => Kind::Province,
            "district" => Kind::District,
            "ward" => Kind::Ward,
            "person-surname" => Kind::Surname,
            "agency" => Kind::Agency,
            "position" => Kind::Position,
            _ => continue,
        };
        add(kind, name);
    }
    for s in MORE_SURNAMES {
        add(Kind::Surname, s);
    }
    Gazetteer { by_fold }
});

/// The listed position that the words at the end of `line` spell (`CTKHỦÚ TƯỚNG` gives nothing,
/// `KT CHỦ TICH` gives `Chủ tịch`, `PHÓ CHÁNH VĂN PHÒNG` gives `Phó Chánh Văn phòng`): the longest
/// such run of words, matched without marks or case.
pub(crate) fn position_suffix(line: &str) -> Option<&'static str> {
    let words: Vec<&str> = line.split_whitespace().collect();
    (0..words.len()).find_map(|i| {
        let joined = words[i..].join(" ");
        let written = joined.trim_matches(|c: char| !c.is_alphanumeric());
        let forms = GAZETTEER.by_fold.get(&(Kind::Position, fold(written)))?;
        marked_like(written, forms)
    })
}

/// The listed position that the words at the end of `line` spell with one letter misread (`YHỦ
/// TƯỚNG`, the `T` under a seal's ring, gives `Thủ tướng`), compared with their marks and without
/// case: the longest run of words one letter off a listed position of eight letters or more, as
/// long as it, and three or more from every other (`Thủ tướng` and `Thủ trưởng` are two apart: a reading
/// between them gives nothing).
pub(crate) fn position_near(line: &str) -> Option<&'static str> {
    static FORMS: LazyLock<Vec<(&'static str, String)>> = LazyLock::new(|| {
        let mut v: Vec<(&'static str, String)> = GAZETTEER
            .by_fold
            .iter()
            .filter(|((k, _), _)| *k == Kind::Position)
            .flat_map(|(_, forms)| forms.iter().map(|f| (*f, f.to_lowercase())))
            .collect();
        v.sort_unstable();
        v
    });
    let words: Vec<&str> = line.split_whitespace().collect();
    (0..words.len()).find_map(|i| {
        let joined = words[i..].join(" ");
        let written = joined
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        let n = written.chars().count();
        let mut dist: Vec<(usize, bool, &'static str)> = FORMS
            .iter()
            .map(|(f, low)| {
                let d = crate::tables::edit_distance(&written, low);
                (d, low.chars().count() == n, *f)
            })
            .collect();
        dist.sort_unstable();
        match dist.as_slice() {
            // one letter read as another, not one lost (`'HỦ TƯỚNG`, a word a seal cut, is not
            // surely `THỦ TƯỚNG`); every other listed title three letters off or more
            [(d, true, f), rest @ ..]
                if *d <= 1
                    && f.chars().filter(|c| c.is_alphabetic()).count() >= 8
                    && rest.first().map_or(true, |r| r.0 >= 3) =>
            {
                Some(*f)
            }
            _ => None,
        }
    })
}

/// The one of some listed forms sharing a folded spelling (`Thủ trưởng`, `Thứ trưởng`) that is
/// written with `written`'s marks, or differs from it in the fewest letters; None on a tie (a
/// wrong title is worse than none).
fn marked_like(written: &str, forms: &[&'static str]) -> Option<&'static str> {
    let lower: Vec<char> = written.to_lowercase().chars().collect();
    let differ = |f: &str| {
        let fl: Vec<char> = f.to_lowercase().chars().collect();
        let d = lower.iter().zip(&fl).filter(|(a, b)| a != b).count();
        d + lower.len().abs_diff(fl.len())
    };
    let best = forms.iter().map(|f| differ(f)).min()?;
    let mut at_best = forms.iter().filter(|f| differ(f) == best);
    let first = at_best.next()?;
    // forms differing only in case are one title
    at_best
        .all(|f| f.to_lowercase() == first.to_lowercase())
        .then_some(*first)
}

/// True when a word (any case and marks) is a word of a listed agency's or a province's or
/// district's name (`sở`, `thông`, `tin`, `ủy`, `đồng`), the words an issuing body's name is made of.
pub(crate) fn body_word(word: &str) -> bool {
    static WORDS: LazyLock<HashSet<String>> = LazyLock::new(|| {
        GAZETTEER
            .by_fold
            .keys()
            .filter(|(k, _)| matches!(k, Kind::Agency | Kind::Province | Kind::District))
            .flat_map(|(_, f)| f.split(|c: char| !c.is_alphanumeric()).map(str::to_string))
            .filter(|w| !w.is_empty())
            .collect()
    });
    let f = fold(word);
    let f = f.trim_matches(|c: char| !c.is_alphanumeric());
    !f.is_empty() && WORDS.contains(f)
}

/// True when a listed position is `position` with more words before it (`Phó Thủ tướng` for
/// `Thủ tướng`, `Phó Chủ tịch` for `Chủ tịch`): a word hidden before it would change who signs.
pub(crate) fn longer_position(position: &str) -> bool {
    static LONGER: LazyLock<HashSet<String>> = LazyLock::new(|| {
        let mut tails = HashSet::new();
        for (k, f) in GAZETTEER.by_fold.keys() {
            if *k != Kind::Position {
                continue;
            }
            let words: Vec<&str> = f.split(' ').collect();
            for i in 1..words.len() {
                tails.insert(words[i..].join(" "));
            }
        }
        tails
    });
    LONGER.contains(&fold(position))
}

/// The listed deputy's title of a listed head's `title` (`Thủ tướng` → `Phó Thủ tướng`, `Chủ
/// nhiệm` → `Phó Chủ nhiệm`); None when the list holds no such title.
pub(crate) fn deputy_of(title: &str) -> Option<&'static str> {
    let key = format!("pho {}", fold(title));
    let forms = GAZETTEER.by_fold.get(&(Kind::Position, key))?;
    marked_like(&format!("Phó {title}"), forms)
}

/// True when `title` could be a signer's title the list does not hold (`PHÓ TRƯỞNG BAN THƯỜNG
/// TRỰC`): two words or more, letters only, the last one the last word of a listed position
/// (`trưởng`, `tịch`, `đốc`, …). A lone word (`TƯỜNG`) or a code (`PCVP;`) is not one.
pub(crate) fn title_like(title: &str) -> bool {
    static HEADS: LazyLock<HashSet<String>> = LazyLock::new(|| {
        GAZETTEER
            .by_fold
            .keys()
            .filter(|(k, _)| *k == Kind::Position)
            .filter_map(|(_, f)| f.rsplit(' ').next().map(str::to_string))
            .collect()
    });
    let words: Vec<&str> = title.split_whitespace().collect();
    words.len() >= 2
        && words
            .iter()
            .all(|w| w.chars().all(|c| c.is_alphabetic() || c == '-'))
        && words.last().is_some_and(|w| HEADS.contains(&fold(w)))
}

/// The listed form of `name` in the first tier of kinds that knows its letters: `name` itself
/// when it is listed as written (in any case), the one form with the same letters when there is
/// exactly one (in capitals when `name` is), and `None` when none or several are (an ambiguous
/// name is left alone), or when `name` has no marks at all.
pub(crate) fn snap(name: &str, tiers: &[&[Kind]]) -> Option<String> {
    let key = fold(name);
    let g = &*GAZETTEER;
    for tier in tiers {
        let mut forms: Vec<&'static str> = Vec::new();
        for k in *tier {
            for f in g.by_fold.get(&(*k, key.clone())).into_iter().flatten() {
                if !forms.contains(f) {
                    forms.push(f);
                }
            }
        }
        let lower = name.to_lowercase();
        if forms.iter().any(|f| f.to_lowercase() == lower) {
            return Some(name.to_string());
        }
        if name.is_ascii() {
            return None;
        }
        let caps = name.chars().filter(|c| c.is_alphabetic()).count() > 1
            && !name.chars().any(char::is_lowercase);
        // Forms differing only in case (`Ayun`, `AYun`) are one name.
        forms.dedup_by(|a, b| a.to_lowercase() == b.to_lowercase());
        match forms.as_slice() {
            [] => continue,
            [one] if caps => return Some(one.to_uppercase()),
            [one] => return Some((*one).to_string()),
            _ => return None,
        }
    }
    None
}

/// True when `word` is a listed family name as written.
pub(crate) fn is_surname(word: &str) -> bool {
    !word.is_empty() && snap(word, &[&[Kind::Surname]]).as_deref() == Some(word)
}

/// The listed family name OCR's `word` spells, its marks put right (`Nguýễn` → `Nguyễn`): the one
/// listed name with the same letters; None when none or several are.
pub fn family_name_of(word: &str) -> Option<String> {
    snap(&crate::text::normalize(word), &[&[Kind::Surname]])
}

/// True when `word` (OCR's reading, any Unicode form) is a listed Vietnamese family name as
/// written (`Trần`, `Lê`; not `Trầu`, `tran`).
pub fn is_family_name(word: &str) -> bool {
    is_surname(&crate::text::normalize(word))
}

/// A person's name with a mis-marked family name put right (`Đỉnh Thị Ngọc Diệp` → `Đinh Thị
/// Ngọc Diệp`); other names unchanged.
pub(crate) fn snap_person(name: &str) -> String {
    let Some((first, rest)) = name.split_once(' ') else {
        return name.to_string();
    };
    match snap(first, &[&[Kind::Surname]]) {
        Some(s) => format!("{s} {rest}"),
        None => name.to_string(),
    }
}

/// An issuing body's name put right when it is a listed agency with wrong marks (`Phong Tài chính -
/// Kế hoạch`); anything else as it is.
pub(crate) fn snap_agency(name: &str) -> String {
    // A listed name in other capitals is written as listed (`Thủ Tướng Chính Phủ`, made from the
    // header's `THỦ TƯỚNG CHÍNH PHỦ`, is `Thủ tướng Chính phủ`).
    let lower = name.to_lowercase();
    if let Some(listed) = GAZETTEER
        .by_fold
        .get(&(Kind::Agency, fold(name)))
        .and_then(|forms| forms.iter().find(|f| f.to_lowercase() == lower))
    {
        return (*listed).to_string();
    }
    snap(name, &[&[Kind::Agency]]).unwrap_or_else(|| name.to_string())
}

/// The listed agency a name spells, its marks put right (`VĂN PHÒNG CHÍNH PHÙ` → `VĂN PHÒNG
/// CHÍNH PHỦ`), if it is one.
pub(crate) fn listed_agency(name: &str) -> Option<String> {
    snap(name, &[&[Kind::Agency]])
}

/// A place as written in `<place>, ngày ...`: a province or district (a city, a town) first, a
/// ward only when no province or district has its letters.
pub(crate) fn snap_place(place: &str) -> String {
    snap(place, &[&[Kind::Province, Kind::District], &[Kind::Ward]])
        .unwrap_or_else(|| place.to_string())
}

/// Territory words and the kinds of name that follow them, longest first.
const TERRITORY: &[(&[&str], &[Kind])] = &[
    (&["thành", "phố"], &[Kind::Province, Kind::District]),
    (&["thị", "xã"], &[Kind::District]),
    (&["thị", "trấn"], &[Kind::Ward]),
    (&["tỉnh"], &[Kind::Province]),
    (&["huyện"], &[Kind::District]),
    (&["quận"], &[Kind::District]),
    (&["xã"], &[Kind::Ward]),
    (&["phường"], &[Kind::Ward]),
];

/// The names in running text that follow a territory word (`xã Tỉnh Hà`, `huyện Sơn Tình`) put
/// right from the gazetteer: the capitalised words after the territory word, longest run first,
/// snapped when exactly one listed name of the right kind has their letters.
pub(crate) fn snap_territories(text: &str) -> String {
    let words = mend_territory_words(text.split(' ').collect());
    let words: Vec<&str> = words.iter().map(|w| w.as_ref()).collect();
    let mut out: Vec<String> = words.iter().map(|w| (*w).to_string()).collect();
    let mut i = 0;
    while i < words.len() {
        let hit = TERRITORY.iter().find(|(seq, _)| {
            words.get(i..i + seq.len()).is_some_and(|ws| {
                ws.iter()
                    .zip(seq.iter())
                    .all(|(w, s)| w.to_lowercase() == *s)
            })
        });
        let Some((seq, kinds)) = hit else {
            i += 1;
            continue;
        };
        let start = i + seq.len();
        // The run of capitalised words after the territory word; punctuation ends it.
        let mut end = start;
        while end < words.len() && end - start < 4 {
            let w = words[end];
            if !w.starts_with(char::is_uppercase) {
                break;
            }
            end += 1;
            if w.ends_with(|c: char| !c.is_alphanumeric()) {
                break;
            }
        }
        for stop in (start + 1..=end).rev() {
            let last = words[stop - 1];
            let core_last = last.trim_end_matches(|c: char| !c.is_alphanumeric());
            let tail = &last[core_last.len()..];
            let mut span = words[start..stop - 1].join(" ");
            if !span.is_empty() {
                span.push(' ');
            }
            span.push_str(core_last);
            if fold(&span).trim().is_empty() {
                continue;
            }
            let Some(form) = snap(&span, &[kinds]) else {
                if g_has(&span, kinds) {
                    break; // ambiguous: leave it
                }
                continue;
            };
            if form != span {
                let mut parts: Vec<String> = form.split(' ').map(str::to_string).collect();
                if parts.len() == stop - start {
                    if let Some(p) = parts.last_mut() {
                        p.push_str(tail);
                    }
                    out.splice(start..stop, parts);
                }
            }
            break;
        }
        i = end.max(i + 1);
    }
    out.join(" ")
}

/// Territory words with wrong marks or capitals (`UBND Huyền Sơn Tịnh`) put right when a listed
/// name of their kind, up to three words, follows them.
fn mend_territory_words(words: Vec<&str>) -> Vec<std::borrow::Cow<'_, str>> {
    let mut out: Vec<std::borrow::Cow<'_, str>> = words.iter().map(|w| (*w).into()).collect();
    for (i, w) in words.iter().enumerate() {
        let key = fold(w);
        if key == *w {
            continue; // unmarked text is restoration's business
        }
        let Some((seq, kinds)) = TERRITORY
            .iter()
            .find(|(seq, _)| seq.len() == 1 && fold(seq[0]) == key && w.to_lowercase() != seq[0])
        else {
            continue;
        };
        let named = (1..=3).rev().any(|n| {
            words.get(i + 1..i + 1 + n).is_some_and(|ws| {
                let span = ws.join(" ");
                let span = span.trim_end_matches(|c: char| !c.is_alphanumeric());
                ws.iter().all(|w| w.starts_with(char::is_uppercase)) && g_has(span, kinds)
            })
        });
        if named {
            out[i] = seq[0].into();
        }
    }
    out
}

/// True when some name of the given kinds has the letters of `name`.
fn g_has(name: &str, kinds: &[Kind]) -> bool {
    let key = fold(name);
    kinds
        .iter()
        .any(|k| GAZETTEER.by_fold.contains_key(&(*k, key.clone())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agencies_snap_to_their_listed_form() {
        assert_eq!(
            snap_agency("Phong Tài chính - Kế hoạch"),
            "Phòng Tài chính - Kế hoạch"
        );
        assert_eq!(snap_agency("Sở Ngoại vụ"), "Sở Ngoại vụ");
        assert_eq!(
            snap_agency("Ủy ban nhân dân xã Tịnh Hà"),
            "Ủy ban nhân dân xã Tịnh Hà"
        );
    }

    #[test]
    fn mis_marked_territory_words_before_a_listed_name_are_mended() {
        assert_eq!(
            snap_territories("UBND Huyền Sơn Tinh"),
            "UBND huyện Sơn Tịnh"
        );
        assert_eq!(
            snap_territories("UBND Huyền Sơn Tịnh;"),
            "UBND huyện Sơn Tịnh;"
        );
        // Not before a listed name of that kind: left alone.
        assert_eq!(snap_territories("ông Huyền Trang"), "ông Huyền Trang");
        assert_eq!(snap_territories("xã Tỉnh Hà"), "xã Tịnh Hà");
    }

    #[test]
    fn places_snap_to_the_one_listed_form() {
        assert_eq!(snap_place("Sơn Tình"), "Sơn Tịnh");
        assert_eq!(snap_place("Hải Phòng"), "Hải Phòng");
        // Unmarked text is restoration's business.
        assert_eq!(snap_place("Hai Phong"), "Hai Phong");
        assert_eq!(snap_place("Hải Phong"), "Hải Phòng");
        // A province and a district with these letters: left as read.
        assert_eq!(snap_place("Phụ Yên"), "Phụ Yên");
        // Not a listed name: left as read.
        assert_eq!(snap_place("TP. Hồ Chí Minh"), "TP. Hồ Chí Minh");
    }

    #[test]
    fn names_after_territory_words_snap() {
        assert_eq!(
            snap_territories("Ủy ban nhân dân xã Tỉnh Hà về việc"),
            "Ủy ban nhân dân xã Tịnh Hà về việc"
        );
        assert_eq!(
            snap_territories("UBND huyện Sơn Tình."),
            "UBND huyện Sơn Tịnh."
        );
        assert_eq!(snap_territories("UBND tỉnh (b/c)"), "UBND tỉnh (b/c)");
        assert_eq!(
            snap_territories("Sở Nội vụ tỉnh Quảng Trị"),
            "Sở Nội vụ tỉnh Quảng Trị"
        );
        // Capitals stay capitals.
        assert_eq!(
            snap_territories("UBND HUYỆN SƠN TÌNH"),
            "UBND HUYỆN SƠN TỊNH"
        );
        assert_eq!(
            snap_territories("UBND HUYỆN SƠN TỊNH"),
            "UBND HUYỆN SƠN TỊNH"
        );
        // A lower-case `xa` (far) is no territory word.
        assert_eq!(snap_territories("xa Tinh Ha"), "xa Tinh Ha");
    }

    #[test]
    fn family_names_snap() {
        assert_eq!(snap_person("Đỉnh Thị Ngọc Diệp"), "Đinh Thị Ngọc Diệp");
        assert_eq!(snap_person("Trần Thị Minh Hằng"), "Trần Thị Minh Hằng");
        assert_eq!(snap_person("Nguyen Van A"), "Nguyen Van A");
        assert_eq!(snap_person("Nguyến Văn A"), "Nguyễn Văn A");
        // `La` and `Lã` are both family names: left as read.
        assert_eq!(snap_person("Lạ Văn Bình"), "Lạ Văn Bình");
        assert!(is_surname("Đinh") && !is_surname("Đỉnh"));
        assert_eq!(snap_person("ĐỈNH VĂN AN"), "ĐINH VĂN AN");
    }

    /// data/gazetteer.tsv is exactly the province, district, ward and surname rows of the
    /// project's names.tsv.
    #[test]
    fn data_matches_names_tsv() {
        let p = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../dictionaries/data/names.tsv"
        );
        let Ok(names) = std::fs::read_to_string(p) else {
            panic!("{p}: names.tsv not found");
        };
        let want: Vec<&str> = names
            .lines()
            .filter(|l| {
                l.split_once('\t').is_some_and(|(_, k)| {
                    matches!(
                        k,
                        "province" | "district" | "ward" | "person-surname" | "agency" | "position"
                    )
                })
            })
            .collect();
        let got: Vec<&str> = DATA.lines().collect();
        assert_eq!(
            got.len(),
            want.len(),
            "regenerate data/gazetteer.tsv (see its module doc)"
        );
        assert!(got == want, "regenerate data/gazetteer.tsv");
    }

    #[test]
    fn a_position_is_the_listed_one_its_marks_spell() {
        assert_eq!(position_suffix("THỨ TRƯỞNG"), Some("Thứ trưởng"));
        assert_eq!(position_suffix("KT. BỘ TRƯỞNG"), Some("Bộ trưởng"));
        assert_eq!(position_suffix("THỦ TRƯỞNG"), Some("Thủ trưởng"));
        assert_eq!(position_suffix("Phó Giám đốc"), Some("Phó Giám đốc"));
        // unmarked, both are as near: none
        assert_eq!(position_suffix("THU TRUONG"), None);
        assert_eq!(position_near("YHỦ TƯỚNG"), Some("Thủ tướng"));
        assert_eq!(position_near("PHÓ CHỦ TỊCK"), Some("Phó Chủ tịch"));
        // between two titles, or a short one, or two letters off: nothing
        assert_eq!(position_near("THỦ TƯỞNG"), None);
        assert_eq!(position_near("THƯ KÝ"), None);
        assert_eq!(position_near("YHỦ TƯỚMG"), None);
        assert_eq!(position_near("4G 'HỦ TƯỚNG"), None);
        assert_eq!(position_near("Lê Minh Hưng"), None);
    }
}
