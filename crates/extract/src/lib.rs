//! vanban-extract: the extraction stage. From a restored [`Document`](vanban_doc::Document) it
//! finds the Decree 30/2020/NĐ-CP metadata (issuer, number, date, type, subject, signer,
//! recipients, cited documents, heading tree) and the tables, and renders a table as CSV.
//!
//! - [`extract_metadata`] reads line text, and word boxes when the page has them (two header
//!   columns, signature block at bottom right, recipients at bottom left).
//! - [`extract_text_tables`] finds tab-separated tables in text inputs.
//! - [`extract_scan_tables`] finds ruled tables in a page image, builds their grid (merged cells
//!   included, a header of two rows) and reads each cell through a [`CellReader`];
//!   [`join_cut_tables`] joins a table that runs on over the next page, a row cut by the page
//!   break ([`Cut`]) made one again; [`attach_titles`] gives tables the caption of their appendix;
//!   [`PageWordsReader`] reads cells from words a page already has (a PDF's text layer).
//! - On a scan the pipeline reads each cell on its own: [`find_grids`] first, [`blank_grids`]
//!   before the page's OCR, [`read_grids`] with an [`OcrCells`] reader that OCRs each [`CellCrop`], and
//!   [`insert_table_lines`] to put the table's text (row by row) into the page's lines.
//! - [`read_handwriting`] reads the handwritten digits of the number's and the date's blanks in
//!   the page image with a small digit recogniser (weights in `dictionaries/digits/`).
//! - [`table_to_csv`] renders RFC 4180 CSV; [`write_table_csvs`] writes `<stem>.table-N.csv`.
//! - [`TableTruth`] reads the transcription of a few pages of a scanned table and [`score_table`]
//!   measures a read table against it (cell token accuracy, item numbers exact).

//!
//! ```
//! use vanban_doc::{Document, Line, Origin, Page, Source, Word};
//! let text = "UBND TỈNH BÌNH PHƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\
//!             SỞ NGOẠI VỤ Độc lập - Tự do - Hạnh phúc\n\
//!             Số: 52/KH-SNgV Bình Phước, ngày 11 tháng 8 năm 2023\n\
//!             KẾ HOẠCH\n\
//!             Nâng cao Chỉ số cải cách hành chính năm 2023\n";
//! let lines = text
//!     .lines()
//!     .map(|l| Line {
//!         bbox: None,
//!         block: 0,
//!         words: l.split(' ').filter(|w| !w.is_empty()).map(|w| Word::new(w, None, 1.0)).collect(),
//!     })
//!     .collect();
//! let page = Page { number: 1, width: 0, height: 0, dpi: 0, origin: Origin::TextFile, lines };
//! let src = Source { path: "a.txt".into(), sha256: String::new(), pages: 1 };
//! let m = vanban_extract::extract_metadata(&Document::new(src, vec![page]));
//! assert_eq!(m.number.as_deref(), Some("52/KH-SNgV"));
//! assert_eq!(m.issued_date.as_deref(), Some("2023-08-11"));
//! assert_eq!(m.issuer.as_deref(), Some("Sở Ngoại vụ"));
//! assert_eq!(m.parent_issuer.as_deref(), Some("UBND tỉnh Bình Phước"));
//! assert_eq!(m.document_type.as_deref(), Some("Kế hoạch"));
//! ```

mod cells;
mod citations;
mod digits;
mod gazetteer;
mod grid;
mod handwriting;
mod lines;
mod meta;
mod parts;
mod references;
mod sigbox;
mod signatures;
mod stamps;
mod symbols;
mod tables;
mod text;
mod truth;

pub use cells::{CellMode, OcrCells, NUMBERING_CHARS};
pub use gazetteer::{family_name_of, is_family_name};
pub use grid::{
    blank_grids, extract_scan_tables, find_grids, insert_table_lines, read_grids, CellCrop,
    CellHint, CellReader, Cut, Grid, GridCell, PageWordsReader, ScanTable,
};
pub use handwriting::{read_handwriting, write_handwriting, DIGITS_ACCEPT};
pub use meta::extract_metadata;
pub use sigbox::{box_signatures, take_signature_box};
pub use signatures::digital_signatures;
pub use stamps::{
    is_receipt_line, read_received_date, read_stamps, take_framed_stamps, take_stamps, urgency_in,
    Urgency, RECEIVED_ACCEPT,
};
pub use tables::{
    attach_titles, extract_text_tables, fix_item_numbers, join_cut_tables, join_tables,
    table_to_csv, write_table_csvs, ExtractError, HEADER_JOIN,
};
pub use text::{normalize, sentence_case, title_case_position};
pub use truth::{score_table, CellScore, TableTruth};
