//! The number's and the date's parts as a real page prints them: a typed template whose digits are
//! often written in by hand (`Số: 729 /QĐ-TTg`, `Hà Nội, ngày 23 tháng 4 năm 2026`) or left blank on
//! a copy made before numbering. Each part is read on its own: a typed part (clean digits that OCR
//! is sure of) is kept; a part that is blank, garbled or read with low confidence is reported as a
//! handwritten reading ([`Handwritten`]) and only put into the field when its confidence passes
//! [`HAND_ACCEPT`]. A whole `number` or `issued_date` is given only when every part was read.

use std::sync::LazyLock;

use regex::Regex;
use vanban_doc::{BBox, DateParts, Evidence, Handwritten, NumberParts};

use crate::lines::{TLine, TWord};

/// A digit part read with at least this OCR confidence (and nothing glued to it) counts as typed.
pub(crate) const TYPED_CONF: f32 = 0.85;
/// A number's digits set apart from the symbol by a space (`729 /QĐ-TTg`) stand in a template's
/// blank: typed ones are read at 0.91–0.97 on the real scans, handwritten ones at 0.25–0.76.
pub(crate) const SEPARATE_SEQ_CONF: f32 = 0.9;
/// Digits printed against the symbol (`86/KH-STTTT`) are typed: no blank was left for a hand to
/// fill. A degraded scan reads them at 0.6 and up.
pub(crate) const GLUED_SEQ_CONF: f32 = 0.6;
/// A handwritten reading is put into its field only at or above this confidence. Tesseract's word
/// confidence on handwritten digits in the real set ran from 0.17 to 0.76 with right and wrong
/// readings mixed (`23` at 0.57 right, `82` for 22 at 0.75 wrong): below 0.9 a reading is reported,
/// not trusted.
pub(crate) const HAND_ACCEPT: f32 = 0.9;

/// The date's parts found on a place-and-date line.
#[derive(Debug, Default)]
pub(crate) struct DateRead {
    /// The parts (each null when blank or unread).
    pub parts: DateParts,
    /// Byte offset in the line's text where `ngày` starts (the place ends before it).
    pub start: usize,
    /// Readings of parts that were not typed.
    pub hand: Vec<Handwritten>,
    /// The line's lowest word confidence over the typed parts.
    pub conf: f32,
}

static DATE_PARTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"ng[a-z]{1,3}(?P<d>.{0,14}?)th[a-z]{2,4}(?P<m>.{0,14}?)n[a-z]{1,3}\b\s*(?P<y>\d{4})?",
    )
    .expect("built-in pattern compiles")
});

static NG_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bng[a-z]{1,3}").expect("built-in pattern compiles"));

/// Words of a line overlapping the folded byte range `a..b`, by the original text's offsets.
fn words_in(l: &TLine, a: usize, b: usize) -> Vec<&TWord> {
    let (oa, ob) = (l.fold.orig(a), l.fold.orig(b));
    let mut out = Vec::new();
    let mut pos = 0;
    for w in &l.words {
        let t = crate::text::normalize(&w.text);
        if t.is_empty() {
            continue;
        }
        let end = pos + t.len();
        if end > oa && pos < ob {
            out.push(w);
        }
        pos = end + 1;
    }
    out
}

fn union(words: &[&TWord]) -> Option<BBox> {
    words
        .iter()
        .filter_map(|w| w.bbox)
        .reduce(|a, b| a.union(b))
}

/// Evidence for a part of a line: page, the box of its words, their text.
pub(crate) fn evidence(l: &TLine, words: &[&TWord]) -> Evidence {
    let text = if words.is_empty() {
        l.text.clone()
    } else {
        words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    Evidence {
        page: l.page,
        bbox: union(words),
        text,
    }
}

/// Evidence for a whole line.
pub(crate) fn line_evidence(l: &TLine) -> Evidence {
    let all: Vec<&TWord> = l.words.iter().collect();
    Evidence {
        page: l.page,
        bbox: union(&all),
        text: l.text.clone(),
    }
}

/// How one digit part of a template reads.
enum PartRead {
    /// Nothing there.
    Blank,
    /// Typed digits.
    Typed(u32, f32),
    /// Something that is not clean, sure digits: the digits if any, and the confidence.
    Hand(Option<String>, f32),
}

/// Reads the text between two template words (`ngày` … `tháng`): typed when it is one clean
/// number read with a sure OCR confidence (handwriting glued to `ngày` reads low).
fn read_part(l: &TLine, a: usize, b: usize, max: u32) -> PartRead {
    let f = &l.fold.s[a..b];
    let core = f.trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | ';' | ':'));
    if core.is_empty() {
        return PartRead::Blank;
    }
    let words = words_in(l, a, b);
    let conf = words.iter().map(|w| w.conf).fold(1.0, f32::min);
    let digits = core.chars().all(|c| c.is_ascii_digit()) && core.len() <= 2;
    let value = core.parse::<u32>().ok().filter(|v| (1..=max).contains(v));
    match value {
        Some(v) if digits && conf >= TYPED_CONF => PartRead::Typed(v, conf),
        _ => PartRead::Hand(digits.then(|| core.to_string()), conf),
    }
}

/// The date parts of a place-and-date line (`Hà Nội, ngày 23 tháng 4 năm 2026`; any part may be
/// blank or handwritten).
pub(crate) fn read_date(l: &TLine) -> Option<DateRead> {
    // `Quảng Ngãi, ngày …`: the match must start at the last `ng…` word before `tháng`.
    let mut from = 0;
    let c = loop {
        let c = DATE_PARTS.captures_at(&l.fold.s, from)?;
        let d = c.name("d")?;
        match NG_WORD.find(d.as_str()) {
            Some(x) => from = d.start() + x.start(),
            None => break c,
        }
    };
    let all = c.get(0)?;
    let mut r = DateRead {
        start: l.fold.orig(all.start()),
        conf: 1.0,
        ..DateRead::default()
    };
    if let Some(y) = c.name("y") {
        let words = words_in(l, y.start(), y.end());
        let conf = words.iter().map(|w| w.conf).fold(1.0, f32::min);
        r.parts.year = y
            .as_str()
            .parse()
            .ok()
            .filter(|y| (1945..=2100).contains(y));
        r.conf = r.conf.min(conf);
    }
    for (name, key, max) in [("d", "issued_date.day", 31), ("m", "issued_date.month", 12)] {
        let Some(g) = c.name(name) else { continue };
        let slot = match name {
            "d" => &mut r.parts.day,
            _ => &mut r.parts.month,
        };
        match read_part(l, g.start(), g.end(), max) {
            PartRead::Blank => {}
            PartRead::Typed(v, conf) => {
                *slot = Some(v);
                r.conf = r.conf.min(conf);
            }
            PartRead::Hand(text, conf) => {
                let words = words_in(l, g.start(), g.end());
                let accepted = conf >= HAND_ACCEPT
                    && text
                        .as_deref()
                        .and_then(|t| t.parse::<u32>().ok())
                        .is_some_and(|v| (1..=max).contains(&v));
                if accepted {
                    *slot = text.as_deref().and_then(|t| t.parse().ok());
                }
                r.hand.push(Handwritten {
                    part: key.into(),
                    text,
                    conf,
                    accepted,
                    evidence: Some(evidence(l, &words)),
                });
            }
        }
    }
    Some(r)
}

/// The ISO date when every part was read.
pub(crate) fn whole_date(p: &DateParts) -> Option<String> {
    crate::meta::iso(p.day?, p.month?, p.year?)
}

/// What a `Số:` line's rest holds.
#[derive(Debug, Default)]
pub(crate) struct NumberRead {
    /// The parts.
    pub parts: NumberParts,
    /// A reading of the digits that was not typed.
    pub hand: Option<Handwritten>,
    /// The whole number when every part was read.
    pub whole: Option<String>,
    /// Lowest confidence of what was kept.
    pub conf: f32,
}

static SYMBOL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"/\s*((?:\d{4}\s*/\s*)?\p{Lu}[\p{L}\d.&]*(?:\s*-\s*[\p{L}\d.&]+)*)\s*[.,;]?$")
        .expect("built-in pattern compiles")
});

/// Reads the number's parts from the text after `Số:` (`rest`, with the words it came from):
/// `3722/VPCP-CN` (typed), `729 /QĐ-TTg` (digits in the blank), `/QĐ-UBND` (blank).
pub(crate) fn read_number(l: &TLine, rest_start: usize, rest: &str) -> Option<NumberRead> {
    let rest = rest.trim();
    let m = SYMBOL.captures(rest)?;
    let sym_all = m.get(0)?;
    let symbol: String = m[1].chars().filter(|c| !c.is_whitespace()).collect();
    // Superscript digits (`47¹²`) are digits.
    let head = crate::text::plain_digits(rest[..sym_all.start()].trim());
    let head = head.as_str();
    let mut r = NumberRead {
        conf: 1.0,
        parts: NumberParts {
            seq: None,
            symbol: Some(symbol.clone()),
        },
        ..NumberRead::default()
    };
    // Words of the line from `rest_start` on (original offsets).
    let mut pos = 0;
    let mut rest_words: Vec<&TWord> = Vec::new();
    for w in &l.words {
        let t = crate::text::normalize(&w.text);
        if t.is_empty() {
            continue;
        }
        if pos + t.len() > rest_start {
            rest_words.push(w);
        }
        pos += t.len() + 1;
    }
    let sym_conf = rest_words.last().map_or(1.0, |w| w.conf);
    r.conf = sym_conf;
    if head.is_empty() {
        return Some(r);
    }
    // The digits: glued to the symbol (`3722/VPCP-CN`) or apart (`729 /QĐ-TTg`).
    let separate = rest[..sym_all.start()].ends_with(char::is_whitespace);
    let head_words: Vec<&TWord> = if separate {
        rest_words[..rest_words.len().saturating_sub(1)].to_vec()
    } else {
        rest_words.last().copied().into_iter().collect()
    };
    let conf = head_words.iter().map(|w| w.conf).fold(1.0, f32::min);
    let digits = !head.is_empty() && head.chars().all(|c| c.is_ascii_digit()) && head.len() <= 6;
    let need = if separate {
        SEPARATE_SEQ_CONF
    } else {
        GLUED_SEQ_CONF
    };
    if digits && conf >= need {
        r.parts.seq = Some(head.to_string());
        r.conf = r.conf.min(conf);
    } else {
        let text = digits.then(|| head.to_string());
        let accepted = text.is_some() && conf >= HAND_ACCEPT;
        if accepted {
            r.parts.seq = text.clone();
        }
        r.hand = Some(Handwritten {
            part: "number.seq".into(),
            text,
            conf,
            accepted,
            evidence: Some(evidence(l, &head_words)),
        });
    }
    r.whole = r.parts.seq.as_ref().map(|s| format!("{s}/{symbol}"));
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(words: &[(&str, f32)]) -> TLine {
        TLine::new(
            1,
            0,
            0,
            words
                .iter()
                .map(|(t, c)| TWord {
                    text: t.to_string(),
                    raw: t.to_string(),
                    bbox: None,
                    conf: *c,
                })
                .collect(),
        )
    }

    #[test]
    fn a_typed_date_gives_every_part() {
        let l = line(&[
            ("Hà", 0.96),
            ("Nội,", 0.97),
            ("ngày", 0.96),
            ("28", 0.95),
            ("tháng", 0.96),
            ("4", 0.97),
            ("năm", 0.97),
            ("2026", 0.97),
        ]);
        let r = read_date(&l).unwrap();
        assert_eq!(
            (r.parts.day, r.parts.month, r.parts.year),
            (Some(28), Some(4), Some(2026))
        );
        assert_eq!(whole_date(&r.parts).as_deref(), Some("2026-04-28"));
        assert!(r.hand.is_empty());
        assert_eq!(&l.text[..r.start], "Hà Nội, ");
    }

    #[test]
    fn a_place_starting_with_ng_is_not_the_date_word() {
        let l = line(&[
            ("Quảng", 0.97),
            ("Ngãi,", 0.96),
            ("ngày", 0.95),
            ("04tháng", 0.22),
            ("02", 0.97),
            ("năm", 0.97),
            ("2025", 0.97),
        ]);
        let r = read_date(&l).unwrap();
        assert_eq!(&l.text[..r.start], "Quảng Ngãi, ");
        assert_eq!((r.parts.month, r.parts.year), (Some(2), Some(2025)));
        assert_eq!(r.hand[0].text.as_deref(), Some("04"));
    }

    #[test]
    fn a_handwritten_day_is_reported_not_trusted() {
        // The day written by hand and read glued to `ngày` with a low confidence.
        let l = line(&[
            ("Hà", 0.97),
            ("Nội,", 0.93),
            ("ngày23", 0.57),
            ("tháng", 0.97),
            ("4", 0.97),
            ("năm", 0.97),
            ("2026", 0.97),
        ]);
        let r = read_date(&l).unwrap();
        assert_eq!(
            (r.parts.day, r.parts.month, r.parts.year),
            (None, Some(4), Some(2026))
        );
        assert_eq!(whole_date(&r.parts), None);
        assert_eq!(r.hand.len(), 1);
        assert_eq!(r.hand[0].text.as_deref(), Some("23"));
        assert!(!r.hand[0].accepted);
    }

    #[test]
    fn a_blank_date_keeps_what_is_typed() {
        let l = line(&[
            ("Hà", 0.97),
            ("Nội,", 0.97),
            ("ngày", 0.97),
            ("tháng", 0.97),
            ("năm", 0.97),
            ("2026", 0.97),
        ]);
        let r = read_date(&l).unwrap();
        assert_eq!(
            (r.parts.day, r.parts.month, r.parts.year),
            (None, None, Some(2026))
        );
        assert!(r.hand.is_empty());
    }

    #[test]
    fn number_parts_typed_blank_and_handwritten() {
        let l = line(&[("Số:", 0.93), ("3722/VPCP-CN", 0.91)]);
        let r = read_number(&l, 5, "3722/VPCP-CN").unwrap();
        assert_eq!(r.whole.as_deref(), Some("3722/VPCP-CN"));
        assert_eq!(r.parts.symbol.as_deref(), Some("VPCP-CN"));

        let l = line(&[("Số:", 0.93), ("/QĐ-UBND", 0.91)]);
        let r = read_number(&l, 5, "/QĐ-UBND").unwrap();
        assert_eq!((r.parts.seq, r.whole), (None, None));
        assert_eq!(r.parts.symbol.as_deref(), Some("QĐ-UBND"));

        let l = line(&[("Số:", 0.96), ("A2", 0.68), ("/BC-UBND", 0.92)]);
        let r = read_number(&l, 5, "A2 /BC-UBND").unwrap();
        assert_eq!(r.whole, None);
        assert_eq!(r.parts.symbol.as_deref(), Some("BC-UBND"));
        assert_eq!(r.hand.unwrap().part, "number.seq");

        let l = line(&[
            ("Số:", 0.96),
            ("3ƒ", 0.76),
            ("-", 0.44),
            ("/2026/TT-BCA", 0.72),
        ]);
        let r = read_number(&l, 5, "3ƒ - /2026/TT-BCA").unwrap();
        assert_eq!(r.parts.symbol.as_deref(), Some("2026/TT-BCA"));
        assert_eq!(r.whole, None);

        // Handwritten digits read cleanly but unsure stay out of the number.
        let l = line(&[("Số:", 0.96), ("445", 0.80), ("/NQ-CP", 0.92)]);
        let r = read_number(&l, 5, "445 /NQ-CP").unwrap();
        assert_eq!(r.whole, None);
        assert_eq!(r.hand.unwrap().text.as_deref(), Some("445"));
    }
}
