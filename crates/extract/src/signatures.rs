//! Digital-signature boxes: the text a signing tool puts on a signed PDF (`Ký bởi: Ủy ban nhân dân
//! tỉnh Quảng Ngãi / Cơ quan: Tỉnh Quảng Ngãi / Thời gian ký: 24/01/2025 14:23:43`, or a box with
//! no labels: `TRUNG TÂM CÔNG BÁO / VÀ TIN HỌC / email / 24.01.2025 20:06:24 +07:00`). Read from a
//! page's text layer, never from the page's own text: the signing time is not the issue date and
//! the signing office is not the signer.

use std::sync::LazyLock;

use regex::Regex;
use vanban_doc::DigitalSignature;

use crate::text::{fold, normalize};

static TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:([+-])(\d{2}):?(\d{2}))?",
    )
    .expect("built-in pattern compiles")
});

/// `2026-04-24T16:36:42+07:00` from `24.04.2026 16:36:42 +07:00`.
fn iso_time(s: &str) -> Option<String> {
    let c = TIME.captures(s)?;
    let date = crate::meta::iso(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?)?;
    let (h, mi): (u32, u32) = (c[4].parse().ok()?, c[5].parse().ok()?);
    let sec: u32 = c.get(6).map_or(Some(0), |m| m.as_str().parse().ok())?;
    if h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let zone = match (c.get(7), c.get(8), c.get(9)) {
        (Some(sign), Some(zh), Some(zm)) => {
            format!("{}{}:{}", sign.as_str(), zh.as_str(), zm.as_str())
        }
        _ => String::new(),
    };
    Some(format!("{date}T{h:02}:{mi:02}:{sec:02}{zone}"))
}

/// True when a line holds a signing time: a date and a time to the second (`24.04.2026 16:36:42`).
pub(crate) fn signing_time(line: &str) -> bool {
    TIME.captures(line).is_some_and(|c| c.get(6).is_some()) && iso_time(line).is_some()
}

/// The value after a label (`Ký bởi:`), if the line has that label.
fn after_label<'a>(line: &'a str, labels: &[&str]) -> Option<&'a str> {
    let f = fold(line);
    let i = labels.iter().find_map(|l| f.find(l).map(|i| i + l.len()))?;
    // The folded form keeps the character count: cut the line at the same character.
    let chars = f[..i].chars().count();
    let start = line
        .char_indices()
        .nth(chars)
        .map_or(line.len(), |(b, _)| b);
    Some(line[start..].trim_start_matches([':', ' ']).trim())
}

/// The digital signatures in the text layer of a page.
pub fn digital_signatures(layer: &str) -> Vec<DigitalSignature> {
    let lines: Vec<String> = layer
        .lines()
        .map(normalize)
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    let mut out: Vec<DigitalSignature> = Vec::new();
    let mut caps: Vec<&str> = Vec::new(); // unlabelled name lines since the last signature
    for l in &lines {
        if let Some(v) = after_label(l, &["ky boi", "nguoi ky"]) {
            out.push(DigitalSignature {
                signer: (!v.is_empty()).then(|| v.to_string()),
                ..DigitalSignature::default()
            });
            caps.clear();
        } else if let Some(v) = after_label(l, &["co quan"]) {
            let organisation = (!v.is_empty()).then(|| v.to_string());
            match out.last_mut() {
                Some(s) if s.organisation.is_none() && s.time.is_none() => {
                    s.organisation = organisation
                }
                // a box whose `Ký bởi:` line was not read (a scan of the page) opens here
                _ => out.push(DigitalSignature {
                    organisation,
                    ..DigitalSignature::default()
                }),
            }
            caps.clear();
        } else if let Some(t) = iso_time(l) {
            let labelled = fold(l).contains("thoi gian");
            match out.last_mut() {
                Some(s) if labelled || (s.time.is_none() && caps.is_empty()) => s.time = Some(t),
                _ if !caps.is_empty() => {
                    out.push(DigitalSignature {
                        signer: Some(caps.join(" ")),
                        organisation: None,
                        time: Some(t),
                    });
                    caps.clear();
                }
                _ => {}
            }
        } else if l.contains('@') || fold(l).starts_with("email") {
            // The signer's address: not part of a name.
        } else if l
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase)
            && l.chars().any(char::is_alphabetic)
        {
            caps.push(l);
        }
    }
    // an office named with neither signer nor time is an ordinary `Cơ quan:` line
    out.retain(|s| s.signer.is_some() || s.time.is_some());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labelled_and_unlabelled_boxes() {
        let s = digital_signatures(
            "TRUNG TÂM CÔNG BÁO\nVÀ TIN HỌC\nttcbth@quangngai.gov.vn\n24.01.2025 20:06:24 +07:00\n\
             Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi\nCơ quan: Tỉnh Quảng Ngãi\nThời gian ký: 24/01/2025 14:23:43\n",
        );
        assert_eq!(s.len(), 2);
        assert_eq!(
            s[0].signer.as_deref(),
            Some("TRUNG TÂM CÔNG BÁO VÀ TIN HỌC")
        );
        assert_eq!(s[0].time.as_deref(), Some("2025-01-24T20:06:24+07:00"));
        assert_eq!(
            s[1].signer.as_deref(),
            Some("Ủy ban nhân dân tỉnh Quảng Ngãi")
        );
        assert_eq!(s[1].organisation.as_deref(), Some("Tỉnh Quảng Ngãi"));
        assert_eq!(s[1].time.as_deref(), Some("2025-01-24T14:23:43"));
        let s = digital_signatures(
            "Người ký: CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ\nEmail: thongtinchinhphu@chinhphu.vn\n\
             Cơ quan: VĂN PHÒNG CHÍNH PHỦ\nThời gian ký: 24.04.2026 16:36:42 +07:00",
        );
        assert_eq!(s.len(), 1);
        assert_eq!(
            s[0].signer.as_deref(),
            Some("CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ")
        );
        assert_eq!(s[0].organisation.as_deref(), Some("VĂN PHÒNG CHÍNH PHỦ"));
        assert_eq!(s[0].time.as_deref(), Some("2026-04-24T16:36:42+07:00"));
        assert!(digital_signatures("Căn cứ Luật ngày 12/6/2013").is_empty());
        // an office line alone is no signature; with a signing time after it, it is one
        assert!(digital_signatures("Cơ quan: Sở Tài chính\nSố: 12/STC").is_empty());
        let s = digital_signatures("Cơ quan: Sở Tài chính\nThời gian ký: 24/01/2025 14:23:43");
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].organisation.as_deref(), Some("Sở Tài chính"));
    }
}
