//! vanban-extract: the extraction stage. From a restored [`Document`](vanban_doc::Document) it
//! finds the Decree 30/2020/NĐ-CP metadata (issuer, number, date, type, subject, signer,
//! recipients, cited documents, heading tree) and the tables, and renders a table as CSV.
//!
//! - [`extract_metadata`] reads line text, and word boxes when the page has them (two header
//!   columns, signature block at bottom right, recipients at bottom left).
//! - [`extract_text_tables`] finds tab-separated tables in text inputs.
//! - [`extract_scan_tables`] finds ruled tables in a page image, builds their grid (merged cells
//!   included) and reads each cell through a [`CellReader`]; [`join_tables`] joins a table that
//!   runs on over the next page; [`attach_titles`] gives tables the caption of their appendix;
//!   [`PageWordsReader`] reads cells from words a page already has (a PDF's text layer).
//! - [`table_to_csv`] renders RFC 4180 CSV; [`write_table_csvs`] writes `<stem>.table-N.csv`.

mod grid;
mod lines;
mod meta;
mod tables;
mod text;

pub use grid::{extract_scan_tables, find_grids, CellReader, Grid, GridCell, PageWordsReader};
pub use meta::extract_metadata;
pub use tables::{
    attach_titles, extract_text_tables, join_tables, table_to_csv, write_table_csvs, ExtractError,
};
pub use text::{normalize, sentence_case, title_case_position};
