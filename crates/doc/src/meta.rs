//! Decree 30 metadata and tables: the `metadata` and `tables` parts of `<stem>.json`.
//!
//! The shapes are fixed here, next to the rest of the document model; `vanban-extract` fills them in.

use serde::{Deserialize, Serialize};

/// The person who signs and in what capacity.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Signer {
    /// Full name, e.g. `Hoàng Minh Cường`.
    pub name: Option<String>,
    /// Title of the person who signs, e.g. `Phó Chủ tịch`.
    pub position: Option<String>,
    /// `TM.`, `KT.`, `TL.`, `TUQ.`, `Q.` or null; the last one when layered (`TL. … KT. …` gives `KT.`).
    pub authority: Option<String>,
    /// A rank printed before the name (`Trung tá`, `Đại tá`), kept out of the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<String>,
}

/// The parts of a document number as printed: the sequence digits (often handwritten into the
/// blank) and the typed symbol.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct NumberParts {
    /// The digits before the first `/` (`729`), null when blank or unread.
    pub seq: Option<String>,
    /// Everything after the digits' `/` (`QĐ-TTg`, `2026/TT-BCA`).
    pub symbol: Option<String>,
}

/// The parts of the issue date as printed: any of them may be handwritten or left blank.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct DateParts {
    /// Day of the month, null when blank or unread.
    pub day: Option<u32>,
    /// Month, null when blank or unread.
    pub month: Option<u32>,
    /// Year, null when blank or unread.
    pub year: Option<u32>,
}

/// Handwritten digits read in a typed template's blank (`Số: 729 /QĐ-TTg`, `ngày 23 tháng`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Handwritten {
    /// Which part: `number.seq`, `issued_date.day` or `issued_date.month`.
    pub part: String,
    /// The digits read, null when nothing could be read.
    pub text: Option<String>,
    /// How sure the reading is, 0..1.
    pub conf: f32,
    /// True when the reading passed the threshold and was put into the field.
    pub accepted: bool,
    /// Where the blank is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
}

/// Where a field was read: the page, the box on the page image and the text there.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Evidence {
    /// Page, from 1.
    pub page: u32,
    /// Box in page-image pixels (absent for text inputs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bbox: Option<crate::BBox>,
    /// The text the field was read from.
    pub text: String,
}

/// A receipt stamp (`ĐẾN  Số: … Ngày: …`) put on the page by the office that received it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Received {
    /// The arrival number written into the stamp, if read.
    pub number: Option<String>,
    /// ISO date of arrival, if read.
    pub date: Option<String>,
    /// The stamp's text as read.
    pub stamp_text: String,
}

/// A digital-signature box (`Ký bởi: … Cơ quan: … Thời gian ký: …`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct DigitalSignature {
    /// Who signed (a person or an office).
    pub signer: Option<String>,
    /// The organisation named in the box.
    pub organisation: Option<String>,
    /// The signing time as printed (ISO 8601 when it could be read as a date and time).
    pub time: Option<String>,
}

/// Another document cited in the text.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Reference {
    /// Number and symbol as printed, e.g. `229/KH-UBND`.
    pub number: Option<String>,
    /// Full type name, e.g. `Kế hoạch`.
    pub document_type: Option<String>,
    /// ISO date, `YYYY-MM-DD`.
    pub issued_date: Option<String>,
}

/// A heading of the body (`I.`, `1.`, `a)`, `-`) with the headings under it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Section {
    /// The label as printed: `I`, `1`, `a`, `-`.
    pub label: String,
    /// The heading text after the label.
    pub title: String,
    /// Page the heading is on, from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Headings one level down.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Section>,
}

/// The JSON names of the Decree 30 fields of [`Metadata`] (the required keys), in order.
pub const METADATA_FIELDS: [&str; 10] = [
    "document_type",
    "number",
    "issued_date",
    "place",
    "issuer",
    "parent_issuer",
    "subject",
    "signer",
    "recipients",
    "references",
];

/// Decree 30 metadata of a document; every field is null when it was not found.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Metadata {
    /// Full type name as printed in words, `Công văn` for an official letter.
    pub document_type: Option<String>,
    /// Number and symbol as printed, e.g. `67/KH-NV`; null when left blank.
    pub number: Option<String>,
    /// ISO date, `YYYY-MM-DD`.
    pub issued_date: Option<String>,
    /// Place of issue, e.g. `Hải Phòng`.
    pub place: Option<String>,
    /// The issuing body, e.g. `Sở Ngoại vụ`.
    pub issuer: Option<String>,
    /// The body above the issuer, e.g. `UBND thành phố Hải Phòng`.
    pub parent_issuer: Option<String>,
    /// The trích yếu (for a công văn, the `V/v` text without `V/v`).
    pub subject: Option<String>,
    /// Who signs.
    pub signer: Option<Signer>,
    /// The `Nơi nhận` items.
    #[serde(default)]
    pub recipients: Vec<String>,
    /// Every other document cited.
    #[serde(default)]
    pub references: Vec<Reference>,
    /// Heading tree of the body.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<Section>,
    /// The number's parts; present when a `Số:` line was found, even with its digits blank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_parts: Option<NumberParts>,
    /// The issue date's parts; present when a place-and-date line was found, even partly blank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_parts: Option<DateParts>,
    /// Handwritten digits read in the number's and the date's blanks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub handwritten: Vec<Handwritten>,
    /// `Hỏa tốc`, `Thượng khẩn` or `Khẩn` when the page carries an urgency mark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgency: Option<String>,
    /// The receipt stamp, when the page carries one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received: Option<Received>,
    /// Digital-signature boxes on the pages.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub digital_signatures: Vec<DigitalSignature>,
    /// Where each field was read, by field name.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub evidence: std::collections::BTreeMap<String, Evidence>,
    /// Confidence of each field found, 0..1, by field name.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub confidence: std::collections::BTreeMap<String, f32>,
    /// Fields a clerk reviewed (set or confirmed), by field name (`number`, `signer.name`, …).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub reviewed: std::collections::BTreeMap<String, crate::Reviewed>,
}

/// One cell of a table grid.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Cell {
    /// Row index, from 0 (the header is row 0 when there is one).
    pub row: u32,
    /// Column index, from 0.
    pub col: u32,
    /// Rows the cell spans.
    pub row_span: u32,
    /// Columns the cell spans.
    pub col_span: u32,
    /// The cell's text.
    pub text: String,
    /// Confidence of the text, 0..1.
    pub conf: f32,
}

/// A table, joined across pages when it continues.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Table {
    /// The title above it (e.g. the appendix caption), if any.
    pub title: Option<String>,
    /// Pages it stands on, from 1.
    pub pages: Vec<u32>,
    /// Column headings.
    pub header: Vec<String>,
    /// Body rows, each a list of cell texts (a spanning cell repeated nowhere: its text in its first
    /// column, empty strings after).
    pub rows: Vec<Vec<String>>,
    /// Every cell with its span.
    pub cells: Vec<Cell>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_list_names_keys_the_metadata_json_has() {
        let json = serde_json::to_value(Metadata::default()).unwrap();
        for k in METADATA_FIELDS {
            assert!(
                json.get(k).is_some(),
                "{k} is not a key of the metadata JSON"
            );
        }
    }
}
