//! Decree 30 metadata: the header (parent body, issuer, number, place and date, document type,
//! subject), the signature block (authority, position, name), the `Nơi nhận` list and the heading
//! tree; the documents cited in the text are found by [`crate::references`].
//!
//! Patterns are matched on the folded text (no marks, lower case), with room for the usual OCR
//! damage (`Sb:`, `S6:67 IKH-NV`, `ngay 29 thang9 ndam 2023`), and the printed form is cut from
//! the restored text through the folded form's byte map. On scans the two header columns and the
//! two bottom columns are told apart by word boxes; on text inputs by the national title, the motto
//! and the place-and-date patterns.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use vanban_doc::{BBox, Document, Evidence, Handwritten, Metadata, Section, Signer};

use crate::gazetteer::{
    is_surname, position_suffix, snap_agency, snap_person, snap_place, snap_territories,
};
use crate::lines::{doc_lines, TLine};
use crate::parts;
use crate::text::{fold, sentence_case, title_case_position};

/// Document types: folded name → name as written.
pub(crate) const TYPES: &[(&str, &str)] = &[
    ("nghi quyet", "Nghị quyết"),
    ("quyet dinh", "Quyết định"),
    ("chi thi", "Chỉ thị"),
    ("quy che", "Quy chế"),
    ("quy dinh", "Quy định"),
    ("thong cao", "Thông cáo"),
    ("thong bao", "Thông báo"),
    ("huong dan", "Hướng dẫn"),
    ("chuong trinh", "Chương trình"),
    ("ke hoach", "Kế hoạch"),
    ("phuong an", "Phương án"),
    ("de an", "Đề án"),
    ("du an", "Dự án"),
    ("bao cao", "Báo cáo"),
    ("bien ban", "Biên bản"),
    ("to trinh", "Tờ trình"),
    ("hop dong", "Hợp đồng"),
    ("cong dien", "Công điện"),
    ("ban ghi nho", "Bản ghi nhớ"),
    ("ban thoa thuan", "Bản thỏa thuận"),
    ("giay uy quyen", "Giấy ủy quyền"),
    ("giay moi", "Giấy mời"),
    ("giay gioi thieu", "Giấy giới thiệu"),
    ("giay nghi phep", "Giấy nghỉ phép"),
    ("phieu gui", "Phiếu gửi"),
    ("phieu chuyen", "Phiếu chuyển"),
    ("phieu bao", "Phiếu báo"),
    ("cong van", "Công văn"),
    ("luat", "Luật"),
    ("bo luat", "Bộ luật"),
    ("nghi dinh", "Nghị định"),
    ("thong tu lien tich", "Thông tư liên tịch"),
    ("thong tu", "Thông tư"),
    ("phap lenh", "Pháp lệnh"),
    ("van ban", "Văn bản"),
    ("ket luan", "Kết luận"),
];

/// Abbreviations of document types in a number's symbol (Decree 30, appendix III).
pub(crate) const TYPE_ABBR: &[(&str, &str)] = &[
    ("Nghị quyết", "NQ"),
    ("Quyết định", "QĐ"),
    ("Chỉ thị", "CT"),
    ("Quy chế", "QC"),
    ("Quy định", "QyĐ"),
    ("Thông cáo", "TC"),
    ("Thông báo", "TB"),
    ("Hướng dẫn", "HD"),
    ("Chương trình", "CTr"),
    ("Kế hoạch", "KH"),
    ("Phương án", "PA"),
    ("Đề án", "ĐA"),
    ("Dự án", "DA"),
    ("Báo cáo", "BC"),
    ("Biên bản", "BB"),
    ("Tờ trình", "TTr"),
    ("Hợp đồng", "HĐ"),
    ("Công điện", "CĐ"),
    ("Bản ghi nhớ", "BGN"),
    ("Bản thỏa thuận", "BTT"),
    ("Giấy ủy quyền", "GUQ"),
    ("Giấy mời", "GM"),
    ("Giấy giới thiệu", "GGT"),
    ("Giấy nghỉ phép", "GNP"),
    ("Phiếu gửi", "PG"),
    ("Phiếu chuyển", "PC"),
    ("Phiếu báo", "PB"),
    ("Nghị định", "NĐ"),
    ("Thông tư", "TT"),
    ("Thông tư liên tịch", "TTLT"),
];

/// A cited number whose type abbreviation OCR lengthened by one stray character (`TTI-VPCP`,
/// `QĐĐ-SGDĐT` for a Thông tư, a Quyết định) with the abbreviation its type gives.
pub(crate) fn snap_symbol(number: &str, document_type: Option<&str>) -> String {
    let Some(abbr) = document_type.and_then(|t| TYPE_ABBR.iter().find(|(n, _)| *n == t)) else {
        return number.to_string();
    };
    let abbr = abbr.1;
    let sym_start = number.rfind('/').map_or(0, |i| i + 1);
    let sym = &number[sym_start..];
    let first = sym.split('-').next().unwrap_or("");
    let Some(extra) = first.strip_prefix(abbr) else {
        return number.to_string();
    };
    let mut cs = extra.chars();
    let stray = match (cs.next(), cs.next()) {
        (Some(c), None) => matches!(c, 'I' | 'l' | '1' | '|' | '!') || abbr.ends_with(c),
        _ => false,
    };
    if !stray || !sym[first.len()..].starts_with('-') {
        return number.to_string();
    }
    format!("{}{abbr}{}", &number[..sym_start], &sym[first.len()..])
}

/// Confidence factor of a field found by the layout's main rule, and by a fallback.
const SURE: f32 = 0.95;
const FALLBACK: f32 = 0.6;

macro_rules! re {
    ($vis:vis $name:ident, $pat:expr) => {
        $vis static $name: LazyLock<Regex> =
            LazyLock::new(|| Regex::new($pat).expect("built-in pattern compiles"));
    };
}

// All patterns run on folded text.
re!(pub(crate) NATIONAL, r"c\S{1,2}ng\s*h\S{1,2}a\s+x\S{0,2}\s+h\S{1,2}i");
re!(MOTTO, r"\S{2,4}\s+l\S{1,2}p\s*[-–—]+\s*t\S{1,2}\s+d\S{1,2}");
re!(
    DATE_WORDS,
    r"ng\S{0,3}\s*(\d{1,2})\s*th\S{0,4}?\s*(\d{1,2})\s*n\S{0,3}?\s*(\d{4})"
);
re!(PLACE_DATE, r"[,.]?\s*ng\S{0,3}\s*\d{1,2}\s*th\S{0,4}?\s*\d");
re!(NUMBER_LINE, r"^s\S{0,2}?\s*[:;.]\s*|^s[o0-9b&¢]\s+\d");
// `V/v`, also as OCR reads it on scans: `'/y`, `"/v`, `\/v`, `|/v`, `V|v`.
re!(VV, r#"^(?:[vy'‘’"“”`\\|]\s*)?[/|]\s*[vy]\b\s*[:.]?\s*"#);
// `V/v` damaged beyond [`VV`], only trusted on the line right under the number: one short token
// of `v`, `y` and the marks OCR reads for the slash (`7y`, `y`, `v:`), then the subject.
re!(VV_DAMAGED, r#"^[7'‘’"“”`\\|/]{0,2}[vy][:.]?\s+"#);
// `Nơi nhận:`, also with its first letter misread or lost (`4Wơi nhận:`, `Mới nhận:`, `ơi nhận:`; the colon then
// required; not `Tôi nhận:`).
re!(
    pub(crate) NOI_NHAN,
    r"^(?:n\S{1,2}i\s+nh\S{1,2}[nt]\s*[:;.]?|(?:[^t\s]|\S\S)?oi\s+nh\S{1,2}n\s*:)"
);
// `nhận:` opening a line: `Nơi nhận:` with `Nơi` lost (a low-resolution scan), trusted only when
// the list follows (see [`lost_noi`]).
re!(NHAN_ONLY, r"^nh\S{1,2}n\s*:");
re!(AUTHORITY, r"^(tm|kt|tl|tuq|q)(?:\s*\.\s*|\s*,?\s+)");
re!(pub(crate) KEM_THEO, r"k\S{1,2}m\s+theo");
re!(PHU_LUC, r"^ph\S{1,2}\s+l\S{1,2}c\b");
re!(
    BODY_START,
    r"^(can cu|thuc hien|kinh gui|theo de nghi|xet de nghi|nham|ngay \d)"
);
// A preamble line of a decision: it never stands in the header.
re!(PREAMBLE, r"^(can cu|theo de nghi|xet de nghi)\b");
re!(
    HEADING,
    r"^(?:((?:x{0,3})(?:ix|iv|v?i{0,3}))\.\s+|(\d{1,2}(?:\.\d{1,2})*)\.\s+|(\d{1,2}(?:\.\d{1,2})+)\s+|([a-zđ])\)\s+|(dieu\s+\d{1,3})\.\s*|([-–+•])\s*)(.*)$"
);

/// Extracts the Decree 30 metadata of a document: from line text, with word boxes when present.
pub fn extract_metadata(doc: &Document) -> Metadata {
    let lines = doc_lines(doc);
    let mut m = Metadata::default();
    let mut conf = BTreeMap::new();
    let header = parse_header(&lines, &mut m, &mut conf);
    let tail = parse_signature(&lines, header.body_start, &mut m, &mut conf);
    if m.issuer.is_none() {
        if let Some((issuer, c)) = issuer_from_captions(&lines) {
            m.issuer = Some(issuer);
            conf.insert("issuer".into(), c * FALLBACK);
        }
    }
    m.references = crate::references::references(&lines, header.body_start, m.number.as_deref());
    if !m.references.is_empty() {
        conf.insert("references".into(), SURE);
    }
    m.sections = sections(&lines[header.body_start..tail.body_end]);
    crate::stamps::read_stamps(doc, &mut m);
    m.confidence = conf;
    m
}

/// Where the header ended.
struct HeaderEnd {
    /// First line of the body.
    body_start: usize,
}

/// True when a line is written in capitals (letters only counted).
fn is_caps(s: &str) -> bool {
    let mut any = false;
    for c in s.chars().filter(|c| c.is_alphabetic()) {
        if c.is_lowercase() {
            return false;
        }
        any = true;
    }
    any
}

/// The type a decision's enacting formula names, the whole line being the formula (`QUYẾT ĐỊNH:`,
/// `QUYẾT NGHỊ:` of a council's resolution).
fn enacting_type(folded: &str) -> Option<&'static str> {
    match folded.trim().trim_end_matches([':', ' ']) {
        "quyet dinh" if folded.contains(':') => Some("Quyết định"),
        "quyet nghi" if folded.contains(':') => Some("Nghị quyết"),
        _ => None,
    }
}

/// The document type named by a whole line (the centred title), if it is one.
fn type_of_title(l: &TLine) -> Option<&'static str> {
    let words: Vec<&str> = l
        .fold
        .s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    // The title may follow a speck or a stamp's edge read as one or two letters (`¬- h QUYẾT ĐỊNH`):
    // the words after at most two letters of junk, in capitals.
    for skip in 0..words.len().min(3) {
        let junk: usize = words[..skip].iter().map(|w| w.chars().count()).sum();
        if junk > 2 {
            break;
        }
        let letters = words[skip..].join(" ");
        if let Some((_, name)) = TYPES.iter().find(|(f, _)| *f == letters) {
            let tail_start = l.fold.s.find(words[skip]).unwrap_or(0);
            if is_caps(&l.text[l.fold.orig(tail_start)..]) {
                return Some(name);
            }
        }
    }
    None
}

/// Header lines sorted into the two columns.
#[derive(Default)]
struct Columns {
    left: Vec<TLine>,
    right: Vec<TLine>,
}

/// Splits the header lines into the left column (bodies, number, V/v) and the right column
/// (national title, motto, place and date).
fn split_header(lines: &[TLine]) -> Columns {
    let mut cols = Columns::default();
    // On scans: the national title's left edge divides the columns.
    let split_x = lines.iter().filter(|l| l.has_boxes()).find_map(|l| {
        let m = NATIONAL.find(&l.fold.s)?;
        let (_, right) = l.split_at_byte(l.fold.orig(m.start()));
        right
            .words
            .first()
            .and_then(|w| w.bbox)
            .map(|b| b.x0.saturating_sub(4))
    });
    for l in lines {
        if l.is_blank() {
            continue;
        }
        if l.has_boxes() {
            let x = split_x.unwrap_or((u64::from(l.page_width) * 45 / 100) as u32);
            let (a, b) = l.split_at_x(x);
            if !a.is_blank() {
                cols.left.push(a);
            }
            if !b.is_blank() {
                cols.right.push(b);
            }
            continue;
        }
        let f = &l.fold.s;
        let cut = [
            NATIONAL.find(f).map(|m| m.start()),
            MOTTO.find(f).map(|m| m.start()),
            place_start(l),
        ]
        .into_iter()
        .flatten()
        .min();
        match cut {
            Some(0) => cols.right.push(l.clone()),
            Some(i) => {
                let (a, b) = l.split_at_byte(l.fold.orig(i));
                if !a.is_blank() {
                    cols.left.push(a);
                }
                if !b.is_blank() {
                    cols.right.push(b);
                }
            }
            None => cols.left.push(l.clone()),
        }
    }
    cols
}

/// Byte offset (folded) where `<place>, ngày ...` starts in a line, if it has one: the capitalised
/// words before the date.
fn place_start(l: &TLine) -> Option<usize> {
    let m = PLACE_DATE.find(&l.fold.s)?;
    let before = &l.text[..l.fold.orig(m.start())];
    let mut start = before.len();
    let spans = word_spans(before);
    let mut taken = 0;
    for (i, w) in spans.iter().rev() {
        let first = w.chars().next().unwrap_or(' ');
        let name_like = first.is_uppercase()
            && !w.contains(|c: char| c.is_ascii_digit() || c == '/' || c == ':')
            && w.chars().count() > 1;
        if !name_like {
            break;
        }
        start = *i;
        taken += 1;
    }
    // A unit named after a person or a number is written with its kind (Decree 30): `Thành phố
    // Hồ Chí Minh`, `Phường 12`; the kind's second word is not capitalised.
    let rest = &spans[..spans.len() - taken];
    let kind = |n: usize| {
        rest.len() >= n && {
            let ws: Vec<&str> = rest[rest.len() - n..].iter().map(|s| s.1).collect();
            let folded = fold(&ws.join(" "));
            ws[0].chars().next().is_some_and(char::is_uppercase)
                && crate::text::TERRITORY
                    .iter()
                    .any(|t| fold(&t.join(" ")) == folded)
        }
    };
    if taken > 0 {
        if kind(2) {
            start = rest[rest.len() - 2].0;
        } else if kind(1) {
            start = rest[rest.len() - 1].0;
        }
    }
    // Back to folded offsets: the folded string has the same characters.
    let chars = l.text[..start].chars().count();
    Some(
        l.fold
            .s
            .char_indices()
            .nth(chars)
            .map_or(l.fold.s.len(), |(i, _)| i),
    )
}

/// Words of a string with their byte offsets.
fn word_spans(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            if let Some(st) = start.take() {
                out.push((st, &s[st..i]));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        out.push((st, &s[st..]));
    }
    out
}

fn parse_header(lines: &[TLine], m: &mut Metadata, conf: &mut BTreeMap<String, f32>) -> HeaderEnd {
    let limit = lines.len().min(40);
    // The title line, else the first line of the body.
    let mut title = None;
    // The title stands below the number (a name wrapped as `PHÒNG TÀI CHÍNH -` / `KẾ HOẠCH` above
    // it is not a title).
    let from = lines[..limit]
        .iter()
        .position(|l| NUMBER_LINE.is_match(&l.fold.s))
        .map_or(0, |i| i + 1);
    for (i, l) in lines[..limit].iter().enumerate().skip(from) {
        // The title stands above the preamble: `QUYẾT ĐỊNH:` after `Căn cứ …` is the enacting
        // formula, and a title OCR damaged beyond reading is no reason to skip the preamble.
        if PREAMBLE.is_match(&l.fold.s) {
            break;
        }
        if let Some(t) = type_of_title(l) {
            title = Some((i, t));
            break;
        }
    }
    let zone_end = match title {
        Some((i, _)) => i,
        None => lines[..limit]
            .iter()
            .position(|l| BODY_START.is_match(&l.fold.s) || is_heading_line(l))
            .unwrap_or(limit.min(12)),
    };
    let cols = split_header(&lines[..zone_end]);

    // Place and date: in the right column, else a `<place>, ngày` line of the left one, else such
    // a line read out of order (after the title) before the body starts. Never a date of the body.
    let body_guard = lines[..limit]
        .iter()
        .position(|l| BODY_START.is_match(&l.fold.s))
        .unwrap_or(limit);
    let late: Vec<TLine> = lines[zone_end.min(body_guard)..body_guard]
        .iter()
        .filter(|l| has_place_prefix(l))
        .cloned()
        .collect();
    let page_top = &lines[..limit];
    let dated = place_date_line(&cols.right, false, page_top)
        .or_else(|| place_date_line(&cols.left, true, page_top))
        .or_else(|| place_date_line(&late, true, page_top));
    if let Some((l, d)) = dated {
        m.issued_date = parts::whole_date(&d.parts);
        if m.issued_date.is_some() {
            conf.insert("issued_date".into(), d.conf * l.conf() * SURE);
        }
        let ev = parts::line_evidence(&l);
        m.evidence.insert("issued_date".into(), ev.clone());
        let place = l.text[..d.start].trim_end_matches([',', '.', ' ']).trim();
        let place = place_start(&l)
            .map(|s| &l.text[l.fold.orig(s).min(place.len())..place.len()])
            .unwrap_or(place)
            .trim();
        if place.starts_with(char::is_uppercase) {
            m.place = Some(snap_place(place));
            conf.insert("place".into(), l.conf() * SURE);
            m.evidence.insert("place".into(), ev);
        }
        m.date_parts = Some(d.parts);
        m.handwritten.extend(d.hand);
    }

    // Left column: names, then `Số:`, then `V/v`.
    let num_idx = cols
        .left
        .iter()
        .position(|l| NUMBER_LINE.is_match(&l.fold.s));
    let name_end = num_idx.unwrap_or_else(|| {
        cols.left
            .iter()
            .position(|l| !is_caps(&l.text) || type_of_title(l).is_some())
            .unwrap_or(cols.left.len())
    });
    // A body's name has two words at least (`BỘ Y TẾ`); a lone word in capitals there is a
    // fragment of something else (`CHÍNH` from a digital-signature box above the header).
    // A word OCR all but gave up on that is no word of any body's name (`ĐÓNG CHIN` at 0.00, a
    // rule under the name at 100 dpi) makes the line no name; `SỞ THÔNG TIN` read at 0.00 is one.
    let name_like = |l: &TLine| {
        let junk = l
            .words
            .iter()
            .any(|w| w.conf < 0.3 && !crate::gazetteer::body_word(&w.text));
        !junk
            && l.text
                .split_whitespace()
                .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
                .count()
                >= 2
    };
    let names: Vec<&TLine> = cols.left[..name_end]
        .iter()
        .filter(|l| is_caps(&l.text) && !NATIONAL.is_match(&l.fold.s) && name_like(l))
        .collect();
    assign_bodies(&names, m, conf);

    if let Some(i) = num_idx {
        let l = &cols.left[i];
        // The match may end on the number's first digit: start the rest there.
        let cut = NUMBER_LINE.find(&l.fold.s).map_or(0, |x| {
            x.end() - usize::from(x.as_str().ends_with(|c: char| c.is_ascii_digit()))
        });
        let mut rest = l.text[l.fold.orig(cut)..].to_string();
        // A number split across lines: `67/KH-` + `NV`.
        if rest.trim_end().ends_with(['-', '/']) {
            if let Some(next) = cols.left.get(i + 1) {
                if !VV.is_match(&next.fold.s) {
                    rest.push_str(next.text.split(' ').next().unwrap_or(""));
                }
            }
        }
        // `Số:` alone on its line, the symbol on the next: `Số:` / `/QĐ-UBND`. Between them stands
        // the blank, where the number may be handwritten.
        let mut blank_between: Option<BBox> = None;
        if rest.trim().is_empty() {
            if let Some(next) = cols.left.get(i + 1) {
                if next.text.trim_start().starts_with('/') {
                    rest = next.text.clone();
                    blank_between = gap_between(l, next);
                }
            }
        }
        let rest_start = l.fold.orig(cut);
        m.evidence.insert("number".into(), parts::line_evidence(l));
        // The digits as OCR read them (the restorer makes words of handwriting: `9B` → `Sự`), the
        // symbol as restored (`QD-TTg` → `QĐ-TTg`).
        let restored = parts::read_number(l, rest_start, &rest);
        let raw = {
            let rl = l.raw_line();
            NUMBER_LINE.find(&rl.fold.s).and_then(|x| {
                let c = x.end() - usize::from(x.as_str().ends_with(|c: char| c.is_ascii_digit()));
                let start = rl.fold.orig(c);
                let mut raw_rest = rl.text[start..].to_string();
                if raw_rest.trim().is_empty() {
                    raw_rest = rest.clone();
                }
                parts::read_number(&rl, start, &raw_rest)
            })
        };
        let read = match (raw, restored) {
            (Some(mut a), Some(b)) => {
                a.parts.symbol = b.parts.symbol.or(a.parts.symbol);
                a.whole = a
                    .parts
                    .seq
                    .as_ref()
                    .zip(a.parts.symbol.as_ref())
                    .map(|(s, y)| format!("{s}/{y}"));
                Some(a)
            }
            (a, b) => a.or(b),
        };
        if let Some(r) = read {
            m.number = r.whole;
            if m.number.is_some() {
                conf.insert("number".into(), r.conf.min(l.conf()) * SURE);
            }
            if let (None, None, Some(gap)) = (&r.hand, &r.parts.seq, blank_between) {
                m.handwritten.push(Handwritten {
                    part: "number.seq".into(),
                    text: None,
                    conf: 0.0,
                    accepted: false,
                    evidence: Some(Evidence {
                        page: l.page,
                        bbox: Some(gap),
                        text: String::new(),
                    }),
                });
            }
            m.number_parts = Some(r.parts);
            m.handwritten.extend(r.hand);
        } else {
            match parse_number(&rest) {
                NumberField::Found(n) => {
                    let (seq, symbol) = n.split_once('/').unwrap_or((&n, ""));
                    m.number_parts = Some(vanban_doc::NumberParts {
                        seq: Some(seq.to_string()),
                        symbol: (!symbol.is_empty()).then(|| symbol.to_string()),
                    });
                    m.number = Some(n);
                    conf.insert("number".into(), l.conf() * SURE);
                }
                NumberField::Blank => {
                    m.number_parts = Some(vanban_doc::NumberParts::default());
                }
                NumberField::None => {}
            }
        }
    }

    own_symbol_checked(m, conf);

    // Type and subject.
    let mut body_start = zone_end;
    if let Some((i, t)) = title {
        m.document_type = Some(t.to_string());
        conf.insert("document_type".into(), lines[i].conf() * SURE);
        let mut subject: Vec<&TLine> = Vec::new();
        let mut j = i + 1;
        while j < lines.len() && subject.len() < 6 {
            let l = &lines[j];
            if l.is_blank() {
                if subject.is_empty() {
                    j += 1;
                    continue;
                }
                break;
            }
            let starts_body = BODY_START.is_match(&l.fold.s)
                || is_heading_line(l)
                || NOI_NHAN.is_match(&l.fold.s)
                || l.text.contains("./.");
            let block_change = subject
                .last()
                .is_some_and(|p| p.page_width > 0 && p.block != l.block);
            let caps_after = !subject.is_empty()
                && is_caps(&l.text)
                && !subject.iter().all(|s| is_caps(&s.text));
            if starts_body || block_change || caps_after {
                break;
            }
            subject.push(l);
            j += 1;
        }
        if !subject.is_empty() {
            let text = snap_territories(&join_lines(subject.iter().map(|l| l.text.as_str())));
            let c = subject.iter().map(|l| l.conf()).fold(1.0, f32::min);
            m.subject = Some(text);
            conf.insert("subject".into(), c * SURE);
        }
        body_start = j;
    }

    // Công văn: the `V/v` lines under the number. Right under it, a first token made only of
    // what OCR makes of `V/v` (`7y`, and `ý` once restored) counts too.
    let vv = cols
        .left
        .iter()
        .enumerate()
        .find_map(|(i, l)| VV.find(&l.fold.s).map(|x| (i, x.end())))
        .or_else(|| {
            let i = num_idx? + 1;
            let l = cols.left.get(i)?;
            if let Some(x) = VV_DAMAGED.find(&l.fold.s) {
                return Some((i, x.end()));
            }
            // The restorer may have made a word of it (`7y` → `ty`): the OCR's own reading.
            let raw = format!("{} ", fold(&l.words.first()?.raw));
            let whole = VV_DAMAGED.find(&raw)?.end() == raw.len();
            whole.then(|| l.fold.s.find(' ').map(|e| (i, e + 1)))?
        });
    if let Some((v, cut)) = vv {
        let first = &cols.left[v];
        let mut parts = vec![first.text[first.fold.orig(cut)..].to_string()];
        let mut c = first.conf();
        for l in &cols.left[v + 1..] {
            if NUMBER_LINE.is_match(&l.fold.s)
                || BODY_START.is_match(&l.fold.s)
                || type_of_title(l).is_some()
            {
                break;
            }
            parts.push(l.text.clone());
            c = c.min(l.conf());
        }
        if m.document_type.is_none() {
            m.document_type = Some("Công văn".into());
            conf.insert("document_type".into(), c * SURE);
            m.subject = Some(snap_territories(&join_lines(
                parts.iter().map(String::as_str),
            )));
            conf.insert("subject".into(), c * SURE);
        }
    } else if m.document_type.is_none() {
        if let Some(n) = &m.number {
            // A number with no type abbreviation (`4306/UBND-KSTTHC`) is a công văn's.
            if !number_has_type(n) {
                m.document_type = Some("Công văn".into());
                conf.insert("document_type".into(), FALLBACK);
            }
        }
    }
    // No title read above the preamble and no công văn: a decision's enacting formula
    // (`QUYẾT ĐỊNH:` after `Căn cứ …`) still names its type.
    if m.document_type.is_none() {
        if let Some(t) = lines[zone_end..]
            .iter()
            .take(30)
            .take_while(|l| !is_heading_line(l))
            .find_map(|l| enacting_type(&l.fold.s))
        {
            m.document_type = Some(t.to_string());
            conf.insert("document_type".into(), FALLBACK);
        }
    }
    // `Số: 86/KHI-STTTT` under a `KẾ HOẠCH` title: the stray letter goes.
    if let Some(n) = &m.number {
        m.number = Some(snap_symbol(n, m.document_type.as_deref()));
    }
    if let Some(p) = m.number_parts.as_mut() {
        if let Some(sym) = &p.symbol {
            let snapped = snap_symbol(&format!("0/{sym}"), m.document_type.as_deref());
            p.symbol = Some(snapped[2..].to_string());
        }
    }
    HeaderEnd { body_start }
}

/// A line that opens with a place and `ngày`: one to four capitalised words, then a comma.
fn has_place_prefix(l: &TLine) -> bool {
    let Some(i) = l.fold.s.find(" ngay").or_else(|| l.fold.s.find(",ngay")) else {
        return false;
    };
    let before = l.text[..l.fold.orig(i)].trim();
    let words: Vec<&str> = before.split_whitespace().collect();
    (1..=4).contains(&words.len())
        && before.ends_with(',')
        && words.iter().all(|w| w.starts_with(char::is_uppercase))
}

/// The first place-and-date line of a column, a line cut after `ngày` joined with the next
/// (`Hà Nội, ngày` / `tháng năm 2026`); in the left column (`need_place`) only a line that opens
/// with a place. On scans the rest of a cut line may have been read as a line of its own further
/// on (`tháng năm 2026` after the title): a line of `all` on the same row, right of it, joins it.
fn place_date_line(
    col: &[TLine],
    need_place: bool,
    all: &[TLine],
) -> Option<(TLine, parts::DateRead)> {
    for (i, l) in col.iter().enumerate() {
        if need_place && !has_place_prefix(l) {
            continue;
        }
        if let Some(d) = read_date_raw(l) {
            return Some((l.clone(), d));
        }
        let f = l.fold.s.trim_end();
        let cut_after_ngay = f.ends_with("ngay") || f.ends_with("ngay,");
        if !cut_after_ngay {
            continue;
        }
        let same_row = all
            .iter()
            .find(|o| o.page == l.page && same_row_after(l, o));
        for next in same_row.into_iter().chain(col.get(i + 1)) {
            let mut words = l.words.clone();
            words.extend(next.words.iter().cloned());
            let joined = TLine::new(l.page, l.page_width, l.block, words);
            if let Some(d) = read_date_raw(&joined) {
                return Some((joined, d));
            }
        }
    }
    None
}

/// The date's parts read from OCR's own digits (the restorer turns handwriting into words), with
/// the place's end from the restored line.
fn read_date_raw(l: &TLine) -> Option<parts::DateRead> {
    let restored = parts::read_date(l);
    let Some(mut raw) = parts::read_date(&l.raw_line()) else {
        return restored;
    };
    match restored {
        Some(r) => {
            raw.start = r.start;
            Some(raw)
        }
        // No date in the restored line: the place is cut from the raw line's offsets.
        None => {
            let words = l.text.split(' ').count();
            let raw_words = l.raw_line().text[..raw.start].split(' ').count();
            (words >= raw_words).then(|| {
                raw.start = l
                    .text
                    .split(' ')
                    .take(raw_words.saturating_sub(1))
                    .map(|w| w.len() + 1)
                    .sum();
                raw
            })
        }
    }
}

/// True when `o` stands on the same printed row as `l`, to its right (boxes overlap by half a
/// line's height).
fn same_row_after(l: &TLine, o: &TLine) -> bool {
    let bb = |t: &TLine| {
        t.words
            .iter()
            .filter_map(|w| w.bbox)
            .reduce(|a, b| a.union(b))
    };
    let (Some(a), Some(b)) = (bb(l), bb(o)) else {
        return false;
    };
    let overlap = a.y1.min(b.y1).saturating_sub(a.y0.max(b.y0));
    b.x0 >= a.x1 && overlap * 2 >= a.height().min(b.height())
}

/// Joins wrapped lines with single spaces.
fn join_lines<'a>(it: impl Iterator<Item = &'a str>) -> String {
    let mut s = String::new();
    for p in it {
        let p = p.trim();
        if p.is_empty() {
            continue;
        }
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(p);
    }
    s
}

/// True when the symbol's first part after the number is a document type abbreviation.
fn number_has_type(n: &str) -> bool {
    const ABBR: &[&str] = &[
        "NQ", "QĐ", "CT", "QC", "QyĐ", "TC", "TB", "HD", "CTr", "KH", "PA", "ĐA", "DA", "BC", "BB",
        "TTr", "HĐ", "CĐ", "BGN", "BTT", "GUQ", "GM", "GGT", "GNP", "PG", "PC", "PB", "NĐ", "TT",
        "SY", "TrS", "SL", "L", "QH", "TTLT",
    ];
    let sym = n.rsplit('/').next().unwrap_or("");
    let first = sym.split('-').next().unwrap_or("");
    ABBR.contains(&first)
}

/// The document's own symbol put right where OCR damaged it as a cited one would be
/// (`OĐ-TTg` → `QĐ-TTg`), and dropped, with the whole number, where it stays doubtful
/// ([`crate::symbols::doubtful`]): a wrong number is worse than none.
fn own_symbol_checked(m: &mut Metadata, conf: &mut BTreeMap<String, f32>) {
    let Some(parts) = m.number_parts.as_mut() else {
        return;
    };
    let Some(sym) = parts.symbol.as_mut() else {
        return;
    };
    let fixed = crate::symbols::repair_number(sym);
    if crate::symbols::doubtful(&fixed) {
        parts.symbol = None;
        m.number = None;
        conf.remove("number");
        return;
    }
    if fixed != *sym {
        *sym = fixed;
        if let (Some(seq), Some(sym)) = (&parts.seq, &parts.symbol) {
            if m.number.is_some() {
                m.number = Some(format!("{seq}/{sym}"));
            }
        }
    }
}

/// The parent body and the issuer from the capitalised names of the left column.
fn assign_bodies(names: &[&TLine], m: &mut Metadata, conf: &mut BTreeMap<String, f32>) {
    if names.is_empty() {
        return;
    }
    // `ỦY BAN NHÂN DÂN` + `THÀNH PHỐ HẢI PHÒNG` on two lines is one name.
    let mut groups: Vec<Vec<&TLine>> = Vec::new();
    for l in names {
        let starts_territory = {
            let f = l.fold.s.trim_start();
            [
                "tinh ",
                "thanh pho ",
                "huyen ",
                "quan ",
                "thi xa ",
                "xa ",
                "phuong ",
                "thi tran ",
            ]
            .iter()
            .any(|p| f.starts_with(p))
        };
        let prev_generic = groups.last().and_then(|g| g.last()).is_some_and(|p| {
            // letters only: a speck read as a stop (`ỦY BAN NHÂN DÂN.`) is no part of it
            let f: String = p
                .fold
                .s
                .chars()
                .filter(|c| c.is_alphabetic() || *c == ' ')
                .collect();
            let f = f.trim();
            f == "uy ban nhan dan" || f == "hoi dong nhan dan"
        });
        let prev_continues = groups.last().and_then(|g| g.last()).is_some_and(|p| {
            p.text.trim_end().ends_with([',', '-']) || l.fold.s.starts_with("va ")
        });
        match groups.last_mut() {
            Some(g) if (starts_territory && prev_generic) || prev_continues => g.push(l),
            _ => groups.push(vec![l]),
        }
    }
    // Rules and smudges read as a leading `_` or `-` are not part of the name.
    let name = |g: &[&TLine]| {
        // A speck read as a full stop at a line's end (`SỞ THÔNG TIN.` / `VÀ TRUYỀN THÔNG`) is no
        // part of the name; an abbreviation's stop (`TP.`) is.
        let joined = join_lines(g.iter().map(|l| {
            let t = l.text.trim_end();
            match t.strip_suffix('.') {
                // `TP.`, `Q.`, `TX.`: two letters at most.
                Some(s) if s.rsplit(' ').next().is_some_and(|w| w.chars().count() > 2) => s,
                _ => t,
            }
        }));
        snap_agency(&snap_territories(&sentence_case(
            joined.trim_start_matches(|c: char| !c.is_alphanumeric()),
        )))
    };
    let gconf = |g: &[&TLine]| g.iter().map(|l| l.conf()).fold(1.0, f32::min) * SURE;
    let n = groups.len();
    if n == 1 {
        m.issuer = Some(name(&groups[0]));
        conf.insert("issuer".into(), gconf(&groups[0]));
    } else {
        m.parent_issuer = Some(name(&groups[0]));
        conf.insert("parent_issuer".into(), gconf(&groups[0]));
        let rest: Vec<&TLine> = groups[1..].iter().flatten().copied().collect();
        m.issuer = Some(name(&rest));
        conf.insert("issuer".into(), gconf(&rest));
    }
}

/// The signer's name as OCR read it when that reading is itself a well-formed name differing from
/// the restored one only in its marks (`Nguyễn Văn Hòa`, which the language model turns into
/// `Văn Hóa`, culture): restoration knows words, not people. Otherwise the restored text (OCR
/// without marks, such as the English model's `Nguyen Van Hoa`, is restoration's business).
fn signer_name_text(n: &TLine) -> String {
    let raw = n
        .words
        .iter()
        .map(|w| w.raw.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let well_formed = raw
        .split(' ')
        .all(|w| w.chars().all(char::is_alphabetic) && w.starts_with(char::is_uppercase));
    let surname = raw.split(' ').next().is_some_and(is_surname);
    if raw != n.text && well_formed && surname && fold(&raw) == fold(&n.text) {
        raw
    } else {
        n.text.clone()
    }
}

/// What the `Số:` line held.
#[derive(Debug, PartialEq)]
enum NumberField {
    Found(String),
    /// `Số:   /KH-NV`: the number was left blank.
    Blank,
    None,
}

/// The blank between a `Số:` line's last word and the symbol line's first word, when the page
/// layout read them as two lines of one row (`Số:` to 260, `/UBND-KTTH` from 322 on), as high as
/// both.
fn gap_between(so: &TLine, symbol: &TLine) -> Option<BBox> {
    // the lines' boxes where they are tighter: a word's box may take in a stroke of the blank
    let tight = |w: Option<BBox>, l: Option<BBox>, end: bool| match (w, l) {
        (Some(w), Some(l)) if end => Some(BBox {
            x1: w.x1.min(l.x1),
            ..w
        }),
        (Some(w), Some(l)) => Some(BBox {
            x0: w.x0.max(l.x0),
            ..w
        }),
        (w, _) => w,
    };
    let a = tight(so.words.last()?.bbox, so.bbox, true)?;
    let b = tight(symbol.words.first()?.bbox, symbol.bbox, false)?;
    let same_row = a.y0.max(b.y0) < a.y1.min(b.y1);
    let h = a.height().max(b.height());
    let (x0, x1) = (a.x1, b.x0);
    (same_row && x1 > x0 + 2 && b.x0 < a.x1 + 8 * h).then_some(BBox {
        x0,
        y0: a.y0.min(b.y0),
        x1,
        y1: a.y1.max(b.y1),
    })
}

/// Reads a number and symbol after `Số:`, tolerating OCR damage: spaces inside, superscript
/// digits, `/` read as `I`, `l` or `|`.
fn parse_number(rest: &str) -> NumberField {
    let mut tokens: Vec<String> = Vec::new();
    for w in rest.split_whitespace() {
        let w = crate::text::plain_digits(w);
        let ok = w
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '/' | '-' | '.' | '|' | '&'));
        if !ok || w.is_empty() {
            break;
        }
        // A token of the symbol follows a digit-only token or a token ending in / or -.
        let joinable = match tokens.last() {
            None => true,
            Some(p) => {
                p.chars().all(|c| c.is_ascii_digit())
                    || p.ends_with(['/', '-'])
                    || w.starts_with(['/', '-'])
            }
        };
        if !joinable {
            break;
        }
        let has_upper = w.chars().any(|c| c.is_uppercase());
        let has_digit = w.chars().any(|c| c.is_ascii_digit());
        // A capitalised place-name word (`Bình`) ends the number.
        if !tokens.is_empty()
            && has_upper
            && !has_digit
            && !w.contains(['/', '-'])
            && w.chars().skip(1).any(char::is_lowercase)
            && !tokens.last().is_some_and(|p| p.ends_with(['/', '-']))
        {
            break;
        }
        tokens.push(w);
    }
    let mut s: String = tokens.concat();
    // `67IKH-NV`, `67|KH-NV`, `67lKH-NV`: the slash read as a letter.
    if !s.contains('/') {
        if let Some(i) = s.find(|c: char| !c.is_ascii_digit()) {
            let c = s[i..].chars().next().unwrap_or(' ');
            if i > 0 && matches!(c, 'I' | 'l' | '|' | '1') {
                s.replace_range(i..i + c.len_utf8(), "/");
            }
        }
    }
    let s = s.trim_end_matches(['.', ',', ';']).replace('|', "/");
    static NUM: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(\d{1,6}[a-zA-Z]?)?(/\d{4})?/\p{Lu}[\p{L}\d.&]*(-[\p{L}\d.&]+)*$")
            .expect("built-in pattern compiles")
    });
    match NUM.captures(&s) {
        Some(c) if c.get(1).is_some() => NumberField::Found(s.clone()),
        Some(_) => NumberField::Blank,
        None if s.starts_with('/') || s.is_empty() && !rest.trim().is_empty() => NumberField::Blank,
        None => NumberField::None,
    }
}

/// An ISO date from `ngày d tháng m năm yyyy` (folded) and where the match starts.
pub(crate) fn date_in(f: &str) -> Option<(String, usize)> {
    let c = DATE_WORDS.captures(f)?;
    let d: u32 = c[1].parse().ok()?;
    let mo: u32 = c[2].parse().ok()?;
    let y: u32 = c[3].parse().ok()?;
    Some((iso(d, mo, y)?, c.get(0)?.start()))
}

/// `YYYY-MM-DD` when the date is a real one.
pub(crate) fn iso(d: u32, m: u32, y: u32) -> Option<String> {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if d == 0 || d > days || !(1900..=2100).contains(&y) {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// The issuer named in an appendix caption `(Kèm theo Kế hoạch số .. ngày .. của <issuer>)`, when
/// the header did not give one.
fn issuer_from_captions(lines: &[TLine]) -> Option<(String, f32)> {
    for l in lines {
        if !KEM_THEO.is_match(&l.fold.s) {
            continue;
        }
        let Some(i) = l.fold.s.rfind(" cua ") else {
            continue;
        };
        let name = l.text[l.fold.orig(i + 5)..]
            .trim()
            .trim_end_matches([')', '.', ' ']);
        if !name.is_empty() {
            return Some((snap_territories(&sentence_case(name)), l.conf()));
        }
    }
    None
}

/// Where the signature block ended the body.
struct TailEnd {
    body_end: usize,
}

/// Recipients and signer from the bottom block: recipients at left, signer at right.
fn parse_signature(
    lines: &[TLine],
    body_start: usize,
    m: &mut Metadata,
    conf: &mut BTreeMap<String, f32>,
) -> TailEnd {
    let body_start = body_start.min(lines.len());
    let appendix = lines[body_start..]
        .iter()
        .position(|l| PHU_LUC.is_match(&l.fold.s) && is_caps(&l.text))
        .map_or(lines.len(), |i| body_start + i);
    let noi = (body_start..appendix).find(|&i| {
        let l = &lines[i];
        NOI_NHAN.is_match(l.fold.s.trim_start()) || has_boxes_noi(l) || lost_noi(lines, i)
    });
    let noi_lost = noi.is_some_and(|i| lost_noi(lines, i));
    // A heading read beyond recognition, known by where it stands.
    let (noi, noi_damaged) = match noi {
        Some(n) => (Some(n), false),
        None => match (body_start..appendix).find(|&i| damaged_noi(lines, i)) {
            Some(n) => (Some(n), true),
            None => (None, false),
        },
    };
    // The block starts after the body's last `./.` or at `Nơi nhận`, whichever is first.
    let end_mark = lines[body_start..noi.unwrap_or(appendix)]
        .iter()
        .rposition(|l| l.text.contains("./."))
        .map(|i| body_start + i + 1);
    let mut start = match (noi, end_mark) {
        (Some(n), Some(e)) => n.min(e),
        (Some(n), None) => n,
        (None, Some(e)) => e,
        (None, None) => appendix.saturating_sub(6).max(body_start),
    };
    // Signer lines read before `Nơi nhận` (the right column first) belong to the block too.
    let mut back = 0;
    while back < 4 && start > body_start {
        let l = &lines[start - 1];
        let signer_like = AUTHORITY.is_match(l.fold.s.trim_start())
            || (is_caps(&l.text) && !is_heading_line(l))
            || is_person_name(&l.text)
            || is_ranked_name(&l.text);
        if !signer_like || l.is_blank() {
            break;
        }
        start -= 1;
        back += 1;
    }
    // The block stands on one page: a plan or an appendix that follows on the next page (with a
    // header of its own) is not part of it.
    let zone_end = lines[start..appendix]
        .iter()
        .position(|l| l.page != lines[start].page)
        .map_or(appendix, |i| start + i);
    let zone = &lines[start..zone_end];
    // Split into the recipients' column and the signer's column.
    let mut left: Vec<TLine> = Vec::new();
    let mut right: Vec<TLine> = Vec::new();
    let split_x = zone
        .iter()
        .filter(|l| l.has_boxes())
        .fold(None, |acc: Option<(u32, u32)>, l| {
            let x0 = l.words.first().and_then(|w| w.bbox).map_or(0, |b| b.x0);
            let x1 = l.words.last().and_then(|w| w.bbox).map_or(0, |b| b.x1);
            Some(acc.map_or((x0, x1), |(a, b)| (a.min(x0), b.max(x1))))
        });
    for l in zone {
        if l.is_blank() {
            continue;
        }
        if let (true, Some((a, b))) = (l.has_boxes(), split_x) {
            let (p, q) = l.split_at_x(crate::grid::mid(a, b));
            if !p.is_blank() {
                left.push(p);
            }
            if !q.is_blank() {
                right.push(q);
            }
            continue;
        }
        let f = l.fold.s.trim_start();
        if f.starts_with(['-', '+', '~', '•', '*']) || NOI_NHAN.is_match(f) {
            // An authority line run into a recipient line: `- Như trên; KT. CHỦ TỊCH`.
            static INNER_AUTH: LazyLock<Regex> = LazyLock::new(|| {
                Regex::new(r"\s(tm|kt|tl|tuq|q)\s*\.\s").expect("built-in pattern compiles")
            });
            if let Some(x) = INNER_AUTH.find(&l.fold.s) {
                let (p, q) = l.split_at_byte(l.fold.orig(x.start() + 1));
                left.push(p);
                right.push(q);
            } else if let Some(i) = trailing_title(l) {
                // A title run into it: `Nơi nhận: TRƯỞNG PHÒNG`, `- Như trên; PHÓ CHỦ TỊCH`.
                let (p, q) = l.split_at_byte(i);
                left.push(p);
                right.push(q);
            } else {
                left.push(l.clone());
            }
        } else if AUTHORITY.is_match(f)
            || is_caps(&l.text)
            || is_person_name(&l.text)
            || is_ranked_name(&l.text)
        {
            right.push(l.clone());
        } else {
            left.push(l.clone());
        }
    }

    // Recipients.
    let mut items: Vec<(String, f32)> = Vec::new();
    let mut open = false; // the last item is still running on
                          // Recipients are the items under `Nơi nhận`; a page without it has none.
    let mut seen_noi = false;
    let mut after_luu = false;
    // Where the list's dashes stand (the left of a dashed item's line), on a scan. A line whose
    // dash OCR dropped still has the dash's ink in its box.
    let mut dash_x: Option<u32> = None;
    // The list's lines read with their dash and without (continuations, or items whose dash OCR
    // lost), `Lưu` and notes aside.
    let (mut dashed, mut dashless) = (0usize, 0usize);
    // Lines joined to the item above though they may be items of their own.
    let mut doubtful_joins = 0usize;
    let left_x = |l: &TLine| {
        let first = l.words.first().and_then(|w| w.bbox)?;
        Some((
            l.bbox.map_or(first.x0, |b| b.x0.min(first.x0)),
            first.height(),
        ))
    };
    for l in &left {
        let f = l.fold.s.trim_start();
        if noi_damaged && !seen_noi {
            // the heading's words are no item (`Xa nhện: ØàŠ`)
            seen_noi = true;
            continue;
        }
        let heading = NOI_NHAN
            .find(f)
            .or_else(|| noi_lost.then(|| NHAN_ONLY.find(f)).flatten());
        if let Some(x) = heading {
            seen_noi = true;
            let rest = l.text[l.fold.orig(x.end() + (l.fold.s.len() - f.len()))..].trim();
            if let Some(r) = rest.strip_prefix(['-', '+', '~', '•', '*']) {
                items.push((r.trim().to_string(), l.conf()));
                open = true;
            }
            continue;
        }
        if !seen_noi {
            continue;
        }
        // a bar OCR read from a speck before a note (`| (đề b/c)`)
        let t = l.text.trim();
        let t = match t.strip_prefix('|').map(str::trim_start) {
            Some(r) if r.starts_with('(') => r,
            _ => t,
        };
        if after_luu && t.starts_with(['-', '+', '~', '•', '*']) {
            // `Lưu:` closes the list.
            break;
        }
        if t.starts_with('(') {
            // A note set beside the items it belongs to: `(để b/c)`.
            if let Some(last) = items.last_mut() {
                last.0.push(' ');
                last.0.push_str(t);
            }
            continue;
        }
        let luu = fold(t.trim_start_matches(['-', '+', '~', '•', '*', ' '])).starts_with("luu");
        match (luu, t.starts_with(['-', '+', '~', '•', '*'])) {
            (true, _) => {}
            (false, true) => dashed += 1,
            (false, false) => dashless += 1,
        }
        if let Some(r) = t.strip_prefix(['-', '+', '~', '•', '*']) {
            dash_x = dash_x.or(left_x(l).map(|(x, _)| x));
            after_luu = fold(r.trim_start()).starts_with("luu");
            items.push((r.trim().to_string(), l.conf()));
            open = !r.trim_end().ends_with(['.', ';']) && !fold(r.trim_start()).starts_with("luu");
        } else if fold(t).starts_with("luu") && !items.is_empty() {
            // The filing line whose dash OCR lost (`Lưu: VT, CN.`) is an item of its own.
            after_luu = true;
            items.push((t.to_string(), l.conf() * FALLBACK));
            open = false;
        } else if let (true, Some(last)) = (open, items.last_mut()) {
            // `- Bộ Tài chính:` then `CT, PCT UBND tỉnh;` standing where the dashes stand: the
            // item's `;` read as `:` and the next item's dash lost, not a line running on.
            let at_dash = match (dash_x, left_x(l)) {
                (Some(d), Some((x, h))) => x.abs_diff(d) * 10 <= h * 3,
                _ => false,
            };
            // (a note set under the item, `(để đưa tin)`, may stand between)
            let base = match last.0.rfind(" (") {
                Some(i) if last.0.ends_with(')') => i,
                _ => last.0.len(),
            };
            if at_dash && last.0[..base].ends_with(':') {
                last.0.remove(base - 1);
                items.push((t.to_string(), l.conf() * FALLBACK));
                open = !t.ends_with(['.', ';']);
                continue;
            }
            // a capital after `,` or `:`: a new item whose `;` and dash OCR misread, or not
            if last.0.ends_with([',', ':']) && t.starts_with(char::is_uppercase) {
                doubtful_joins += 1;
            }
            last.0.push(' ');
            last.0.push_str(t);
            last.1 = last.1.min(l.conf());
        } else if !items
            .last()
            .is_some_and(|(s, _)| fold(s).starts_with("luu"))
        {
            // An item whose dash OCR lost.
            items.push((t.to_string(), l.conf() * FALLBACK));
            open = !t.ends_with(['.', ';']);
        }
    }
    // Under a heading read only in part or not at all (a low-resolution scan), a list with a hole
    // (a line of it OCR lost) would be counted short: it is left out.
    if (noi_lost || noi_damaged) && list_has_hole(&left) {
        items.clear();
    }
    // Most dashes lost and the items' `;` read as `,` or `:` (a low-resolution copy: `Như trên,`
    // / `Bệ Tài chính:` / `PCT UBND tỉnh:` / `- VPUB: CVP, PCVP;`): items and continuations
    // cannot be told apart, the count would be a guess. (One such join is a wrapped item's:
    // `- VPCP: BTCN, các PCN, Trợ lý TTg,` / `TGĐ Cổng TTĐT, …`.)
    if doubtful_joins >= 2 && dashless > dashed {
        items.clear();
    }
    if !items.is_empty() {
        let c = items.iter().map(|i| i.1).fold(1.0, f32::min);
        m.recipients = items
            .into_iter()
            .map(|(s, _)| {
                recipient(
                    s.trim_start_matches(['-', '+', '~', '•', '*', ' '])
                        .trim_end_matches([';', '.', ',', ' ']),
                )
            })
            .filter(|s| !s.is_empty())
            .collect();
        conf.insert("recipients".into(), c * SURE);
    }

    // Signer: the authority (the last of layered ones: `TM. … KT. …`), the position (the lowest
    // line whose last words are a listed position), the name (a person's name at the end of a
    // line under them: a seal or a signature read as junk before it is left out).
    let mut authority = None;
    let mut position: Option<(&'static str, bool, f32)> = None; // (title, on the authority line, conf)
    let mut free_title: Option<&TLine> = None;
    let mut name: Option<(String, Option<String>, &TLine)> = None;
    // The lowest title line had something hidden before its title: no title is given.
    let mut title_hidden = false;
    // The title of the title line above the one at hand, and whether a deputy's title stands
    // under the same head's title (`THỦ TƯỚNG` / `PHÓ THỦ TƯỚNG`): the deputy signs for the head.
    let mut above: Option<&'static str> = None;
    // … whether that line bore the authority read (`KT. CHỦ TỊCH`), and whether the deputy's
    // title line stands under a head's title line without one.
    let mut above_auth = false;
    let mut above_box: Option<BBox> = None;
    let mut deputy_under_head = false;
    let mut deputy_auth_read = false;
    // A line after the last authority line read holds ink OCR could not read (a title with
    // something hidden before it, junk): a later authority (`TM. …` / `KT. …`) may hide there.
    let mut unsure_after_auth = false;
    for l in &right {
        let f = l.fold.s.trim_start();
        if let Some(c) = AUTHORITY.captures(f) {
            authority = Some(match &c[1] {
                "tm" => "TM.",
                "kt" => "KT.",
                "tl" => "TL.",
                "tuq" => "TUQ.",
                _ => "Q.",
            });
            unsure_after_auth = false;
            let (p, pc) = title_of(&l.text);
            above = p;
            above_auth = true;
            above_box = l.bbox;
            if let Some(p) = p {
                position = Some((p, true, l.conf() * pc));
            }
            free_title.get_or_insert(l);
        } else if let Some((n, rank)) = name_in(l) {
            name = Some((n, rank, l));
        } else if name.is_none() {
            let junk = l.words.iter().any(|w| w.conf < 0.5) || ink_before(l, 0);
            // The same row read twice (a page line and the block's second reading of it) is
            // one line: no second title.
            if same_row(l, above_box) {
                continue;
            }
            // `PHƯOXRHỦ TƯỚNG` under `THỦ TƯỚNG`: the seal's junk glued to the title's start is
            // that title again (the deputy's, below)
            let (p, pc) = match title_of(&l.text) {
                (None, _) => (above.filter(|&a| glued_after_junk(&l.text, a)), FALLBACK),
                read => read,
            };
            if let Some(p) = p {
                let hidden = hidden_before_title(l, p);
                unsure_after_auth |= hidden;
                // A head's title is not printed twice: the same title under it is the deputy's,
                // its `PHÓ` hidden by a seal (`THỦ TƯỚNG` / `[seal] THỦ TƯỚNG`) or lost.
                let deputy = above
                    .filter(|&a| a == p)
                    .and_then(crate::gazetteer::deputy_of);
                if let Some(d) = deputy {
                    position = Some((d, false, l.conf() * FALLBACK));
                    title_hidden = false;
                    deputy_under_head = true;
                    deputy_auth_read = above_auth;
                } else if above == Some(p) {
                    // the same title twice, no deputy's listed: which one signs is not known
                    position = None;
                    title_hidden = true;
                } else if hidden {
                    // `THỦ TƯỚNG` read from `KT. THỦ TƯỚNG` / `PHÓ THỦ TƯỚNG` under a seal.
                    position = None;
                    title_hidden = true;
                } else {
                    position = Some((p, false, l.conf() * pc));
                    title_hidden = false;
                    deputy_under_head = above.and_then(crate::gazetteer::deputy_of) == Some(p);
                    deputy_auth_read = above_auth;
                }
                above = Some(p);
                above_auth = false;
                above_box = l.bbox;
            } else if is_caps(&l.text) && clean_title(l) {
                // A title the list does not hold under a listed one (`VĂN PHÒNG` under `GIÁM
                // ĐỐC`, its `CHÁNH` under a seal): the listed one is not the signer's.
                let sure = l.words.iter().all(|w| w.conf >= 0.8);
                if position.is_some() && sure && crate::gazetteer::title_like(&l.text) {
                    position = None;
                    title_hidden = true;
                }
                unsure_after_auth |= junk;
                free_title = Some(l);
                above = None;
                above_auth = false;
            } else {
                unsure_after_auth |= junk;
            }
        }
    }
    // A deputy's title under the head's (`THỦ TƯỚNG` / `PHÓ THỦ TƯỚNG`) is signed for the head:
    // `KT.` a seal hid (Decree 30: `KT. CHỦ TỊCH` / `PHÓ CHỦ TỊCH`, the deputy signing for the head),
    // the last of layered authorities (`TM. ỦY BAN NHÂN DÂN` / `[KT.] CHỦ TỊCH` / `PHÓ CHỦ TỊCH`).
    let mut authority_inferred = false;
    if deputy_under_head && !deputy_auth_read && position.is_some() {
        authority = Some("KT.");
        authority_inferred = true;
    } else if unsure_after_auth && matches!(authority, Some("TM." | "TL." | "TUQ.")) {
        // `TM. ỦY BAN NHÂN DÂN` then `[seal] TỊCH`: a `KT.` or `TL.` under it may be hidden, and
        // the authority is the last of layered ones.
        authority = None;
    }
    // A name a seal or a signature made unsure (`Phan@0.03 Mạnh Cường`, `Văn Thắng` with the family
    // name hidden) is taken from where the document prints it in full and clearly.
    let mut from_document = false;
    if name.is_none() {
        if let Some((n, l)) = right
            .iter()
            .rev()
            .find_map(|l| name_elsewhere(lines, l).map(|n| (n, l)))
        {
            name = Some((n, None, l));
            from_document = true;
        }
    }
    if authority.is_some() || position.is_some() || free_title.is_some() || name.is_some() {
        let mut s = Signer::default();
        let mut c: f32 = 1.0;
        match (position, free_title) {
            (Some((p, on_auth, pc)), _) => {
                let mut p = p.to_string();
                // `KT. CHỦ TỊCH` with the title line under it unread: the deputy signs.
                if authority == Some("KT.") && on_auth && !fold(&p).starts_with("pho ") {
                    p = format!("Phó {p}");
                    c = c.min(FALLBACK);
                }
                s.position = Some(p);
                c = c.min(pc);
            }
            (None, Some(t)) if !title_hidden => {
                let f = t.fold.s.trim_start();
                let cut = AUTHORITY
                    .find(f)
                    .map_or(0, |x| x.end() + (t.fold.s.len() - f.len()));
                let pos = t.text[t.fold.orig(cut)..].trim();
                if crate::gazetteer::title_like(pos) {
                    s.position = Some(title_case_position(pos));
                }
                c = c.min(t.conf() * FALLBACK);
            }
            (None, _) => {}
        }
        s.authority = authority.map(str::to_string);
        if authority_inferred {
            c = c.min(FALLBACK);
        }
        if let Some((n, rank, l)) = name {
            c = c.min(if from_document { FALLBACK } else { l.conf() });
            let sure = is_surname(n.split(' ').next().unwrap_or(""));
            s.name = Some(n);
            s.rank = rank;
            m.evidence.insert("signer".into(), parts::line_evidence(l));
            conf.insert("signer".into(), c * if sure { SURE } else { FALLBACK });
        } else {
            conf.insert("signer".into(), c * FALLBACK);
        }
        m.signer = Some(s);
    }
    TailEnd {
        body_end: noi.unwrap_or(start).max(body_start),
    }
}

/// The listed position a signature-block line ends with and how far it is vouched for: as
/// spelled (1.0), or with one letter misread ([`FALLBACK`]).
fn title_of(line: &str) -> (Option<&'static str>, f32) {
    match position_suffix(line) {
        Some(p) => (Some(p), 1.0),
        None => (crate::gazetteer::position_near(line), FALLBACK),
    }
}

/// True when line `l` stands on the row of the line box `above` (their vertical overlap at least
/// half the lower one's height): one row read twice, not a line under it.
fn same_row(l: &TLine, above: Option<BBox>) -> bool {
    match (l.bbox, above) {
        (Some(b), Some(a)) => {
            let overlap = b.y1.min(a.y1).saturating_sub(b.y0.max(a.y0));
            2 * overlap >= b.height().max(1)
        }
        _ => false,
    }
}

/// True when `line` ends with the `title` (eight letters or more, its last word whole) read with
/// one letter wrong at most and glued to junk before it: a seal's strokes run into the title's
/// first word (`PHƯOXRHỦ TƯỚNG` for `PHÓ THỦ TƯỚNG`).
fn glued_after_junk(line: &str, title: &str) -> bool {
    let f = fold(line.trim_end_matches(|c: char| !c.is_alphanumeric()));
    let t = fold(title);
    let (fc, tc): (Vec<char>, Vec<char>) = (f.chars().collect(), t.chars().collect());
    let last = |s: &str| s.rsplit(' ').next().map(str::to_string);
    if tc.len() < 8 || fc.len() <= tc.len() + 1 || last(&f) != last(&t) {
        return false;
    }
    (tc.len() - 1..=tc.len() + 1).any(|n| {
        let tail: String = fc[fc.len() - n..].iter().collect();
        crate::tables::edit_distance(&tail, &t) <= 1
    }) && f != t
}

/// True when something may hide before the listed `position` a signature-block line ends with, so
/// that the title printed could be a longer one (`PHÓ THỦ TƯỚNG` with a seal over `PHÓ`, or `KT.
/// THỦ TƯỚNG` with the deputy's title line lost): a longer listed position ends with it, and
/// either junk stands before its words (marks, lower case, a word read unsurely) or the line's box
/// starts well left of its first word (ink the page OCR dropped, at least a short word's width:
/// 1/50 of the page's width, 4 mm on A4).
fn hidden_before_title(l: &TLine, position: &str) -> bool {
    if !crate::gazetteer::longer_position(position) {
        return false;
    }
    let k = position.split_whitespace().count();
    let n = l.words.len();
    if l.text.split(' ').count() != n || n < k {
        return false;
    }
    let junk = l.words[..n - k].iter().any(|w| {
        w.conf < 0.5
            || !w.text.chars().all(char::is_alphabetic)
            || !w.text.chars().any(char::is_uppercase)
    });
    junk || ink_before(l, n - k)
}

/// True when the line's box starts well left of its word `i` (1/50 of the page's width or more):
/// ink the page OCR read as no word, such as a seal's over a word it hid.
fn ink_before(l: &TLine, i: usize) -> bool {
    match (l.bbox, l.words.get(i).and_then(|w| w.bbox)) {
        (Some(line), Some(first)) => {
            l.page_width > 0 && first.x0 >= line.x0 + (l.page_width / 50).max(1)
        }
        _ => false,
    }
}

/// Byte offset of a signer's title written after the last `;` or `:` of a recipients' line, if
/// the rest is two or more words in capitals (not a `Lưu: VT, ...` item).
fn trailing_title(l: &TLine) -> Option<usize> {
    let i = l.text.rfind([';', ':'])?;
    let rest = l.text[i + 1..].trim();
    let words: Vec<&str> = rest.split(' ').filter(|w| !w.is_empty()).collect();
    let head = fold(l.text.trim_start_matches(['-', '+', '~', '•', '*', ' ']));
    let ok = words.len() >= 2
        && is_caps(rest)
        && !rest.contains([',', '.', ';', '(', '/'])
        && words.iter().all(|w| w.chars().count() >= 2)
        && !head.starts_with("luu");
    ok.then(|| l.text.len() - l.text[i + 1..].trim_start().len())
}

/// True when line `i` opens with `nhận:` and the `Nơi nhận` list follows it, its dashes read: a
/// dashed item in the next three lines (`Nơi` lost on a low-resolution scan; a list whose dashes
/// were lost too cannot be counted).
fn lost_noi(lines: &[TLine], i: usize) -> bool {
    NHAN_ONLY.is_match(lines[i].fold.s.trim_start())
        && lines[i + 1..]
            .iter()
            .filter(|l| !l.is_blank())
            .take(3)
            .any(|l| l.fold.s.trim_start().starts_with(['-', '+', '~', '•', '*']))
}

/// True when a list's rows (the left column's lines, by their tops) leave a gap of more than 1.6
/// times their usual pitch: a line OCR lost (575's `- Như trên;` on a 100 dpi copy, 36 px under
/// the heading where the rows stand 18–20 px apart). Rows closer than half a line are one.
fn list_has_hole(left: &[TLine]) -> bool {
    let mut rows: Vec<(u32, u32)> = left
        .iter()
        .filter_map(|l| {
            l.bbox
                .or_else(|| l.words.iter().find_map(|w| w.bbox))
                .map(|b| (b.y0, b.height()))
        })
        .collect();
    rows.sort_unstable();
    let mut tops: Vec<u32> = Vec::new();
    for (y, h) in rows {
        if tops.last().map_or(true, |&t| y > t + h / 2) {
            tops.push(y);
        }
    }
    if tops.len() < 4 {
        return false;
    }
    let mut gaps: Vec<u32> = tops.windows(2).map(|w| w[1] - w[0]).collect();
    let biggest = gaps.iter().copied().max().unwrap_or(0);
    gaps.sort_unstable();
    let pitch = gaps[gaps.len() / 2];
    biggest * 5 > pitch * 8
}

/// A `Nơi nhận` heading OCR read beyond [`NOI_NHAN`] (`Xa nhện: ØàŠ`, `Nơi nị` on a 100 dpi
/// copy), known by where it stands: right after the body's closing `./.` (within two lines), the
/// letters of its first two words within three edits of `noinhan` (`noidung` is four), and at
/// least two of the six lines after it opening with a list's dash.
fn damaged_noi(lines: &[TLine], i: usize) -> bool {
    let closes = lines[..i]
        .iter()
        .rev()
        .filter(|l| !l.is_blank())
        .take(2)
        .any(|l| l.text.trim_end().ends_with("./."));
    let words: Vec<&str> = lines[i].fold.s.split_whitespace().collect();
    if !closes || words.is_empty() {
        return false;
    }
    let letters: String = words
        .iter()
        .take(2)
        .flat_map(|w| w.chars().filter(|c| c.is_alphabetic()))
        .collect();
    let dashed = lines[i + 1..]
        .iter()
        .filter(|l| !l.is_blank())
        .take(6)
        .filter(|l| {
            l.fold
                .s
                .trim_start()
                .starts_with(['-', '+', '~', '•', '*', '“'])
        })
        .count();
    crate::tables::edit_distance(&letters, "noinhan") <= 3 && dashed >= 2
}

/// `Nơi nhận` anywhere in a boxed scan line (OCR may put a stray mark or a seal's smudge
/// before it).
fn has_boxes_noi(l: &TLine) -> bool {
    l.has_boxes() && l.fold.s.contains("noi nhan")
}

/// A `Nơi nhận` item as written: the `Lưu:` item's file codes separated by `, ` (OCR and
/// restoration give `VT;VP`, `VT,NN`, `VTị CCBVMT`), `(b/c)` in lower case, and place names after
/// a territory word put right from the gazetteer.
fn recipient(item: &str) -> String {
    static BC: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\((\s*(?:để\s+)?)(\p{L})\s*/\s*(\p{L})\s*\)")
            .expect("built-in pattern compiles")
    });
    let item = BC.replace_all(item, |c: &regex::Captures| {
        format!("({}{}/{})", &c[1], c[2].to_lowercase(), c[3].to_lowercase())
    });
    luu_item(&item).unwrap_or_else(|| snap_territories(&item))
}

/// The `Lưu: VT, VP` item rewritten with its codes separated by `, ` (when it holds more than
/// codes, only its head and separators); `None` for any other item.
fn luu_item(item: &str) -> Option<String> {
    let f = fold(item);
    let rest = f.strip_prefix("luu")?;
    // `Lưu:` with its colon or a code right after it (`Lưu VT`), not `Lưu hồ sơ`.
    let after = rest.trim_start();
    let colon = after.starts_with([':', ';', '.']);
    let body = item
        .char_indices()
        .nth(3)
        .map_or("", |(i, _)| &item[i..])
        .trim_start_matches([':', ';', '.', ' ']);
    let mut codes: Vec<String> = Vec::new();
    for t in body.split([' ', ',', ';']).filter(|t| !t.is_empty()) {
        let t = t.trim_end_matches('.');
        // `VTị`, `VTi`, `VTj`: a comma or semicolon OCR read as a letter after a code.
        let stem = t.trim_end_matches(['ị', 'i', 'j', 'í', 'ì']);
        let caps = |s: &str| {
            s.chars().count() >= 2
                && s.chars()
                    .all(|c| c.is_uppercase() || c.is_ascii_digit() || c == '&')
        };
        let t = if stem.len() < t.len() && caps(stem) {
            stem
        } else {
            t
        };
        // A code: a capital first, letters, digits, `&`, `.` or `-`, no more small letters than
        // capitals (`VT`, `SNgV`, `P.KT`; not a name such as `Nguyễn`).
        let upper = t.chars().filter(|c| c.is_uppercase()).count();
        let lower = t.chars().filter(|c| c.is_lowercase()).count();
        let code = t.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
            && lower <= upper
            && t.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '&' | '.' | '-'));
        if !code {
            // Something else in the list (`(2b)`, a name): only the head and the separators.
            static SEP: LazyLock<Regex> =
                LazyLock::new(|| Regex::new(r"\s*[,;]\s*").expect("built-in pattern compiles"));
            return colon.then(|| format!("Lưu: {}", SEP.replace_all(body, ", ")));
        }
        codes.push(t.to_string());
    }
    if codes.is_empty() || !(colon || codes.first().is_some_and(|c| c.chars().count() <= 4)) {
        return None;
    }
    // Decree 30: the list ends with `Lưu: VT, ...`, the first copy to the clerical office (Văn
    // thư). A first code of two characters starting with V is that `VT` as OCR or restoration
    // left it (`V1`, `VI`, `Và`).
    if let Some(first) = codes.first_mut() {
        let mut cs = first.chars();
        if cs.next() == Some('V') && cs.next().is_some() && cs.next().is_none() {
            *first = "VT".to_string();
        }
    }
    Some(format!("Lưu: {}", codes.join(", ")))
}

/// Military and police ranks printed before a signer's name.
const RANKS: [&str; 12] = [
    "thieu uy",
    "trung uy",
    "thuong uy",
    "dai uy",
    "thieu ta",
    "trung ta",
    "thuong ta",
    "dai ta",
    "thieu tuong",
    "trung tuong",
    "thuong tuong",
    "dai tuong",
];

/// The person's name a signature-block line ends with, and a rank before it (`Trung tá Ngô Văn
/// Công`): the whole line when it is a name, else its longest last run of two to five
/// capitalised words that starts with a family name (`=.‹ Lê Minh Hưng`).
fn name_in(l: &TLine) -> Option<(String, Option<String>)> {
    let words: Vec<&str> = l.text.split_whitespace().collect();
    let text = if is_person_name(&l.text) {
        let t = signer_name_text(l);
        // `Văn Thắng`, `Thị Lan`: a name whose family name a seal hid.
        let first = fold(t.split(' ').next().unwrap_or(""));
        if first == "van" || first == "thi" {
            return None;
        }
        // Two words are a whole name only with a listed family name first (`Lê Hưng`); `Minh
        // Hưng` is a name whose family name a seal hid.
        // With ink before them that OCR read as no word, two words are not taken either
        // (`Hoàng Tuấn` of `Trần Hoàng Tuấn` under a seal's edge).
        let snapped = snap_person(&t);
        if t.split(' ').count() == 2
            && (!snapped.split(' ').next().is_some_and(is_surname) || ink_before(l, 0))
        {
            return None;
        }
        t
    } else {
        let n = words.len();
        // Three words at least: a seal hides the family name more often than a name has two.
        let start = (n.saturating_sub(5)..n.saturating_sub(2))
            .find(|&i| is_person_name(&words[i..].join(" ")) && is_surname(words[i]))?;
        // `Đại tá Nguyễn Văn Hùng`: the rank's second word is not capitalised
        if start >= 2 && RANKS.contains(&fold(&words[start - 2..start].join(" ")).as_str()) {
            let k = n - start;
            if l.words.iter().rev().take(k).any(|w| w.conf < 0.5) {
                return None;
            }
            let rank = words[start - 2..start].join(" ");
            return Some((snap_person(&words[start..].join(" ")), Some(rank)));
        }
        words[start..].join(" ")
    };
    // A name OCR was unsure of is no name (a wrong signer is worse than none).
    let k = text.split(' ').count();
    if l.words.iter().rev().take(k).any(|w| w.conf < 0.5) {
        return None;
    }
    let ws: Vec<&str> = text.split(' ').collect();
    // A family name read unsurely that is no listed one and no Vietnamese syllable (`Tểan@0.52
    // Thị Minh Hằng` for `Trần` under a seal's ring) is junk, not a name.
    let family = l.words.len().checked_sub(k).and_then(|i| l.words.get(i));
    if family.is_some_and(|w| w.conf < 0.8)
        && !is_surname(ws[0])
        && !crate::text::is_syllable(ws[0])
    {
        return None;
    }
    if ws.len() >= 4 {
        let head = fold(&ws[..2].join(" "));
        if RANKS.contains(&head.as_str()) {
            return Some((snap_person(&ws[2..].join(" ")), Some(ws[..2].join(" "))));
        }
    }
    Some((snap_person(&text), None))
}

/// The full name of the person a signature-block line names unsurely, from another line of the
/// document that prints it clearly: the line's capitalised words (two to four, the last read
/// surely) are the end of exactly one clearly read name elsewhere — the same words with the family
/// name a seal hid (`Văn Thắng` → `Nguyễn Văn Thắng`), or the same words but for one or two
/// letters of the unsure ones (`Phan Mạnh Cường` → `Phạm Mạnh Cường`).
fn name_elsewhere(lines: &[TLine], l: &TLine) -> Option<String> {
    let ws: Vec<&crate::lines::TWord> = l.words.iter().collect();
    if !(2..=4).contains(&ws.len())
        || !is_person_name(&l.text)
        || ws.last().map_or(true, |w| w.conf < 0.9)
        || l.text.split(' ').count() != ws.len()
    {
        return name_after_junk(lines, l);
    }
    let weak: Vec<&str> = l.text.split(' ').collect();
    let hidden_surname = matches!(fold(weak[0]).as_str(), "van" | "thi");
    let mut found: Option<String> = None;
    for o in lines {
        if std::ptr::eq(o, l) || o.words.len() != o.text.split(' ').count() {
            continue;
        }
        let words: Vec<&str> = o.text.split(' ').collect();
        for n in 3..=4usize.min(words.len()) {
            for start in 0..=words.len() - n {
                let run: Vec<&str> = words[start..start + n]
                    .iter()
                    .map(|w| w.trim_end_matches([',', ';', '.', ')']))
                    .collect();
                let cand = run.join(" ");
                if !is_person_name(&cand)
                    || !is_surname(run[0])
                    || o.words[start..start + n].iter().any(|w| w.conf < 0.85)
                {
                    continue;
                }
                let fits = if hidden_surname {
                    run.len() == weak.len() + 1 && run[1..] == weak[..]
                } else {
                    run.len() == weak.len()
                        && run.last() == weak.last()
                        && run
                            .iter()
                            .zip(&weak)
                            .zip(&ws)
                            .all(|((a, b), w)| a == b || (w.conf < 0.5 && near(a, b)))
                };
                if fits {
                    if found.as_deref().is_some_and(|f| f != cand) {
                        return None;
                    }
                    found = Some(cand);
                }
            }
        }
    }
    found
}

/// The full name whose given names end a signature-block line after junk a seal made of the
/// family name (`PhanmếMạnh Cường`, `ê Minh Hưng`): the line's last two or three words are a
/// name's end (the last read surely), something else stands before them, and exactly one clearly
/// printed name elsewhere in the document is one family name followed by those words
/// (`PCN Phạm Mạnh Cường` in the recipients).
fn name_after_junk(lines: &[TLine], l: &TLine) -> Option<String> {
    // Words glued at a capital (`PhanmếMạnh`) are two.
    // (text, read surely enough to be a name's word: conf ≥ 0.9, or the second of a glued pair)
    let mut tokens: Vec<(&str, bool)> = Vec::with_capacity(l.words.len() + 1);
    for w in &l.words {
        let cut = w
            .text
            .char_indices()
            .skip(1)
            .filter(|&(i, c)| c.is_uppercase() && w.text[..i].chars().any(char::is_lowercase))
            .map(|(i, _)| i)
            .last();
        match cut {
            Some(i) => tokens.extend([(&w.text[..i], false), (&w.text[i..], true)]),
            None => tokens.push((w.text.as_str(), w.conf >= 0.9)),
        }
    }
    let name_word = |t: &str| {
        let mut cs = t.chars();
        cs.next().is_some_and(char::is_uppercase) && cs.all(char::is_lowercase)
    };
    let k = tokens
        .iter()
        .rev()
        .take_while(|&&(t, sure)| sure && name_word(t))
        .count()
        .min(3);
    let last_sure = l.words.last().is_some_and(|w| w.conf >= 0.9);
    if k < 2 || k == tokens.len() || !last_sure {
        return None;
    }
    let tail: Vec<&str> = tokens[tokens.len() - k..].iter().map(|&(t, _)| t).collect();
    let mut found: Option<String> = None;
    for o in lines {
        if std::ptr::eq(o, l) {
            continue;
        }
        let words: Vec<&str> = o
            .words
            .iter()
            .map(|w| w.text.trim_end_matches([',', ';', '.', ')']))
            .collect();
        for start in 0..words.len().saturating_sub(k) {
            let run = &words[start..=start + k];
            if run[1..] != tail[..]
                || !is_surname(run[0])
                || o.words[start..=start + k].iter().any(|w| w.conf < 0.85)
            {
                continue;
            }
            let cand = run.join(" ");
            if found.as_deref().is_some_and(|f| f != cand) {
                return None;
            }
            found = Some(cand);
        }
    }
    found
}

/// Two words of the same length in letters that differ in at most two letters, marks aside.
fn near(a: &str, b: &str) -> bool {
    // marks an unsure word was read with count for nothing (`Ehan` for `Phạm`)
    let (a, b): (Vec<char>, Vec<char>) = (fold(a).chars().collect(), fold(b).chars().collect());
    a.len() == b.len() && a.iter().zip(&b).filter(|(x, y)| x != y).count() <= 2
}

/// A title line read cleanly: every word of two letters or more, OCR sure of it.
fn clean_title(l: &TLine) -> bool {
    l.conf() >= 0.85
        && l.text
            .split_whitespace()
            .all(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2 || w == "-")
}

/// True for a rank and a person's name (`Đại tá Nguyễn Văn Hùng`, `Trung tá Ngô Văn Công`).
fn is_ranked_name(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    words.len() >= 4
        && RANKS.contains(&fold(&words[..2].join(" ")).as_str())
        && is_person_name(&words[2..].join(" "))
}

/// True for a line like `Hoàng Minh Cường`: 2 to 5 capitalised words, no digits or punctuation.
fn is_person_name(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    (2..=5).contains(&words.len())
        && words.iter().all(|w| {
            let mut cs = w.chars();
            cs.next().is_some_and(char::is_uppercase)
                && cs.clone().all(char::is_lowercase)
                && w.chars().all(char::is_alphabetic)
        })
}

/// True when a line opens with a body heading (`I.`, `1.`, `a)`).
fn is_heading_line(l: &TLine) -> bool {
    HEADING
        .captures(&l.fold.s)
        .is_some_and(|c| c.get(1).is_some_and(|m| !m.as_str().is_empty()) || c.get(2).is_some())
}

/// The heading tree of the body: `I.` over `1.` over `a)` over `-`.
fn sections(body: &[TLine]) -> Vec<Section> {
    let mut flat: Vec<(u8, Section)> = Vec::new();
    for l in body {
        let Some(c) = HEADING.captures(&l.fold.s) else {
            continue;
        };
        let (level, label) = if let Some(r) = c.get(1).filter(|m| !m.as_str().is_empty()) {
            (1, r)
        } else if let Some(d) = c.get(2) {
            (2 + d.as_str().matches('.').count() as u8, d)
        } else if let Some(d) = c.get(3) {
            (2 + d.as_str().matches('.').count() as u8, d)
        } else if let Some(a) = c.get(4) {
            (6, a)
        } else if let Some(d) = c.get(5) {
            (1, d)
        } else if let Some(d) = c.get(6) {
            (7, d)
        } else {
            continue;
        };
        let Some(title) = c.get(7) else { continue };
        let title = l.text[l.fold.orig(title.start())..].trim().to_string();
        if title.is_empty() {
            continue;
        }
        let label_text = l.text[l.fold.orig(label.start())..l.fold.orig(label.end())].to_string();
        // A roman label is written in capitals; a dash item in the list is just `-`.
        let label_text = if level == 1 && c.get(1).is_some() {
            label_text.to_uppercase()
        } else if level == 7 {
            "-".to_string()
        } else {
            label_text
        };
        if level == 1 && c.get(1).is_some() && !l.text.starts_with(|ch: char| ch.is_uppercase()) {
            continue;
        }
        flat.push((
            level,
            Section {
                label: label_text,
                title,
                page: Some(l.page),
                children: Vec::new(),
            },
        ));
    }
    build_tree(flat)
}

/// Nests headings: each one goes under the nearest earlier heading of a smaller level.
fn build_tree(flat: Vec<(u8, Section)>) -> Vec<Section> {
    let mut roots: Vec<Section> = Vec::new();
    let mut stack: Vec<(u8, Section)> = Vec::new();
    fn pop_into(stack: &mut Vec<(u8, Section)>, roots: &mut Vec<Section>) {
        if let Some((_, s)) = stack.pop() {
            match stack.last_mut() {
                Some((_, parent)) => parent.children.push(s),
                None => roots.push(s),
            }
        }
    }
    for (level, s) in flat {
        while stack.last().is_some_and(|(l, _)| *l >= level) {
            pop_into(&mut stack, &mut roots);
        }
        stack.push((level, s));
    }
    while !stack.is_empty() {
        pop_into(&mut stack, &mut roots);
    }
    roots
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn recipient_items_are_written_as_printed() {
        assert_eq!(recipient("Lưu: VT; VP"), "Lưu: VT, VP");
        assert_eq!(recipient("Lưu: VT,NN"), "Lưu: VT, NN");
        assert_eq!(recipient("Lưu: V1; TCCB"), "Lưu: VT, TCCB");
        assert_eq!(recipient("Lưu: Và; TCCB."), "Lưu: VT, TCCB");
        assert_eq!(recipient("Lưu: VTị CCBVMT"), "Lưu: VT, CCBVMT");
        assert_eq!(recipient("LƯU: VT, TCKH"), "Lưu: VT, TCKH");
        assert_eq!(recipient("Lưu VT, SNgV"), "Lưu: VT, SNgV");
        assert_eq!(recipient("Lưu: VT, P.KT"), "Lưu: VT, P.KT");
        // Not a list of file codes: left as it is.
        assert_eq!(recipient("Lưu hồ sơ"), "Lưu hồ sơ");
        assert_eq!(recipient("LƯU: VT;VP (2b)"), "Lưu: VT, VP (2b)");
        assert_eq!(recipient("Lưu: VT, Nguyễn Văn A"), "Lưu: VT, Nguyễn Văn A");
        assert_eq!(recipient("Lưu trữ tỉnh"), "Lưu trữ tỉnh");
        assert_eq!(recipient("Sở Nội vụ (b/C)"), "Sở Nội vụ (b/c)");
        assert_eq!(recipient("UBND tỉnh (để B/C)"), "UBND tỉnh (để b/c)");
        assert_eq!(recipient("UBND xã Tỉnh Hà"), "UBND xã Tịnh Hà");
        assert_eq!(recipient("Như trên"), "Như trên");
    }

    #[test]
    fn vv_lines_as_ocr_reads_them() {
        for l in [
            "V/v tăng cường",
            "'/y tăng cường",
            "\"/v tăng cường",
            "V|v tăng cường",
            "v/v: tăng cường",
        ] {
            let f = fold(l);
            let m = VV.find(&f).unwrap_or_else(|| panic!("{l}"));
            assert_eq!(&f[m.end()..], "tang cuong", "{l}");
        }
        for l in ["Vì vậy", "1/2 số", "IV. Tổ chức"] {
            assert!(!VV.is_match(&fold(l)), "{l}");
        }
    }

    #[test]
    fn vv_damaged_beyond_the_pattern_counts_only_under_the_number() {
        for l in [
            "7y tăng cường",
            "ý tăng cường",
            "y: tăng cường",
            "/v tăng cường",
        ] {
            let f = fold(l);
            let m = VV_DAMAGED.find(&f).unwrap_or_else(|| panic!("{l}"));
            assert_eq!(&f[m.end()..], "tang cuong", "{l}");
        }
        let doc = scan_doc(&[
            ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            ("HUYỆN NGHĨA HÀNH", "Độc lập - Tự do - Hạnh phúc"),
            ("Số: 1847/UBND-VP", "Nghĩa Hành, ngày 06 tháng 9 năm 2024"),
            ("ý tăng cường công tác phòng, chống", ""),
            ("thiên tai mùa mưa bão năm 2024", ""),
            ("Kính gửi: Các phòng, ban.", ""),
        ]);
        let m = extract_metadata(&doc);
        assert_eq!(m.document_type.as_deref(), Some("Công văn"));
        let subject = "tăng cường công tác phòng, chống thiên tai mùa mưa bão năm 2024";
        assert_eq!(m.subject.as_deref(), Some(subject));
        // The restorer made a word of the OCR's `7y`: the raw reading still says V/v.
        let mut doc = doc;
        read_as(&mut doc, "ý", "7y", "ty");
        assert_eq!(extract_metadata(&doc).subject.as_deref(), Some(subject));
    }

    #[test]
    fn a_signer_name_ocr_read_right_is_not_re_marked() {
        let doc = scan_doc(&[
            ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            ("THÀNH PHỐ HẢI PHÒNG", "Độc lập - Tự do - Hạnh phúc"),
            (
                "Số: 4306/UBND-KSTTHC",
                "Hải Phòng, ngày 06 tháng 02 năm 2024",
            ),
            ("V/v tăng cường kiểm soát", ""),
            ("Kính gửi: Các sở, ban, ngành thành phố.", ""),
            ("Ủy ban nhân dân thành phố yêu cầu thực hiện./.", ""),
            ("Nơi nhận:", "TM. ỦY BAN NHÂN DÂN"),
            ("- Như trên;", "KT. CHỦ TỊCH"),
            ("- Lưu: VT.", "PHÓ CHỦ TỊCH"),
            ("", "Nguyễn Văn Hóa"),
        ]);
        let mut doc = doc;
        read_as(&mut doc, "Hóa", "Hòa", "Hóa");
        let m = extract_metadata(&doc);
        let name = m.signer.and_then(|s| s.name);
        assert_eq!(name.as_deref(), Some("Nguyễn Văn Hòa"));
        // Unmarked OCR stays with the restorer's reading.
        let line = TLine::new(1, 0, 0, vec![]);
        assert_eq!(signer_name_text(&line), "");
    }

    #[test]
    fn stray_letters_after_a_type_abbreviation_go() {
        assert_eq!(
            snap_symbol("01/2023/TTI-VPCP", Some("Thông tư")),
            "01/2023/TT-VPCP"
        );
        assert_eq!(
            snap_symbol("486/QĐĐ-SGDĐT", Some("Quyết định")),
            "486/QĐ-SGDĐT"
        );
        // A real other abbreviation, or a type the symbol does not start with, is kept.
        assert_eq!(snap_symbol("12/TTr-UBND", Some("Thông tư")), "12/TTr-UBND");
        assert_eq!(snap_symbol("12/TTLT-BTC", Some("Thông tư")), "12/TTLT-BTC");
        assert_eq!(
            snap_symbol("418/UBND-KGVX", Some("Công văn")),
            "418/UBND-KGVX"
        );
        assert_eq!(snap_symbol("5/KHI", Some("Kế hoạch")), "5/KHI");
    }

    #[test]
    fn numbers_survive_ocr_damage() {
        assert_eq!(
            parse_number(" 67/KH-NV"),
            NumberField::Found("67/KH-NV".into())
        );
        assert_eq!(
            parse_number("67 IKH-NV"),
            NumberField::Found("67/KH-NV".into())
        );
        assert_eq!(
            parse_number("47¹² /KH-BQL"),
            NumberField::Found("4712/KH-BQL".into())
        );
        assert_eq!(
            parse_number("52/KH-SNgV Bình Phước, ngày"),
            NumberField::Found("52/KH-SNgV".into())
        );
        assert_eq!(parse_number("   /KH-NV"), NumberField::Blank);
        assert_eq!(
            parse_number("61/2018/NĐ-CP"),
            NumberField::Found("61/2018/NĐ-CP".into())
        );
        assert_eq!(
            parse_number("4306/UBND-KSTTHC"),
            NumberField::Found("4306/UBND-KSTTHC".into())
        );
    }

    #[test]
    fn dates_survive_ocr_damage() {
        assert_eq!(
            date_in("ha noi, ngay 29 thang9 ndam 2023").map(|d| d.0),
            Some("2023-09-29".into())
        );
        assert_eq!(
            date_in("ngay 06 thang 02 nam 2023").map(|d| d.0),
            Some("2023-02-06".into())
        );
        assert_eq!(date_in("ngay 31 thang 2 nam 2023"), None);
    }

    /// Metadata of [`text_doc`]`(text)`.
    pub(crate) fn meta_of_text(text: &str) -> Metadata {
        extract_metadata(&text_doc(text))
    }

    /// A text document, a page per `\x0c`, one line per `\n`, words split on spaces, read surely.
    fn text_doc(text: &str) -> Document {
        use vanban_doc::{Line, Origin, Page, Source, Word};
        let pages: Vec<Page> = text
            .split('\x0c')
            .enumerate()
            .map(|(i, t)| Page {
                number: i as u32 + 1,
                width: 0,
                height: 0,
                dpi: 0,
                origin: Origin::TextFile,
                lines: t
                    .lines()
                    .map(|l| Line {
                        bbox: None,
                        block: 0,
                        words: l.split(' ').map(|w| Word::new(w, None, 1.0)).collect(),
                    })
                    .collect(),
            })
            .collect();
        let source = Source {
            path: "t".into(),
            sha256: String::new(),
            pages: pages.len() as u32,
        };
        Document::new(source, pages)
    }

    #[test]
    fn a_misread_noi_nhan_still_opens_the_list_and_a_dashless_filing_line_is_its_own_item() {
        // a low-resolution scan: `Nơi` read as `Mới`, the dashes of two items lost
        let m = meta_of_text(
            "Số: 12/VPCP-CN\nCÔNG VĂN\nKính gửi các Bộ./.\nMới nhận:\n- Như trên;\n\
             VPCP: BTCN, PCN Phạm Mạnh Cường,\ncác Vụ: TH, PL, NN;\nLưu: VT, CN.",
        );
        assert_eq!(
            m.recipients,
            vec![
                "Như trên",
                "VPCP: BTCN, PCN Phạm Mạnh Cường, các Vụ: TH, PL, NN",
                "Lưu: VT, CN"
            ]
        );
        // neither `Người nhận:` nor `Tôi nhận:` opens it
        for l in ["người nhận: ông A", "tôi nhận: hồ sơ"] {
            assert!(!NOI_NHAN.is_match(&fold(l)), "{l}");
        }
        assert!(NOI_NHAN.is_match(&fold("4Wơi nhận:")));
        // `Nơi` lost: `nhận:` opens the list when the items follow it
        let m = meta_of_text(
            "Số: 12/VPCP-CN\nCÔNG VĂN\nKính gửi các Bộ./.\nnhận:\nNhư trên;\n- Bộ Tài chính;\n\
             - Lưu: VT, CN.",
        );
        assert_eq!(
            m.recipients,
            vec!["Như trên", "Bộ Tài chính", "Lưu: VT, CN"]
        );
        let m = meta_of_text(
            "Số: 12/VPCP-CN\nCÔNG VĂN\nKính gửi các Bộ:\nnhận: hồ sơ của Bộ Tài chính;\n\
             Đề nghị các Bộ xem xét./.",
        );
        assert!(m.recipients.is_empty());
    }

    #[test]
    fn a_lone_word_in_capitals_above_the_issuer_is_no_parent_body() {
        let m = meta_of_text(
            "CHÍNH\nTHỦ TƯỚNG CHÍNH PHỦ\nSố: 12/QĐ-TTg\nQUYẾT ĐỊNH\nVề việc ban hành kế hoạch",
        );
        assert_eq!(m.parent_issuer, None);
        assert_eq!(m.issuer.as_deref(), Some("Thủ tướng Chính phủ"));
    }

    #[test]
    fn a_rule_read_as_weak_junk_under_the_issuer_is_no_issuer() {
        let header = |second: &str, conf: f32| {
            let mut d = text_doc(&format!(
                "THỦ TƯỚNG CHÍNH PHỦ\n{second}\nSố: 12/QĐ-TTg\nQUYẾT ĐỊNH\nVề việc ban hành kế hoạch"
            ));
            for w in &mut d.pages[0].lines[1].words {
                w.conf = conf;
            }
            extract_metadata(&d)
        };
        // `ĐÓNG CHIN` at no confidence: the rule under the name at 100 dpi
        let m = header("ĐÓNG CHIN", 0.0);
        assert_eq!(m.issuer.as_deref(), Some("Thủ tướng Chính phủ"));
        assert_eq!(m.parent_issuer, None);
        // a body's name read at no confidence is still one
        let m = header("SỞ THÔNG TIN", 0.0);
        assert_eq!(m.parent_issuer.as_deref(), Some("Thủ tướng Chính phủ"));
        assert_eq!(m.issuer.as_deref(), Some("Sở Thông tin"));
        // and a word read surely is kept whatever it is
        let m = header("ĐÓNG CHIN", 0.9);
        assert_eq!(m.parent_issuer.as_deref(), Some("Thủ tướng Chính phủ"));
    }

    #[test]
    fn a_signer_name_whose_family_name_a_seal_hid_is_taken_from_the_recipients() {
        // the name line as a seal leaves it: junk glued before the given names, read unsurely
        let doc_of = |recipients: &[&str], name: &[(&str, f32)]| {
            let words: Vec<&str> = name.iter().map(|&(t, _)| t).collect();
            let mut doc = text_doc(&format!("{}\n{}", recipients.join("\n"), words.join(" ")));
            for l in &mut doc.pages[0].lines {
                for w in &mut l.words {
                    w.conf = 0.95;
                }
            }
            let last = doc.pages[0].lines.last_mut().expect("the name line");
            for (w, &(_, c)) in last.words.iter_mut().zip(name) {
                w.conf = c;
            }
            doc
        };
        let printed = ["- VPCP: BTCN, PCN Phạm Mạnh Cường,", "- Lưu: VT."];
        let unsure = [("Phanmế", 0.28), ("Mạnh", 0.97), ("Cường", 0.96)];
        let glued = [("PhanmếMạnh", 0.28), ("Cường", 0.96)];
        for name in [&unsure[..], &glued[..]] {
            let lines = crate::lines::doc_lines(&doc_of(&printed, name));
            let name_line = lines.last().expect("lines");
            assert_eq!(
                name_after_junk(&lines, name_line).as_deref(),
                Some("Phạm Mạnh Cường")
            );
        }
        // a family name read unsurely with other letters and marks (`Ehan` for `Phạm`)
        let marks = [("Ehan", 0.0), ("Mạnh", 0.0), ("Cường", 0.97)];
        let lines = crate::lines::doc_lines(&doc_of(&printed, &marks));
        let name_line = lines.last().expect("lines");
        assert_eq!(
            name_elsewhere(&lines, name_line).as_deref(),
            Some("Phạm Mạnh Cường")
        );
        // two people with those given names: nothing is taken
        let doc = doc_of(&["- Ông Phạm Mạnh Cường;", "- Ông Lê Mạnh Cường;"], &unsure);
        let lines = crate::lines::doc_lines(&doc);
        assert_eq!(name_after_junk(&lines, lines.last().expect("lines")), None);
    }

    #[test]
    fn two_given_names_without_their_family_name_are_no_signer_name() {
        let name = |t: &str| {
            let doc = text_doc(t);
            let lines = crate::lines::doc_lines(&doc);
            name_in(lines.last().expect("a line")).map(|(n, _)| n)
        };
        // a seal hid `Lê` of `Lê Minh Hưng`, `Trần` of `Trần Hoàng Tuấn`
        assert_eq!(name("Minh Hưng"), None);
        assert_eq!(name("Hoàng Tuấn").as_deref(), Some("Hoàng Tuấn")); // Hoàng is a family name
        assert_eq!(name("Lê Hưng").as_deref(), Some("Lê Hưng"));
        assert_eq!(name("Lê Minh Hưng").as_deref(), Some("Lê Minh Hưng"));
        // `Hoàng Tuấn` with a seal's ink before it on its line, which OCR read as no word
        let doc = text_doc("Hoàng Tuấn");
        let mut lines = crate::lines::doc_lines(&doc);
        let l = lines.last_mut().expect("a line");
        l.page_width = 1733;
        l.bbox = Some(vanban_doc::BBox {
            x0: 987,
            y0: 1497,
            x1: 1343,
            y1: 1542,
        });
        let at = |x0: u32| {
            Some(vanban_doc::BBox {
                x0,
                y0: 1497,
                x1: x0 + 100,
                y1: 1542,
            })
        };
        (l.words[0].bbox, l.words[1].bbox) = (at(1125), at(1253));
        assert_eq!(name_in(l), None);
        l.words[0].bbox = at(990);
        assert_eq!(name_in(l).map(|(n, _)| n).as_deref(), Some("Hoàng Tuấn"));
    }

    #[test]
    fn a_signer_title_that_is_no_title_is_left_out() {
        // a lone misread word (`TƯỜNG` for `THỦ TƯỚNG`) or a file code is not a position
        for bad in ["TƯỜNG", "PCVP;", "CÔNG VĂN ĐẾN 12"] {
            assert!(!crate::gazetteer::title_like(bad), "{bad}");
        }
        for good in ["PHÓ TRƯỞNG BAN THƯỜNG TRỰC", "Phó Chủ tịch", "GIÁM ĐỐC"] {
            assert!(crate::gazetteer::title_like(good), "{good}");
        }
    }

    #[test]
    fn a_rank_before_the_signers_name_is_kept_apart() {
        for (line, name, rank) in [
            ("Trung tá Ngô Văn Công", "Ngô Văn Công", "Trung tá"),
            ("Đại tá Nguyễn Văn Hùng", "Nguyễn Văn Hùng", "Đại tá"),
            ("Thiếu tướng Lê Văn Minh", "Lê Văn Minh", "Thiếu tướng"),
        ] {
            let text = format!(
                "CÔNG AN TỈNH BẮC NINH\nSố: 1520/CAT-PV01\nV/v bảo đảm an ninh\n\
                 Bắc Ninh, ngày 12 tháng 01 năm 2024\nKính gửi: Ủy ban nhân dân các huyện.\n\
                 Công an tỉnh đề nghị các đơn vị phối hợp thực hiện.\nNơi nhận:\n- Như trên;\n\
                 - Lưu: VT, PV01.\nKT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n{line}"
            );
            let s = meta_of_text(&text).signer.expect("signer");
            assert_eq!(s.name.as_deref(), Some(name), "{line}");
            assert_eq!(s.rank.as_deref(), Some(rank), "{line}");
            assert_eq!(s.position.as_deref(), Some("Phó Giám đốc"));
        }
    }

    #[test]
    fn titles_run_into_recipient_lines_are_split_off() {
        let text = "Số: 68/TTr-TCKH\nTỜ TRÌNH\nVề việc sửa chữa trụ sở\nCăn cứ hồ sơ, kính trình xem xét./.\n\
                    Nơi nhận: TRƯỞNG PHÒNG\n- Như trên;\n- UBND xã Tịnh Hà;\n- Lưu: VT, TCKH.\nHuỳnh Văn Quốc";
        let m = meta_of_text(text);
        assert_eq!(
            m.recipients,
            vec!["Như trên", "UBND xã Tịnh Hà", "Lưu: VT, TCKH"]
        );
        let s = m.signer.expect("signer");
        assert_eq!(s.position.as_deref(), Some("Trưởng phòng"));
        assert_eq!(s.name.as_deref(), Some("Huỳnh Văn Quốc"));
    }

    #[test]
    fn names_look_like_names() {
        assert!(is_person_name("Hoàng Minh Cường"));
        assert!(!is_person_name("PHÓ CHỦ TỊCH"));
        assert!(!is_person_name("Sở Nội vụ;"));
        assert!(!is_person_name("Lưu: VT."));
    }

    /// Every word whose text is `text` becomes one OCR read as `raw` and restoration made `restored`.
    fn read_as(doc: &mut Document, text: &str, raw: &str, restored: &str) {
        for w in doc
            .pages
            .iter_mut()
            .flat_map(|p| &mut p.lines)
            .flat_map(|l| &mut l.words)
            .filter(|w| w.text == text)
        {
            w.raw = raw.into();
            w.text = restored.into();
        }
    }

    /// A scanned page as OCR gives it: each printed row one line, the two columns' words on the
    /// same line, told apart only by their boxes.
    fn scan_doc(rows: &[(&str, &str)]) -> Document {
        use vanban_doc::{BBox, Line, Origin, Page, Source, Word};
        let lines = rows
            .iter()
            .enumerate()
            .map(|(i, (left, right))| {
                let y0 = 200 + 70 * i as u32;
                let mut words = Vec::new();
                for (text, x_start) in [(left, 300u32), (right, 1250u32)] {
                    let mut x = x_start;
                    for w in text.split_whitespace() {
                        let x1 = x + 22 * w.chars().count() as u32;
                        words.push(Word::new(
                            w,
                            Some(BBox {
                                x0: x,
                                y0,
                                x1,
                                y1: y0 + 40,
                            }),
                            0.9,
                        ));
                        x = x1 + 18;
                    }
                }
                Line {
                    bbox: None,
                    block: 0,
                    words,
                }
            })
            .collect();
        let page = Page {
            number: 1,
            width: 2480,
            height: 3508,
            dpi: 300,
            origin: Origin::Ocr,
            lines,
        };
        Document::new(
            Source {
                path: "a.pdf".into(),
                sha256: String::new(),
                pages: 1,
            },
            vec![page],
        )
    }

    #[test]
    fn scan_layout_columns_by_boxes() {
        let doc = scan_doc(&[
            ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            ("THÀNH PHỐ HẢI PHÒNG", "Độc lập - Tự do - Hạnh phúc"),
            (
                "Số: 4306/UBND-KSTTHC",
                "Hải Phòng, ngày 06 tháng 02 năm 2024",
            ),
            ("V/v tăng cường kiểm soát", ""),
            ("thủ tục hành chính", ""),
            ("Kính gửi: Các sở, ban, ngành thành phố.", ""),
            (
                "Thực hiện Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018 của Chính phủ,",
                "",
            ),
            ("Ủy ban nhân dân thành phố yêu cầu thực hiện./.", ""),
            ("Nơi nhận:", "TM. ỦY BAN NHÂN DÂN"),
            ("- Như trên;", "KT. CHỦ TỊCH"),
            ("- Lưu: VT.", "PHÓ CHỦ TỊCH"),
            ("", "Hoàng Minh Cường"),
        ]);
        let m = extract_metadata(&doc);
        assert_eq!(m.document_type.as_deref(), Some("Công văn"));
        assert_eq!(m.number.as_deref(), Some("4306/UBND-KSTTHC"));
        assert_eq!(m.issued_date.as_deref(), Some("2024-02-06"));
        assert_eq!(m.place.as_deref(), Some("Hải Phòng"));
        assert_eq!(
            m.issuer.as_deref(),
            Some("Ủy ban nhân dân thành phố Hải Phòng")
        );
        assert_eq!(m.parent_issuer, None);
        assert_eq!(
            m.subject.as_deref(),
            Some("tăng cường kiểm soát thủ tục hành chính")
        );
        assert_eq!(m.recipients, vec!["Như trên", "Lưu: VT"]);
        let s = m.signer.expect("signer");
        assert_eq!(s.name.as_deref(), Some("Hoàng Minh Cường"));
        assert_eq!(s.position.as_deref(), Some("Phó Chủ tịch"));
        assert_eq!(s.authority.as_deref(), Some("KT."));
        assert_eq!(m.references.len(), 1);
        assert_eq!(m.references[0].number.as_deref(), Some("61/2018/NĐ-CP"));
        assert_eq!(m.references[0].issued_date.as_deref(), Some("2018-04-23"));
        assert!(m
            .confidence
            .get("number")
            .is_some_and(|c| *c > 0.8 && *c <= 1.0));
    }

    #[test]
    fn a_title_with_something_hidden_before_it_is_not_given_shorter() {
        // qd 707: the seal covers `KT.` and `PHÓ`; the page OCR keeps `THỦ TƯỚNG` and drops the
        // seal's ink before it (the line's box starts far left of its first word).
        let position = |title: &str, gap: u32| {
            let mut doc = scan_doc(&[
                ("THỦ TƯỚNG CHÍNH PHỦ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                ("Số: 707/QĐ-TTg", "Hà Nội, ngày 22 tháng 4 năm 2026"),
                ("QUYẾT ĐỊNH", ""),
                ("Quyết định này có hiệu lực từ ngày ký./.", ""),
                ("Nơi nhận:", title),
                ("- Như Điều 3;", ""),
                ("- Lưu: VT.", "Nguyễn Văn Thắng"),
            ]);
            let line = &mut doc.pages[0].lines[4];
            let first = line.words[2].bbox.expect("box");
            let last = line.words.last().and_then(|w| w.bbox).expect("box");
            line.bbox = Some(vanban_doc::BBox {
                x0: first.x0 - gap,
                ..last
            });
            extract_metadata(&doc).signer.and_then(|s| s.position)
        };
        assert_eq!(position("THỦ TƯỚNG", 150), None);
        assert_eq!(position("ẩm THỦ TƯỚNG", 0), None);
        // nothing hidden: the title as read
        assert_eq!(position("THỦ TƯỚNG", 0).as_deref(), Some("Thủ tướng"));
        assert_eq!(position("THỦ TƯỚNG", 20).as_deref(), Some("Thủ tướng"));
        // no longer title ends with it: nothing could change it
        assert_eq!(
            position("PHÓ THỦ TƯỚNG", 150).as_deref(),
            Some("Phó Thủ tướng")
        );
    }

    #[test]
    fn a_deputy_title_under_the_same_head_title_signs_for_the_head() {
        // qd 707 under a bilevel seal: `KT.` lost, `PHÓ` read into junk glued to the title.
        let signer = |upper: &str, lower: &str| {
            let doc = scan_doc(&[
                ("THỦ TƯỚNG CHÍNH PHỦ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                ("Số: 707/QĐ-TTg", "Hà Nội, ngày 22 tháng 4 năm 2026"),
                ("QUYẾT ĐỊNH", ""),
                ("Quyết định này có hiệu lực từ ngày ký./.", ""),
                ("Nơi nhận:", upper),
                ("- Như Điều 3;", lower),
                ("- Lưu: VT.", "Nguyễn Văn Thắng"),
            ]);
            let s = extract_metadata(&doc).signer.expect("signer");
            (s.authority, s.position)
        };
        let kt = |p: &str| (Some("KT.".to_string()), Some(p.to_string()));
        assert_eq!(signer("THỦ TƯỚNG", "PHƯOXRHỦ TƯỚNG"), kt("Phó Thủ tướng"));
        assert_eq!(signer("THỦ TƯỚNG", "ẩm THỦ TƯỚNG"), kt("Phó Thủ tướng"));
        assert_eq!(signer("THỦ TƯỚNG", "PHÓ THỦ TƯỚNG"), kt("Phó Thủ tướng"));
        assert_eq!(signer("KT. CHỦ TỊCH", "ẩm CHỦ TỊCH"), kt("Phó Chủ tịch"));
        // other titles under the head's: as read
        assert_eq!(signer("KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"), kt("Thứ trưởng"));
        assert_eq!(
            signer("TL. BỘ TRƯỞNG", "CHÁNH VĂN PHÒNG"),
            (Some("TL.".to_string()), Some("Chánh Văn phòng".to_string()))
        );
        // the head signs: no authority, no deputy
        assert_eq!(
            signer("", "THỦ TƯỚNG"),
            (None, Some("Thủ tướng".to_string()))
        );
        // a title under a body's name is no deputy's; what the seal hid before it may be a
        // `KT.`, the last of layered authorities: none is given
        assert_eq!(signer("TM. ỦY BAN NHÂN DÂN", "ẩm CHỦ TỊCH"), (None, None));
        assert_eq!(
            signer("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
            (Some("TM.".to_string()), Some("Chủ tịch".to_string()))
        );
        // the same title twice, read clean: the lower is the deputy's (`PHÓ` lost)
        assert_eq!(signer("XI. GIÁM ĐỐC", "GIÁM ĐỐC"), kt("Phó Giám đốc"));
        // a listed title, then one the list lacks (`CHÁNH` hidden): not the listed one
        assert_eq!(
            signer("TL. GIÁM ĐỐC", "VĂN PHÒNG"),
            (Some("TL.".to_string()), None)
        );
        // `TL. CHỦ TỊCH` / `[KT.] CHÁNH VĂN PHÒNG` / `PHÓ CHÁNH VĂN PHÒNG`: the deputy signs, KT.
        let doc = scan_doc(&[
            ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            ("Số: 575/UBND-KTTH", "Quảng Ngãi, ngày 20 tháng 4 năm 2025"),
            ("Kính gửi: Sở Tài chính.", ""),
            ("Đề nghị thực hiện đúng thời gian yêu cầu./.", ""),
            ("Nơi nhận:", "TL. CHỦ TỊCH"),
            ("- Như trên;", "ẩm CHÁNH VĂN PHÒNG"),
            ("- Sở Tài chính;", "PHÓ CHÁNH VĂN PHÒNG"),
            ("- Lưu: VT.", "Hà Thị Lê Vân"),
        ]);
        let s = extract_metadata(&doc).signer.expect("signer");
        assert_eq!((s.authority, s.position), kt("Phó Chánh Văn phòng"));
    }

    #[test]
    fn a_family_name_read_unsurely_as_no_syllable_is_no_name() {
        let name = |family: &str, conf: f32| {
            let mut doc = scan_doc(&[
                ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                ("Số: 575/UBND-KTTH", "Quảng Ngãi, ngày 20 tháng 4 năm 2025"),
                ("Kính gửi: Sở Tài chính.", ""),
                ("Đề nghị thực hiện đúng thời gian yêu cầu./.", ""),
                ("Nơi nhận:", "GIÁM ĐỐC"),
                ("- Lưu: VT.", &format!("{family} Thị Minh Hằng")),
            ]);
            let line = &mut doc.pages[0].lines[5];
            let i = line
                .words
                .iter()
                .position(|w| w.raw == family)
                .expect("family");
            line.words[i].conf = conf;
            extract_metadata(&doc).signer.and_then(|s| s.name)
        };
        assert_eq!(name("Tểan", 0.52), None);
        assert_eq!(name("Trần", 0.52).as_deref(), Some("Trần Thị Minh Hằng"));
        // read surely, or a syllable (a family name the list lacks): kept
        assert_eq!(name("Tểan", 0.95).as_deref(), Some("Tểan Thị Minh Hằng"));
        assert_eq!(name("Mẫn", 0.6).as_deref(), Some("Mẫn Thị Minh Hằng"));
    }

    #[test]
    fn a_list_whose_dashes_were_mostly_lost_is_not_counted() {
        let recipients = |items: &[&str]| {
            let mut rows = vec![
                ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                ("Số: 575/UBND-KTTH", "Quảng Ngãi, ngày 20 tháng 4 năm 2025"),
                ("Kính gửi: Sở Tài chính.", ""),
                ("Đề nghị thực hiện đúng thời gian yêu cầu./.", ""),
                ("Nơi nhận:", "KT. CHỦ TỊCH"),
            ];
            rows.extend(items.iter().map(|i| (*i, "")));
            rows.push(("- Lưu: VT.", "Hoàng Minh Cường"));
            extract_metadata(&scan_doc(&rows)).recipients.len()
        };
        // a 576 px copy: one dash read of five
        assert_eq!(
            recipients(&[
                "Như trên,",
                "Bệ Tài chính:",
                "PCT UBND tỉnh:",
                "- VPUB: CVP, PCVP;",
                "Công TT-ĐT tỉnh:",
            ]),
            0
        );
        // items wrapped over two lines each are counted
        assert_eq!(
            recipients(&[
                "- Văn phòng Trung ương Đảng và các",
                "Ban của Đảng;",
                "- Các Bộ, cơ quan ngang Bộ, cơ quan",
                "thuộc Chính phủ;",
            ]),
            3
        );
    }

    #[test]
    fn a_dashless_line_at_the_dashes_after_an_item_ending_in_a_colon_is_an_item() {
        let doc = scan_doc(&[
            ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            ("TỈNH QUẢNG NGÃI", "Độc lập - Tự do - Hạnh phúc"),
            ("Số: 575/UBND-KTTH", "Quảng Ngãi, ngày 20 tháng 4 năm 2025"),
            ("Kính gửi: Sở Tài chính.", ""),
            ("Đề nghị thực hiện đúng thời gian yêu cầu./.", ""),
            ("Nơi nhận:", "KT. CHỦ TỊCH"),
            ("- Bộ Tài chính:", "PHÓ CHỦ TỊCH"),
            ("CT, PCT UBND tỉnh;", ""),
            ("- Báo Quảng Ngãi:", ""),
            ("(để đưa tin)", ""),
            ("Cổng TTĐT tỉnh;", ""),
            ("- VPUB: CVP,", ""),
            ("PCVP, các phòng;", ""),
            ("- Lưu: VT.", "Hoàng Minh Cường"),
        ]);
        let m = extract_metadata(&doc);
        assert_eq!(
            m.recipients,
            vec![
                "Bộ Tài chính",
                "CT, PCT UBND tỉnh",
                "Báo Quảng Ngãi (để đưa tin)",
                "Cổng TTĐT tỉnh",
                "VPUB: CVP, PCVP, các phòng",
                "Lưu: VT"
            ]
        );
    }

    #[test]
    fn a_place_named_after_a_person_keeps_its_kind_and_stays_out_of_the_subject() {
        // Plain text OCR of other tools reads the left column, then the right one.
        let text = "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HỒ CHÍ MINH\nSố: 4521/UBND-ĐT\n\
                    V/v triển khai thực hiện dự án\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\
                    Độc lập - Tự do - Hạnh phúc\nThành phố Hồ Chí Minh, ngày 15 tháng 10 năm 2024\n\
                    Kính gửi: Sở Giao thông vận tải.\nỦy ban nhân dân Thành phố giao Sở triển khai./.";
        let m = meta_of_text(text);
        assert_eq!(m.place.as_deref(), Some("Thành phố Hồ Chí Minh"));
        assert_eq!(m.subject.as_deref(), Some("triển khai thực hiện dự án"));
        assert_eq!(m.issued_date.as_deref(), Some("2024-10-15"));
        let m = meta_of_text(&text.replace("Thành phố Hồ Chí Minh, ngày", "Hà Nội, ngày"));
        assert_eq!(m.place.as_deref(), Some("Hà Nội"));
    }

    #[test]
    fn a_heading_read_beyond_recognition_is_known_by_its_place_and_a_list_with_a_hole_is_left_out()
    {
        // A 100 dpi copy: `Nơi nhận:` read `Xa nhện: ØàŠ` (restored `Xa nhận:`), right under the
        // body's `./.`.
        let rows = |hole: bool| {
            let mut r = vec![
                ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                ("THÀNH PHỐ HÀ NỘI", "Độc lập - Tự do - Hạnh phúc"),
                ("Số: 2280/QĐ-UBND", "Hà Nội, ngày 20 tháng 4 năm 2026"),
                ("QUYẾT ĐỊNH", ""),
                ("Phê duyệt Kế hoạch thoát nước", ""),
                (
                    "Điều 3. Các đơn vị chịu trách nhiệm thi hành Quyết định này./.",
                    "",
                ),
                ("Xa nhận: ØàŠ", "TM. ỦY BAN NHÂN DÂN"),
                ("- Bí thư Thành ủy;", "KT. CHỦ TỊCH"),
                ("~ Thường trực Thành ủy;", "PHÓ CHỦ TỊCH"),
                ("- Chủ tịch UBND Thành phố;", ""),
                ("- Các PCT UBND Thành phố;", ""),
                ("- Lưu: VT, ĐT.", "Trương Việt Dũng"),
            ];
            if hole {
                // the first item lost by OCR: its row left empty
                r[7].0 = "";
            }
            r
        };
        let m = extract_metadata(&scan_doc(&rows(false)));
        assert_eq!(
            m.recipients,
            vec![
                "Bí thư Thành ủy",
                "Thường trực Thành ủy",
                "Chủ tịch UBND Thành phố",
                "Các PCT UBND Thành phố",
                "Lưu: VT, ĐT"
            ]
        );
        assert!(extract_metadata(&scan_doc(&rows(true)))
            .recipients
            .is_empty());
    }

    #[test]
    fn mis_marked_scan_fields_are_put_right() {
        // The damage Tesseract and restoration leave on real scans: a head read `SƠ`, a stray
        // letter in the symbol, `V/v` read `'/y`, a district mis-marked, `Ð` for `Đ`, a family
        // name mis-marked, file codes run together.
        let doc = scan_doc(&[
            ("UBND HUYỆN SƠN TỊNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            (
                "SƠ THÔNG TIN VÀ TRUYỀN THÔNG",
                "Độc lập - Tự do - Hạnh phúc",
            ),
            ("Số: 86/KHI-STTTT", "Sơn Tình, ngày 05 tháng 3 năm 2024"),
            ("KẾ HOẠCH", ""),
            ("Sửa chữa trụ sở Ủy ban nhân dân xã Tỉnh Hà", ""),
            (
                "Căn cứ Quyết định số 486/QĐÐ-SGDĐT ngày 07/7/2023 của Giám đốc Sở./.",
                "",
            ),
            ("Nơi nhận:", "KT. GIÁM ĐỐC"),
            ("- UBND xã Tỉnh Hà (b/C);", "PHÓ GIÁM ĐỐC"),
            ("- Lưu: VTị VP.", ""),
            ("", "Đỉnh Thị Ngọc Diệp"),
        ]);
        let m = extract_metadata(&doc);
        assert_eq!(m.number.as_deref(), Some("86/KH-STTTT"));
        assert_eq!(m.place.as_deref(), Some("Sơn Tịnh"));
        assert_eq!(m.parent_issuer.as_deref(), Some("UBND huyện Sơn Tịnh"));
        assert_eq!(m.issuer.as_deref(), Some("Sở Thông tin và Truyền thông"));
        assert_eq!(
            m.subject.as_deref(),
            Some("Sửa chữa trụ sở Ủy ban nhân dân xã Tịnh Hà")
        );
        assert_eq!(m.recipients, vec!["UBND xã Tịnh Hà (b/c)", "Lưu: VT, VP"]);
        let s = m.signer.expect("signer");
        assert_eq!(s.name.as_deref(), Some("Đinh Thị Ngọc Diệp"));
        assert_eq!(m.references.len(), 1);
        assert_eq!(m.references[0].number.as_deref(), Some("486/QĐ-SGDĐT"));
        assert_eq!(m.references[0].issued_date.as_deref(), Some("2023-07-07"));
    }

    #[test]
    fn blank_number_is_null_and_split_number_is_joined() {
        let doc = scan_doc(&[
            ("UBND TỈNH BÌNH PHƯỚC", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            ("SỞ NGOẠI VỤ", "Độc lập - Tự do - Hạnh phúc"),
            ("Số: /KH-SNgV", "Bình Phước, ngày 11 tháng 8 năm 2023"),
        ]);
        let m = extract_metadata(&doc);
        assert_eq!(m.number, None);
        assert_eq!(m.issuer.as_deref(), Some("Sở Ngoại vụ"));
        assert_eq!(m.parent_issuer.as_deref(), Some("UBND tỉnh Bình Phước"));
        let doc = scan_doc(&[
            ("SỞ NGOẠI VỤ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            ("S6:67 IKH-", "Độc lập - Tự do - Hạnh phúc"),
            ("NV", "Hải Phòng, ngay 29 thang9 ndam 2023"),
        ]);
        let m = extract_metadata(&doc);
        assert_eq!(m.number.as_deref(), Some("67/KH-NV"));
        assert_eq!(m.issued_date.as_deref(), Some("2023-09-29"));
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_boxes(
            words in proptest::collection::vec(("\\PC{0,12}", proptest::prelude::any::<[u32; 4]>(), 0u32..4), 0..60),
            width in proptest::prelude::any::<u32>(),
        ) {
            use vanban_doc::{BBox, Line, Origin, Page, Source, Word};
            let lines = words.chunks(5).map(|ws| Line {
                bbox: None,
                block: ws.first().map_or(0, |w| w.2),
                words: ws.iter().map(|(t, b, _)| {
                    Word::new(t.clone(), Some(BBox { x0: b[0], y0: b[1], x1: b[2], y1: b[3] }), 0.5)
                }).collect(),
            }).collect();
            let page = Page { number: 1, width, height: 100, dpi: 300, origin: Origin::Ocr, lines };
            let doc = Document::new(Source { path: "p".into(), sha256: String::new(), pages: 1 }, vec![page]);
            let _ = extract_metadata(&doc);
        }

        #[test]
        fn never_panics_and_writes_nfc(lines in proptest::collection::vec("\\PC{0,60}", 0..30)) {
            use vanban_doc::{Line, Origin, Page, Source, Word};
            let page = Page {
                number: 1, width: 0, height: 0, dpi: 0, origin: Origin::TextFile,
                lines: lines.iter().map(|l| Line {
                    bbox: None, block: 0,
                    words: l.split(' ').filter(|w| !w.is_empty()).map(|w| Word::new(w, None, 1.0)).collect(),
                }).collect(),
            };
            let doc = Document::new(Source { path: "p".into(), sha256: String::new(), pages: 1 }, vec![page]);
            let m = extract_metadata(&doc);
            for s in [&m.document_type, &m.number, &m.place, &m.issuer, &m.parent_issuer, &m.subject].into_iter().flatten() {
                proptest::prop_assert!(unicode_normalization::is_nfc(s));
            }
            if let Some(d) = &m.issued_date {
                proptest::prop_assert_eq!(d.len(), 10);
            }
        }
    }

    #[test]
    fn headings_nest() {
        let sec = |depth: u8, label: &str| {
            (
                depth,
                Section {
                    label: label.into(),
                    ..Default::default()
                },
            )
        };
        let flat = vec![
            sec(1, "I"),
            sec(2, "1"),
            sec(7, "-"),
            sec(2, "2"),
            sec(1, "II"),
        ];
        let t = build_tree(flat);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].children.len(), 2);
        assert_eq!(t[0].children[0].children[0].label, "-");
    }
}
