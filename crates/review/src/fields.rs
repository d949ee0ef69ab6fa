//! The metadata fields a clerk can review: their keys (as in the decisions file and in
//! `metadata.reviewed`), Vietnamese labels, where their evidence and confidence are kept, and how a
//! clerk's value is read into [`Metadata`].

use unicode_normalization::UnicodeNormalization;
use vanban_doc::{DateParts, Metadata, NumberParts, Signer};

/// One reviewable field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// Key in the decisions file and in `metadata.reviewed` (`number`, `signer.name`, …).
    pub key: &'static str,
    /// Label on the review page.
    pub label: &'static str,
    /// Key of its evidence and confidence in `metadata.evidence` / `metadata.confidence`.
    pub source: &'static str,
}

const fn f(key: &'static str, label: &'static str, source: &'static str) -> FieldSpec {
    FieldSpec { key, label, source }
}

/// Every reviewable field, in the order of the metadata panel before sorting.
pub const FIELDS: [FieldSpec; 12] = [
    f("document_type", "Loại văn bản", "document_type"),
    f("number", "Số, ký hiệu", "number"),
    f("issued_date", "Ngày ban hành", "issued_date"),
    f("place", "Địa danh", "place"),
    f("issuer", "Cơ quan ban hành", "issuer"),
    f("parent_issuer", "Cơ quan chủ quản", "parent_issuer"),
    f("subject", "Trích yếu", "subject"),
    f("signer.name", "Người ký", "signer"),
    f("signer.position", "Chức vụ người ký", "signer"),
    f("signer.authority", "Thẩm quyền ký", "signer"),
    f("recipients", "Nơi nhận", "recipients"),
    f("urgency", "Độ khẩn", "urgency"),
];

/// Fields most documents do not have: empty, they are no sign of a reading missed.
pub const OPTIONAL: [&str; 3] = ["urgency", "signer.authority", "parent_issuer"];

/// The field with key `key`.
pub fn field(key: &str) -> Option<&'static FieldSpec> {
    FIELDS.iter().find(|f| f.key == key)
}

/// The field's current value as the panel shows it (`None` when empty).
pub fn field_value(m: &Metadata, key: &str) -> Option<String> {
    let v = match key {
        "document_type" => m.document_type.clone(),
        "number" => m.number.clone(),
        "issued_date" => m.issued_date.clone(),
        "place" => m.place.clone(),
        "issuer" => m.issuer.clone(),
        "parent_issuer" => m.parent_issuer.clone(),
        "subject" => m.subject.clone(),
        "signer.name" => m.signer.as_ref().and_then(|s| s.name.clone()),
        "signer.position" => m.signer.as_ref().and_then(|s| s.position.clone()),
        "signer.authority" => m.signer.as_ref().and_then(|s| s.authority.clone()),
        "recipients" => Some(m.recipients.join("; ")),
        "urgency" => m.urgency.clone(),
        _ => None,
    };
    v.filter(|v| !v.trim().is_empty())
}

/// The field's confidence: 1 when a clerk reviewed it, else the extractor's (0 when not found).
pub fn field_confidence(m: &Metadata, spec: &FieldSpec) -> f32 {
    if m.reviewed.contains_key(spec.key) {
        return 1.0;
    }
    if field_value(m, spec.key).is_none() {
        return 0.0;
    }
    m.confidence.get(spec.source).copied().unwrap_or(0.5)
}

/// A date as the clerk typed it (`2023-05-12`, `12/5/2023`, `12.05.2023`, `12-5-2023`) as ISO
/// `YYYY-MM-DD`, checked to be a real day.
fn parse_date(v: &str) -> Option<(u32, u32, u32)> {
    let parts: Vec<&str> = v.split(['-', '/', '.']).map(str::trim).collect();
    let nums: Vec<u32> = parts
        .iter()
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let (y, m, d) = match (parts.len(), parts.first().map(|p| p.len())) {
        (3, Some(4)) => (nums[0], nums[1], nums[2]),
        (3, _) if parts[2].len() == 4 => (nums[2], nums[1], nums[0]),
        _ => return None,
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let ok =
        (1900..=2200).contains(&y) && (1..=12).contains(&m) && d >= 1 && d <= days[m as usize - 1];
    ok.then_some((y, m, d))
}

/// Sets the field `key` of `m` to the clerk's `value` (NFC, spaces collapsed; empty means the
/// document has no such field). The number also sets `number_parts`, the date `date_parts`.
pub fn set_field(m: &mut Metadata, key: &str, value: &str) -> Result<(), String> {
    let v: String = value
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .nfc()
        .collect();
    let opt = (!v.is_empty()).then(|| v.clone());
    match key {
        "document_type" => m.document_type = opt,
        "number" => {
            m.number_parts = opt.as_ref().map(|n| match n.split_once('/') {
                Some((seq, symbol)) => NumberParts {
                    seq: Some(seq.trim().to_string()).filter(|s| !s.is_empty()),
                    symbol: Some(symbol.trim().to_string()).filter(|s| !s.is_empty()),
                },
                None => NumberParts {
                    seq: None,
                    symbol: Some(n.clone()),
                },
            });
            m.number = opt;
        }
        "issued_date" => match opt {
            None => {
                m.issued_date = None;
                m.date_parts = None;
            }
            Some(d) => {
                let (y, mo, day) = parse_date(&d).ok_or_else(|| {
                    format!("ngày không hợp lệ {d:?} (viết 2023-05-12 hoặc 12/05/2023)")
                })?;
                m.issued_date = Some(format!("{y:04}-{mo:02}-{day:02}"));
                m.date_parts = Some(DateParts {
                    day: Some(day),
                    month: Some(mo),
                    year: Some(y),
                });
            }
        },
        "place" => m.place = opt,
        "issuer" => m.issuer = opt,
        "parent_issuer" => m.parent_issuer = opt,
        "subject" => m.subject = opt,
        "signer.name" => m.signer.get_or_insert_with(Signer::default).name = opt,
        "signer.position" => m.signer.get_or_insert_with(Signer::default).position = opt,
        "signer.authority" => m.signer.get_or_insert_with(Signer::default).authority = opt,
        "recipients" => {
            m.recipients = v
                .split(';')
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_string)
                .collect()
        }
        "urgency" => m.urgency = opt,
        other => return Err(format!("unknown field {other:?}")),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_and_date_set_their_parts() {
        let mut m = Metadata::default();
        set_field(&mut m, "number", " 69/TTr-TCKH ").unwrap();
        assert_eq!(m.number.as_deref(), Some("69/TTr-TCKH"));
        assert_eq!(m.number_parts.as_ref().unwrap().seq.as_deref(), Some("69"));
        set_field(&mut m, "issued_date", "5/6/2023").unwrap();
        assert_eq!(m.issued_date.as_deref(), Some("2023-06-05"));
        assert!(set_field(&mut m, "issued_date", "31/02/2023").is_err());
        assert!(set_field(&mut m, "numero", "1").is_err());
        set_field(&mut m, "signer.name", "Hoàng Minh Cường").unwrap();
        assert_eq!(
            field_value(&m, "signer.name").as_deref(),
            Some("Hoàng Minh Cường")
        );
        set_field(&mut m, "number", "").unwrap();
        assert_eq!(m.number, None);
        assert_eq!(field_value(&m, "recipients"), None);
    }
}
