//! Measuring tables against a transcription: the truth of a few pages of a scanned table
//! (`fixtures/real-tables/*.tables.json`), its rows joined where a row runs on over a page break,
//! and the cell token accuracy of a read table against it (the metric is passed in: in the
//! pipeline and the tests, `vanban_restore::score`, the port of `score.py`).
//!
//! The truth file: `header` (one text per column), and `pages`, each `{page, first_row_continued,
//! rows}` with `rows` the grid rows of that page as lists of cell texts in column order (a
//! spanning cell's text in its first slot, the slots it covers empty, as vanban writes them);
//! `first_row_continued` says that the page's first row is the rest of the previous page's last
//! row (its cells are appended to that row's, text after text).

use serde::Deserialize;
use vanban_doc::Table;

#[derive(Debug, Deserialize)]
struct TruthPage {
    page: u32,
    #[serde(default)]
    first_row_continued: bool,
    rows: Vec<Vec<String>>,
}

#[derive(Debug, Deserialize)]
struct TruthFile {
    header: Vec<String>,
    pages: Vec<TruthPage>,
}

/// The transcribed part of a table: its header and its body rows, rows continued over a page
/// break joined.
#[derive(Debug, Clone, PartialEq)]
pub struct TableTruth {
    /// One heading per column (empty when the table has no header).
    pub header: Vec<String>,
    /// The pages transcribed, in order.
    pub pages: Vec<u32>,
    /// The body rows, each as wide as the header.
    pub rows: Vec<Vec<String>>,
}

impl TableTruth {
    /// Parses a `*.tables.json` truth file.
    pub fn from_json(text: &str) -> Result<TableTruth, serde_json::Error> {
        let f: TruthFile = serde_json::from_str(text)?;
        let width = f.header.len().max(
            f.pages
                .iter()
                .flat_map(|p| &p.rows)
                .map(Vec::len)
                .max()
                .unwrap_or(0),
        );
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut pages = Vec::new();
        for p in f.pages {
            pages.push(p.page);
            for (i, mut r) in p.rows.into_iter().enumerate() {
                r.resize(width, String::new());
                match rows.last_mut() {
                    Some(last) if i == 0 && p.first_row_continued => {
                        for (a, b) in last.iter_mut().zip(r) {
                            if !b.is_empty() {
                                if !a.is_empty() {
                                    a.push(' ');
                                }
                                a.push_str(&b);
                            }
                        }
                    }
                    _ => rows.push(r),
                }
            }
        }
        Ok(TableTruth {
            header: f.header,
            pages,
            rows,
        })
    }
}

/// How a read table compares with its truth.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CellScore {
    /// Token errors summed over the cells (header included), cells matched by position.
    pub errors: usize,
    /// Truth tokens summed over the same cells.
    pub tokens: usize,
    /// Truth rows with an item number (first column) and how many of them were read exactly.
    pub stt_total: usize,
    /// Item numbers read exactly.
    pub stt_exact: usize,
    /// Rows of the truth and rows read in the same span (the read table's first rows).
    pub rows_truth: usize,
    /// Rows read (all of the read table's rows).
    pub rows_read: usize,
    /// The cells that differ: (row, column, read, truth); row 0 is the header when there is one.
    pub diffs: Vec<(usize, usize, String, String)>,
}

impl CellScore {
    /// Cell token accuracy: 1 − errors / tokens.
    pub fn accuracy(&self) -> f64 {
        if self.tokens == 0 {
            1.0
        } else {
            1.0 - self.errors as f64 / self.tokens as f64
        }
    }

    /// Share of item numbers read exactly.
    pub fn stt_accuracy(&self) -> f64 {
        if self.stt_total == 0 {
            1.0
        } else {
            self.stt_exact as f64 / self.stt_total as f64
        }
    }
}

/// Scores the first rows of `got` (header, then as many body rows as the truth has) against
/// `truth`, cell by cell by position: text in a cell that should be empty counts as errors, a
/// missing row or column as the truth's tokens missed. `score(truth, read)` returns (token
/// errors, truth tokens) of one cell. Item numbers (the first column's non-empty truth values)
/// are counted exact only when the read text is the same string.
pub fn score_table(
    got: &Table,
    truth: &TableTruth,
    score: impl Fn(&str, &str) -> (usize, usize),
) -> CellScore {
    let mut s = CellScore {
        rows_truth: truth.rows.len(),
        rows_read: got.rows.len(),
        ..CellScore::default()
    };
    let has_header = !truth.header.is_empty();
    let want = std::iter::once(&truth.header)
        .filter(|_| has_header)
        .chain(&truth.rows);
    let read: Vec<&Vec<String>> = std::iter::once(&got.header)
        .filter(|_| has_header)
        .chain(&got.rows)
        .collect();
    for (i, w) in want.enumerate() {
        let body = !has_header || i > 0;
        for (j, wc) in w.iter().enumerate() {
            let rc = read
                .get(i)
                .and_then(|r| r.get(j))
                .map_or("", String::as_str);
            let (e, t) = score(wc, rc);
            s.errors += e;
            s.tokens += t;
            if body && j == 0 && !wc.is_empty() {
                s.stt_total += 1;
                s.stt_exact += usize::from(wc.trim() == rc.trim());
            }
            let stt_off = body && j == 0 && !wc.is_empty() && wc.trim() != rc.trim();
            if e > 0 || stt_off || (wc.is_empty() && !rc.trim().is_empty()) {
                s.diffs.push((i, j, rc.to_string(), wc.clone()));
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(a: &str, b: &str) -> (usize, usize) {
        let (a, b): (Vec<&str>, Vec<&str>) = (
            a.split_whitespace().collect(),
            b.split_whitespace().collect(),
        );
        let wrong = a
            .iter()
            .enumerate()
            .filter(|(k, w)| b.get(*k) != Some(w))
            .count();
        (wrong + b.len().saturating_sub(a.len()), a.len())
    }

    #[test]
    fn continued_rows_are_joined_and_cells_scored_by_position() {
        let t = TableTruth::from_json(
            r#"{"header":["STT","A","B"],"pages":[
                {"page":5,"rows":[["1.","x y","p"],["","z","q"]]},
                {"page":6,"first_row_continued":true,"rows":[["","w",""],["2.","v","r"]]}]}"#,
        )
        .expect("truth");
        assert_eq!(t.pages, vec![5, 6]);
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[1], vec!["", "z w", "q"]);
        let got = Table {
            title: None,
            pages: vec![5, 6],
            header: vec!["STT".into(), "A".into(), "B".into()],
            rows: vec![
                vec!["1.".into(), "x y".into(), "p".into()],
                vec!["".into(), "z w".into(), "q".into()],
                vec!["2".into(), "v".into(), "r".into()],
                vec!["3.".into(), "more".into(), "".into()],
            ],
            cells: Vec::new(),
        };
        let s = score_table(&got, &t, words);
        assert_eq!((s.stt_exact, s.stt_total), (1, 2));
        assert_eq!((s.errors, s.tokens), (1, 13));
        assert_eq!(s.rows_read, 4);
        assert_eq!(s.diffs, vec![(3, 0, "2".to_string(), "2.".to_string())]);
    }
}
