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
    /// `TM.`, `KT.`, `TL.`, `TUQ.`, `Q.` or null.
    pub authority: Option<String>,
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
    /// Confidence of each field found, 0..1, by field name.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub confidence: std::collections::BTreeMap<String, f32>,
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
