//! Clerk review of vanban's output: what the restorer changed and why, checked against the scan,
//! and the clerk's corrections fed back.
//!
//! - [`review_html`] renders `<stem>.review.html`, a self-contained page per document: metadata
//!   and tables on top, then the text with every change highlighted (raw struck through, restored
//!   beside it; uncertain changes in their own style with their alternatives), a panel that shows
//!   the page-image region of a clicked word, keyboard navigation (`j`/`k` through uncertain
//!   changes) and decisions (accept, reject, fix) saved as `<stem>.review.json`.
//! - [`index_html`] renders the batch's `index.html` from [`IndexEntry`] rows.
//! - [`diff_words`] prints a document's word-level diff for the terminal; [`diff_tokens`] and
//!   [`diff_texts`] diff any two token sequences or texts.
//! - [`apply_decisions`] applies [`ReviewDecisions`] (words, metadata fields, table cells) to a
//!   document, re-extracting the metadata the corrected words touch; [`apply_to_files`] does it on
//!   a document's output files and rewrites every one of them (and the batch index);
//!   [`reapply_after_run`] re-applies saved decisions after a re-run; [`apply_review_files`] is
//!   `vanban apply-review`; [`update_lexicon`] keeps the user lexicon the restorer reads back with
//!   [`read_lexicon`].
//! - [`FIELDS`] are the metadata fields a clerk reviews; [`table_to_excel_csv`] writes a table for
//!   a Vietnamese Excel.

mod decisions;
mod diff;
mod error;
mod escape;
mod excel;
mod fields;
mod html;
mod index;
mod lexicon;
mod outputs;
mod remeta;

pub use decisions::{
    apply_decisions, apply_review, page_images_beside, read_document, CellDecision, Decision,
    FieldDecision, Outcome, ReviewDecisions, Unapplied, Verdict, DECISIONS_FORMAT,
};
pub use diff::{diff_texts, diff_token_line, diff_tokens, diff_words, DiffOp};
pub use error::ReviewError;
pub use excel::table_to_excel_csv;
pub use fields::{field, field_confidence, field_value, set_field, FieldSpec, FIELDS};
pub use html::{review_html, review_page};
pub use index::{index_html, update_index_for, IndexEntry, INDEX};
pub use lexicon::{lexicon_entry, new_tone_placement, read_lexicon, update_lexicon};
pub use outputs::{
    apply_review_files, apply_to_files, base_document, reapply_after_run, Applied, DocFiles,
    UnappliedFile,
};

use vanban_doc::{Document, Word};

/// True when the restorer changed the word (it has a correction, or its text differs from raw).
pub fn is_changed(w: &Word) -> bool {
    w.correction.is_some() || w.text != w.raw
}

/// True when the word's change is marked uncertain.
pub fn is_uncertain(w: &Word) -> bool {
    w.correction.as_ref().is_some_and(|c| c.uncertain)
}

/// Every word of `doc` in reading order.
fn words(doc: &Document) -> impl Iterator<Item = &Word> {
    doc.pages
        .iter()
        .flat_map(|p| &p.lines)
        .flat_map(|l| &l.words)
}

/// Numbers of changed and of uncertain words in `doc`.
pub fn count_changes(doc: &Document) -> (u32, u32) {
    let mut changes = 0u32;
    let mut uncertain = 0u32;
    for w in words(doc) {
        if is_changed(w) {
            changes += 1;
            uncertain += u32::from(is_uncertain(w));
        }
    }
    (changes, uncertain)
}
