//! Text helpers shared by the extractors: NFC with the new tone placement, a mark-free "folded" form
//! that keeps a byte map back to the original (so patterns can be matched on OCR-damaged or
//! unmarked text and the printed form still returned), and the sentence casing of header names.

use unicode_normalization::char::decompose_canonical;
use unicode_normalization::UnicodeNormalization;

/// A line of text in lower case without Vietnamese marks (`đ` → `d`), with, for every byte of the
/// folded string, the byte offset of the original character it came from.
#[derive(Debug, Clone)]
pub(crate) struct Folded {
    /// The folded text: same characters as the original, one for one.
    pub s: String,
    /// `map[i]` = byte offset in the original of the character at folded byte `i`; one extra entry
    /// at the end holds the original's length.
    map: Vec<usize>,
}

impl Folded {
    /// Folds `orig` character by character.
    pub fn new(orig: &str) -> Folded {
        let mut s = String::with_capacity(orig.len());
        let mut map = Vec::with_capacity(orig.len() + 1);
        for (i, c) in orig.char_indices() {
            let f = fold_char(c);
            for _ in 0..f.len_utf8() {
                map.push(i);
            }
            s.push(f);
        }
        map.push(orig.len());
        Folded { s, map }
    }

    /// The byte offset in the original of folded byte offset `i`.
    pub fn orig(&self, i: usize) -> usize {
        self.map
            .get(i)
            .copied()
            .unwrap_or_else(|| self.map.last().copied().unwrap_or(0))
    }
}

/// Superscript digits (`47¹²`, how OCR reads digits written small into a blank) as plain digits.
pub(crate) fn plain_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '⁰' => '0',
            '¹' => '1',
            '²' => '2',
            '³' => '3',
            '⁴' => '4',
            '⁵' => '5',
            '⁶' => '6',
            '⁷' => '7',
            '⁸' => '8',
            '⁹' => '9',
            c => c,
        })
        .collect()
}

/// One character in lower case without marks; `đ`/`Đ` become `d`.
pub(crate) fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if c == 'đ' || c == 'Đ' {
        return 'd';
    }
    let mut base = c;
    decompose_canonical(c, |d| {
        if base == c && !is_mark(d) {
            base = d;
        }
    });
    base.to_lowercase().next().unwrap_or(base)
}

/// The folded form of a whole string.
pub(crate) fn fold(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

fn is_mark(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

/// NFC, with `Ð` read as `Đ` and the old tone placement (`hoà`, `uỷ`) moved to the new one
/// (`hòa`, `ủy`); spaces collapsed and the ends trimmed.
pub fn normalize(s: &str) -> String {
    // The Icelandic eth (`Ð`, `ð`) OCR gives for `Đ` is the Vietnamese letter.
    let nfc: String = s
        .nfc()
        .map(|c| match c {
            'Ð' => 'Đ',
            'ð' => 'đ',
            c => c,
        })
        .collect();
    let mut out = String::with_capacity(nfc.len());
    for word in nfc.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        push_new_tone(word, &mut out);
    }
    out
}

/// The tone mark of a precomposed vowel, if any, and the vowel without it.
fn split_tone(c: char) -> (char, Option<char>) {
    let mut base = String::new();
    let mut tone = None;
    decompose_canonical(c, |d| match d {
        '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}' => tone = Some(d),
        _ => base.push(d),
    });
    if tone.is_none() {
        return (c, None);
    }
    let b = base.nfc().next().unwrap_or(c);
    (b, tone)
}

fn with_tone(c: char, tone: char) -> char {
    let s: String = [c, tone].iter().collect();
    s.nfc().next().unwrap_or(c)
}

/// Writes `word` with the new tone placement: in an open syllable ending in `oa`, `oe` or `uy`
/// (not after `q`), the tone goes on the first of the two vowels.
fn push_new_tone(word: &str, out: &mut String) {
    let chars: Vec<char> = word.chars().collect();
    // The syllable's letters end at the first non-letter (punctuation after the word stays).
    let end = chars
        .iter()
        .position(|c| !c.is_alphabetic())
        .unwrap_or(chars.len());
    if end >= 2 {
        let (last, tone) = split_tone(chars[end - 1]);
        let prev = chars[end - 2];
        let pair = [fold_char(prev), fold_char(last)];
        let bare_prev = prev.to_lowercase().next() == Some(fold_char(prev));
        let after_q = end >= 3 && fold_char(chars[end - 3]) == 'q';
        if let Some(t) = tone {
            if matches!(pair, ['o', 'a'] | ['o', 'e'] | ['u', 'y']) && bare_prev && !after_q {
                for &c in &chars[..end - 2] {
                    out.push(c);
                }
                out.push(with_tone(prev, t));
                out.push(last);
                for &c in &chars[end..] {
                    out.push(c);
                }
                return;
            }
        }
    }
    out.push_str(word);
}

/// Heads of a body's name: the word after one starts the body's field and is capitalised
/// (`Sở Ngoại vụ`, `Ban Quản lý`), longest first; compared folded.
const HEADS: &[&[&str]] = &[
    &["ủy", "ban", "nhân", "dân"],
    &["hội", "đồng", "nhân", "dân"],
    &["văn", "phòng"],
    &["bệnh", "viện"],
    &["chi", "cục"],
    &["tổng", "cục"],
    &["trung", "tâm"],
    &["thanh", "tra"],
    &["sở"],
    &["bộ"],
    &["cục"],
    &["ban"],
    &["phòng"],
    &["viện"],
    &["trường"],
];

/// Words that open a place name: the words after them are a proper name and capitalised.
pub(crate) const TERRITORY: &[&[&str]] = &[
    &["tỉnh"],
    &["thành", "phố"],
    &["huyện"],
    &["quận"],
    &["thị", "xã"],
    &["thị", "trấn"],
    &["xã"],
    &["phường"],
];

/// Units capitalised inside a name (`Khu kinh tế`).
const UNITS: &[&str] = &["khu"];

/// Common nouns of body names, written in lower case inside a field name (compared folded).
const COMMON: &[&str] = &[
    "uy", "ban", "nhan", "dan", "kinh", "te", "quan", "ly", "cong", "nghiep", "che", "xuat", "cao",
    "va", "cua", "dai", "hoc", "doan", "dang", "lien", "hanh", "chinh", "phu", "nha", "nuoc",
    "tai", "nguyen", "moi", "truong", "ke", "hoach", "dau", "tu", "giao", "thong", "van", "xay",
    "dung", "y", "duc", "dao", "tao", "noi", "ngoai", "vu", "phap", "thuong", "lao", "dong",
    "binh", "xa", "hoi", "khoa", "nong", "phat", "trien", "hoa", "the", "thao", "du", "lich",
    "thanh", "tra", "tin", "truyen", "an", "ninh", "su", "kiem", "sat", "toa", "thue", "kho",
    "bac", "bao", "hiem", "ngan", "hang", "dich", "mat", "tran", "to", "quoc", "chuc", "nganh",
    "doanh", "luc", "luong", "don", "vi", "co", "thu", "ky", "dieu", "tiet", "tam", "trung",
    "phong", "so", "bo", "cuc", "vien", "khu", "chi", "tong", "ho", "tich", "quy", "dat", "cap",
    "dien", "ca",
];

/// Acronyms kept in capitals.
const ACRONYMS: &[&str] = &[
    "UBND", "HĐND", "TP", "TP.", "MTTQ", "VN", "CP", "TW", "KCN", "KKT",
];

/// True when the words from `i` on are `seq`: with their marks, or, for words written without
/// any mark (OCR that lost them), folded.
fn starts_with_seq(lower: &[String], i: usize, seq: &[&str]) -> bool {
    lower.get(i..i + seq.len()).is_some_and(|s| {
        s.iter().zip(seq).all(|(a, b)| {
            let a = a.trim_end_matches(|c: char| !c.is_alphanumeric());
            a == *b || (a.is_ascii() && a == fold(b))
        })
    })
}

/// True when the folded words start with the folded `seq` and the name goes on after it.
fn starts_with_folded(folded: &[String], seq: &[&str]) -> bool {
    folded.len() > seq.len() && folded.iter().zip(seq).all(|(a, b)| *a == fold(b))
}

/// Turns an ALL-CAPS header name into the sentence case a person writes: `SỞ NGOẠI VỤ` → `Sở
/// Ngoại vụ`, `UBND TỈNH BÌNH PHƯỚC` → `UBND tỉnh Bình Phước`, `BAN QUẢN LÝ KHU KINH TẾ HẢI
/// PHÒNG` → `Ban Quản lý Khu kinh tế Hải Phòng`. Text that is not all caps is returned normalized.
///
/// A small table drives it: heads of body names (sở, ban, ủy ban nhân dân ...) after which the
/// field's first word is capitalised; territory words (tỉnh, thành phố, huyện ...) written in lower
/// case and followed by a capitalised place name; common nouns kept in lower case; any other word
/// is taken for a proper name.
pub fn sentence_case(name: &str) -> String {
    let name = normalize(name);
    if !name.chars().any(char::is_alphabetic) || name.chars().any(char::is_lowercase) {
        return name;
    }
    let words: Vec<&str> = name.split(' ').collect();
    let folded: Vec<String> = words
        .iter()
        .map(|w| fold(w).chars().filter(|c| c.is_alphanumeric()).collect())
        .collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut proper = false; // inside a proper name
    let mut field_start = false; // the next word starts a field name
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let lw = w.to_lowercase();
        if ACRONYMS.contains(&w) {
            out.push(w.to_string());
            proper = false;
            field_start = false;
            i += 1;
            continue;
        }
        if !proper {
            // `xã hội` is a common noun, not a commune.
            let xa_hoi = folded[i] == "xa" && folded.get(i + 1).is_some_and(|f| f == "hoi");
            let territory = TERRITORY
                .iter()
                .find(|t| !xa_hoi && starts_with_seq(&lower, i, t));
            if let Some(t) = territory {
                for k in 0..t.len() {
                    let lw = words[i + k].to_lowercase();
                    out.push(if out.is_empty() { capitalize(&lw) } else { lw });
                }
                i += t.len();
                proper = true;
                field_start = false;
                continue;
            }
            // A name opens with its head: there a mis-marked head (`SƠ` for `SỞ`) is the head.
            let head = HEADS
                .iter()
                .find(|h| starts_with_seq(&lower, i, h))
                .map(|h| (h, false));
            let head = head.or_else(|| {
                (i == 0)
                    .then(|| HEADS.iter().find(|h| starts_with_folded(&folded, h)))
                    .flatten()
                    .map(|h| (h, true))
            });
            if let Some((h, canonical)) = head {
                for k in 0..h.len() {
                    let lw = if canonical {
                        h[k].to_string()
                    } else {
                        words[i + k].to_lowercase()
                    };
                    let cap = out.is_empty() || (field_start && k == 0);
                    out.push(if cap { capitalize(&lw) } else { lw });
                }
                i += h.len();
                field_start = true;
                continue;
            }
        }
        let f = folded[i].as_str();
        let joiner = f == "va" || f.is_empty();
        let common = COMMON.contains(&f);
        if joiner {
            out.push(lw);
            proper = false;
            field_start = true;
        } else if out.is_empty() || field_start || proper || UNITS.contains(&f) || !common {
            out.push(capitalize(&lw));
            proper = proper || (!common && !field_start);
            field_start = w.ends_with(',');
        } else {
            field_start = w.ends_with(',');
            out.push(lw);
        }
        i += 1;
    }
    out.join(" ")
}

/// True when `word` spells a Vietnamese syllable, in any case, marks in any placement: an onset,
/// a vowel nucleus Vietnamese writes (`uyê`, `ươi`; not `êa`), an optional final consonant
/// (`Trần`, `Nguyễn`; not `Tểan`, `Ksor`).
pub(crate) fn is_syllable(word: &str) -> bool {
    const ONSETS: [&str; 28] = [
        "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d", "đ", "g",
        "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
    ];
    const CODAS: [&str; 8] = ["ch", "ng", "nh", "c", "m", "n", "p", "t"];
    const NUCLEI: [&str; 55] = [
        "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "ay", "âu",
        "ây", "eo", "êu", "ia", "iê", "iêu", "iu", "oa", "oă", "oe", "oi", "ôi", "ơi", "oo", "ôô",
        "ua", "uâ", "uê", "ui", "uô", "uơ", "ưa", "ươ", "ưi", "ưu", "uy", "uya", "uyê", "yê",
        "yêu", "oai", "oay", "uây", "uôi", "ươi", "ươu", "oeo", "uyu",
    ];
    let w = vanban_restore::text::toneless(&normalize(word).to_lowercase());
    if w.is_empty() {
        return false;
    }
    ONSETS.iter().filter(|o| w.starts_with(**o)).any(|o| {
        let rest = &w[o.len()..];
        // `gì`, `gìn`: the onset `gi` before an `i` keeps it
        if rest.is_empty() {
            return *o == "gi";
        }
        let nucleus_ok = |n: &str| NUCLEI.contains(&n);
        nucleus_ok(rest)
            || CODAS.iter().any(|c| {
                rest.strip_suffix(c)
                    .is_some_and(|n| !n.is_empty() && nucleus_ok(n))
            })
    })
}

/// First letter upper case, the rest as given.
pub(crate) fn capitalize(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Turns a signer's ALL-CAPS title into the way it is written: `PHÓ CHỦ TỊCH` → `Phó Chủ tịch`,
/// `GIÁM ĐỐC` → `Giám đốc`, `PHÓ TRƯỞNG BAN` → `Phó Trưởng ban`.
pub fn title_case_position(title: &str) -> String {
    let t = normalize(title);
    if t.chars().any(|c| c.is_lowercase()) {
        return t;
    }
    let words: Vec<String> = t.split(' ').map(|w| w.to_lowercase()).collect();
    let mut out = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        // `Phó Chủ tịch`, `Chánh Văn phòng`, `Phó Chánh Thanh tra`: the role after `phó` or
        // `chánh` is capitalised too.
        let cap = i == 0 || (i > 0 && matches!(words[i - 1].as_str(), "phó" | "chánh"));
        out.push(if cap { capitalize(w) } else { w.clone() });
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn syllables_are_told_from_junk() {
        for w in [
            "Trần", "Nguyễn", "Nguyên", "Lê", "Quyết", "người", "khuya", "gì", "Đặng", "Huỳnh",
            "NGUYỄN", "hòa", "hoà", "Oanh", "yêu",
        ] {
            assert!(is_syllable(w), "{w}");
        }
        for w in ["Tểan", "Ksor", "Xguýễn", "đưếi", "2t", "", "tr"] {
            assert!(!is_syllable(w), "{w}");
        }
    }

    #[test]
    fn folds_marks_and_keeps_offsets() {
        let f = Folded::new("Số: 67/KH-NV, Đà Nẵng");
        assert_eq!(f.s, "so: 67/kh-nv, da nang");
        let i = f.s.find("67").unwrap();
        assert_eq!(
            &"Số: 67/KH-NV, Đà Nẵng"[f.orig(i)..f.orig(i + 8)],
            "67/KH-NV"
        );
    }

    #[test]
    fn moves_old_tone_placement() {
        assert_eq!(normalize("hoà  bình"), "hòa bình");
        assert_eq!(normalize("Uỷ ban"), "Ủy ban");
        assert_eq!(normalize("quý khoẻ hoàn thuỷ;"), "quý khỏe hoàn thủy;");
        assert_eq!(normalize("ho\u{61}\u{300}"), "hòa");
    }

    #[test]
    fn sentence_cases_header_names() {
        assert_eq!(sentence_case("SỞ NGOẠI VỤ"), "Sở Ngoại vụ");
        assert_eq!(
            sentence_case("UBND TỈNH BÌNH PHƯỚC"),
            "UBND tỉnh Bình Phước"
        );
        assert_eq!(
            sentence_case("UBND THÀNH PHỐ HẢI PHÒNG"),
            "UBND thành phố Hải Phòng"
        );
        assert_eq!(
            sentence_case("ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG"),
            "Ủy ban nhân dân thành phố Hải Phòng"
        );
        assert_eq!(
            sentence_case("BAN QUẢN LÝ KHU KINH TẾ HẢI PHÒNG"),
            "Ban Quản lý Khu kinh tế Hải Phòng"
        );
        assert_eq!(sentence_case("SỞ NỘI VỤ"), "Sở Nội vụ");
        // A head OCR mis-marked at the start of the name is still the head.
        assert_eq!(
            sentence_case("SƠ THÔNG TIN VÀ TRUYỀN THÔNG"),
            "Sở Thông tin và Truyền thông"
        );
        assert_eq!(normalize("QĐÐ-SGDĐT"), "QĐĐ-SGDĐT");
        assert_eq!(sentence_case("UBND HUYỆN AN LÃO"), "UBND huyện An Lão");
        assert_eq!(sentence_case("Sở Ngoại vụ"), "Sở Ngoại vụ");
        assert_eq!(
            sentence_case("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"),
            "Sở Tài nguyên và Môi trường"
        );
        assert_eq!(
            sentence_case("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH"),
            "Sở Văn hóa, Thể thao và Du lịch"
        );
        assert_eq!(sentence_case("ỦY BAN NHÂN DÂN"), "Ủy ban nhân dân");
        assert_eq!(
            sentence_case("CÔNG AN TỈNH BÌNH PHƯỚC"),
            "Công an tỉnh Bình Phước"
        );
        assert_eq!(
            sentence_case("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"),
            "Sở Lao động - Thương binh và Xã hội"
        );
        assert_eq!(
            sentence_case("SỞ THÔNG TIN VÀ TRUYỀN THÔNG"),
            "Sở Thông tin và Truyền thông"
        );
        assert_eq!(
            sentence_case("UBND TINH BINH PHUOC"),
            "UBND tinh Binh Phuoc"
        );
        assert_eq!(sentence_case("BỆNH VIỆN BẠCH MAI"), "Bệnh viện Bạch Mai");
        assert_eq!(
            sentence_case("ỦY BAN NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG"),
            "Ủy ban nhân dân thành phố Đà Nẵng"
        );
    }

    #[test]
    fn positions_are_written_as_titles() {
        assert_eq!(title_case_position("PHÓ CHỦ TỊCH"), "Phó Chủ tịch");
        assert_eq!(title_case_position("GIÁM ĐỐC"), "Giám đốc");
        assert_eq!(title_case_position("PHÓ TRƯỞNG BAN"), "Phó Trưởng ban");
        assert_eq!(title_case_position("CHÁNH VĂN PHÒNG"), "Chánh Văn phòng");
        assert_eq!(
            title_case_position("PHÓ CHÁNH VĂN PHÒNG"),
            "Phó Chánh Văn phòng"
        );
    }

    proptest! {
        #[test]
        fn normalize_is_nfc_and_idempotent(s in "\\PC{0,40}") {
            let n = normalize(&s);
            prop_assert!(unicode_normalization::is_nfc(&n));
            prop_assert_eq!(normalize(&n), n.clone());
        }

        #[test]
        fn folding_keeps_char_count(s in "\\PC{0,40}") {
            let f = Folded::new(&s);
            prop_assert_eq!(f.s.chars().count(), s.chars().count());
            prop_assert_eq!(f.orig(f.s.len()), s.len());
        }

        #[test]
        fn sentence_case_keeps_letters(s in "[A-ZĐÁÀẢÃẠƯỞỘ ]{0,30}") {
            let out = sentence_case(&s);
            prop_assert_eq!(fold(&out), fold(&normalize(&s)));
        }
    }
}
