//! Undoing Tesseract's merges across a column gutter.
//!
//! On the two-column header of a Decree 30 document (issuing body left, national motto right) and
//! on its two-column footer (recipients left, signer right), Tesseract often reads each printed
//! row straight across both columns: "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM". This
//! module cuts lines at gaps much wider than a word space, finds runs of consecutive lines whose
//! pieces all stay clear of one common vertical gutter, and rewrites each run as its left column
//! (one block) followed by its right column (another block). Lines cut into pieces outside such
//! runs (table rows) stay in place, one line per piece. Blocks are then renumbered in the new
//! order, with a new block also wherever two lines are more than a word height apart.

use vanban_doc::{BBox, Line, Word};

/// A gap between words wider than this many word heights always separates columns.
const COLUMN_GAP: f32 = 2.0;
/// A gap wider than this many word heights separates columns when it is also
/// [`GAP_RATIO`] times the line's median word gap (a justified line widens all its gaps alike).
const MIN_COLUMN_GAP: f32 = 1.0;
/// See [`MIN_COLUMN_GAP`].
const GAP_RATIO: u32 = 3;
/// Lines further apart than this many word heights start a new block.
const BLOCK_GAP: f32 = 1.0;

fn union(words: &[Word]) -> Option<BBox> {
    words.iter().filter_map(|w| w.bbox).reduce(BBox::union)
}

/// The words of a line that are print, not specks: two letters or digits or more, and at least
/// half as high as the (upper) median of such words (a handwritten number twice as high as the
/// print beside it must not make the print look like specks).
fn real_words(line: &Line) -> Vec<&Word> {
    let letters = |w: &&Word| w.raw.chars().filter(|c| c.is_alphanumeric()).count() >= 2;
    let mut hs: Vec<u32> = line
        .words
        .iter()
        .filter(letters)
        .filter_map(|w| w.bbox)
        .map(BBox::height)
        .collect();
    hs.sort_unstable();
    let median = hs.get(hs.len() / 2).copied().unwrap_or(0);
    line.words
        .iter()
        .filter(letters)
        .filter(|w| w.bbox.is_some_and(|b| 2 * b.height() >= median))
        .collect()
}

/// Median word height of a line, at least 1, measured on real words (two letters or digits or
/// more, at least half as high as the line's highest such word): an accent read apart or a speck
/// (`'`, `.`, `~`, or a detached mark Tesseract took for letters, `ii`) is a few pixels high and
/// would make a normal word gap look like a column gap.
fn word_height(line: &Line) -> u32 {
    let mut hs: Vec<u32> = real_words(line)
        .iter()
        .filter_map(|w| w.bbox)
        .map(BBox::height)
        .collect();
    if hs.is_empty() {
        hs = line
            .words
            .iter()
            .filter_map(|w| w.bbox)
            .map(BBox::height)
            .collect();
    }
    hs.sort_unstable();
    hs.get(hs.len() / 2).copied().unwrap_or(1).max(1)
}

/// Cuts a line at column gaps (see [`COLUMN_GAP`] and [`MIN_COLUMN_GAP`]).
fn split(line: Line) -> Vec<Line> {
    let h = word_height(&line) as f32;
    // The word gaps between real words: specks between two words would make the median gap a
    // speck's width, and any word gap look wide against it.
    let real = real_words(&line);
    let gap_words: Vec<&Word> = if real.len() >= 2 {
        real
    } else {
        line.words.iter().collect()
    };
    let mut gaps: Vec<u32> = gap_words
        .windows(2)
        .filter_map(|p| Some(p[1].bbox?.x0.saturating_sub(p[0].bbox?.x1)))
        .collect();
    gaps.sort_unstable();
    let median_gap = gaps.get(gaps.len() / 2).copied().unwrap_or(0);
    let is_column_gap = |gap: u32| {
        gap as f32 > COLUMN_GAP * h
            || (gap as f32 > MIN_COLUMN_GAP * h && gap > GAP_RATIO * median_gap.max(1))
    };
    let mut pieces: Vec<Vec<Word>> = vec![Vec::new()];
    let mut last_x1: Option<u32> = None;
    for w in line.words {
        if let (Some(x1), Some(b)) = (last_x1, w.bbox) {
            if b.x0 > x1 && is_column_gap(b.x0 - x1) {
                pieces.push(Vec::new());
            }
        }
        last_x1 = w.bbox.map(|b| b.x1).or(last_x1);
        if let Some(p) = pieces.last_mut() {
            p.push(w);
        }
    }
    if pieces.len() == 1 {
        let words = pieces.pop().unwrap_or_default();
        return vec![Line {
            bbox: line.bbox,
            words,
            ..line
        }];
    }
    pieces
        .into_iter()
        .map(|words| Line {
            bbox: union(&words).or(line.bbox),
            block: line.block,
            words,
        })
        .collect()
}

/// The two columns of a run, as its first two-piece row sets them: each column's lines are
/// either centred on the same axis (a header's issuer or motto, a signer) or start at the same x
/// (a list of recipients). A title centred on the page below a header fits neither.
#[derive(Clone, Copy, Debug)]
struct Columns {
    /// Free interval between the columns.
    gutter: (u32, u32),
    /// Centre and left edge of the first left piece.
    left: (u32, u32),
    /// Centre and left edge of the first right piece.
    right: (u32, u32),
    /// Word height of the first row.
    h: u32,
}

/// True for specks and stray marks, which may sit anywhere without breaking a run.
fn is_noise(p: &Line, h: u32) -> bool {
    let alnum = p
        .words
        .iter()
        .any(|w| w.raw.chars().any(char::is_alphanumeric));
    !alnum || p.bbox.is_some_and(|b| b.width() < h && b.height() < h / 2)
}

/// Places `pieces` in the columns, narrowing the gutter: a piece starting left of the gutter must
/// end inside it, one ending right of it must start inside it, one inside it goes to the nearer
/// side, and each must line up with its column. `None` if the row does not fit.
fn fit(pieces: &[Line], cols: Columns) -> Option<Columns> {
    let (mut lo, mut hi) = cols.gutter;
    for p in pieces {
        let b = p.bbox?;
        if is_noise(p, cols.h) {
            continue;
        }
        let left = if b.x0 < lo && b.x1 > hi {
            return None;
        } else if b.x0 < lo {
            true
        } else if b.x1 > hi {
            false
        } else {
            b.x0 + b.x1 < lo + hi
        };
        let (centre, x0) = if left { cols.left } else { cols.right };
        let aligned =
            ((b.x0 + b.x1) / 2).abs_diff(centre) <= 2 * cols.h || b.x0.abs_diff(x0) <= cols.h;
        if !aligned {
            return None;
        }
        if left {
            lo = lo.max(b.x1);
        } else {
            hi = hi.min(b.x0);
        }
        if lo >= hi {
            return None;
        }
    }
    Some(Columns {
        gutter: (lo, hi),
        ..cols
    })
}

fn top(row: &[Line]) -> Option<u32> {
    row.iter().filter_map(|p| p.bbox).map(|b| b.y0).min()
}

fn bottom(row: &[Line]) -> Option<u32> {
    row.iter().filter_map(|p| p.bbox).map(|b| b.y1).max()
}

/// True when `lower` starts within three line heights below `upper`.
fn adjacent(upper: &[Line], lower: &[Line]) -> bool {
    let h = upper
        .iter()
        .chain(lower)
        .map(word_height)
        .max()
        .unwrap_or(1);
    match (bottom(upper), top(lower)) {
        (Some(b), Some(t)) => t <= b + 3 * h,
        _ => false,
    }
}

/// The run of rows around `i` (a row cut in exactly two) that stays clear of one gutter, not
/// reaching back before `floor`: its start, end (exclusive) and gutter.
fn run_around(rows: &[Vec<Line>], i: usize, floor: usize) -> Option<(usize, usize, (u32, u32))> {
    let (l, r) = (rows[i].first()?.bbox?, rows[i].get(1)?.bbox?);
    if l.x1 >= r.x0 {
        return None;
    }
    let mut cols = Columns {
        gutter: (l.x1, r.x0),
        left: ((l.x0 + l.x1) / 2, l.x0),
        right: ((r.x0 + r.x1) / 2, r.x0),
        h: rows[i].iter().map(word_height).max().unwrap_or(1),
    };
    let mut start = i;
    while start > floor && adjacent(&rows[start - 1], &rows[start]) {
        match fit(&rows[start - 1], cols) {
            Some(c) => cols = c,
            None => break,
        }
        start -= 1;
    }
    let mut end = i + 1;
    while end < rows.len() && adjacent(&rows[end - 1], &rows[end]) {
        match fit(&rows[end], cols) {
            Some(c) => cols = c,
            None => break,
        }
        end += 1;
    }
    Some((start, end, cols.gutter))
}

/// Rewrites `lines` (in Tesseract's order) so that two-column runs come out column by column and
/// wide gaps split lines; block numbers are renumbered from 0 in the new order.
pub fn split_columns(lines: Vec<Line>) -> Vec<Line> {
    let rows: Vec<Vec<Line>> = lines.into_iter().map(split).collect();
    let mut runs = Vec::new();
    let (mut i, mut floor) = (0, 0);
    while i < rows.len() {
        if rows[i].len() == 2 {
            if let Some(run) = run_around(&rows, i, floor) {
                runs.push(run);
                floor = run.1;
                i = run.1;
                continue;
            }
        }
        i += 1;
    }
    // Each output line with a grouping key; blocks are renumbered from the keys at the end.
    let mut out: Vec<(u64, Line)> = Vec::with_capacity(rows.len());
    let mut rows = rows.into_iter().enumerate().peekable();
    let mut runs = runs.into_iter().peekable();
    let mut group = 1u64 << 40;
    while let Some((i, row)) = rows.next() {
        match runs.peek() {
            Some(&(start, end, gutter)) if start == i => {
                runs.next();
                let mut rights = Vec::new();
                let mut place = |piece: Line, out: &mut Vec<(u64, Line)>| {
                    if piece
                        .bbox
                        .is_some_and(|b| b.x0 + b.x1 <= gutter.0 + gutter.1)
                    {
                        out.push((group, piece));
                    } else {
                        rights.push((group + 1, piece));
                    }
                };
                row.into_iter().for_each(|p| place(p, &mut out));
                while rows.peek().is_some_and(|(j, _)| *j < end) {
                    if let Some((_, row)) = rows.next() {
                        row.into_iter().for_each(|p| place(p, &mut out));
                    }
                }
                out.extend(rights);
                group += 2;
            }
            _ => out.extend(row.into_iter().map(|p| (u64::from(p.block), p))),
        }
    }
    let mut block = 0u32;
    let mut prev: Option<(u64, Option<BBox>, u32)> = None;
    out.into_iter()
        .map(|(key, mut line)| {
            let h = word_height(&line);
            if let Some((pkey, pbox, ph)) = prev {
                let far = match (pbox, line.bbox) {
                    (Some(a), Some(b)) => b.y0 as f32 > a.y1 as f32 + BLOCK_GAP * h.max(ph) as f32,
                    _ => false,
                };
                if pkey != key || far {
                    block += 1;
                }
            }
            prev = Some((key, line.bbox, h));
            line.block = block;
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(t: &str, x0: u32, y0: u32) -> Word {
        let w = 12 * t.chars().count() as u32;
        Word::new(
            t,
            Some(BBox {
                x0,
                y0,
                x1: x0 + w,
                y1: y0 + 20,
            }),
            0.9,
        )
    }

    fn line(block: u32, words: Vec<Word>) -> Line {
        Line {
            bbox: union(&words),
            block,
            words,
        }
    }

    fn texts(lines: &[Line]) -> Vec<(u32, String)> {
        lines.iter().map(|l| (l.block, l.raw_text())).collect()
    }

    #[test]
    fn specks_do_not_set_the_word_height() {
        // `Số:` and its number 1.2 word heights apart, with two accent specks read as words: the
        // gap is a word gap, not a column gap.
        let w = |t: &str, x0: u32, x1: u32, y0: u32, y1: u32| {
            Word::new(t, Some(BBox { x0, y0, x1, y1 }), 0.9)
        };
        let line = Line {
            bbox: None,
            block: 0,
            words: vec![
                w("'", 90, 95, 100, 104),
                w("Số:", 100, 160, 100, 140),
                w("`", 170, 175, 100, 103),
                w(".", 180, 183, 100, 103),
                w("3722/VPCP-CN", 220, 480, 100, 140),
            ],
        };
        assert_eq!(split(line).len(), 1);
    }

    #[test]
    fn detached_marks_read_as_letters_do_not_set_the_word_height() {
        // `Số:` and its number 1.2 word heights apart; three accent marks between them read as
        // two-letter words, 4 px high: the median of all would be 4 px and the gap a column gap.
        let w = |t: &str, x0: u32, x1: u32, y0: u32, y1: u32| {
            Word::new(t, Some(BBox { x0, y0, x1, y1 }), 0.9)
        };
        let line = Line {
            bbox: None,
            block: 0,
            words: vec![
                w("Số:", 100, 160, 100, 140),
                w("ii", 165, 170, 96, 100),
                w("rr", 172, 177, 96, 100),
                w("''", 180, 185, 96, 100),
                w("3722/VPCP-CN", 233, 480, 100, 140),
            ],
        };
        assert_eq!(word_height(&line), 40);
        assert_eq!(split(line).len(), 1);
    }

    #[test]
    fn a_tall_handwritten_number_does_not_hide_the_gutter() {
        // `Số: 3ƒ /2026/TT-BCA` (the number handwritten, twice the print's height) glued to the
        // date across a 138 px gutter, print 26-36 px high: the row is cut at the gutter.
        let w = |t: &str, x0: u32, x1: u32, y0: u32, y1: u32| {
            Word::new(t, Some(BBox { x0, y0, x1, y1 }), 0.9)
        };
        let line = Line {
            bbox: None,
            block: 0,
            words: vec![
                w("Số:", 279, 322, 296, 329),
                w("3ƒ", 338, 400, 266, 341),
                w("/2026/TT-BCA", 451, 674, 303, 329),
                w("Hà", 812, 858, 301, 328),
                w("Nội,", 868, 929, 302, 334),
                w("ngày,24_", 945, 1074, 301, 344),
                w("tháng", 1099, 1188, 300, 336),
                w("năm", 1247, 1311, 302, 328),
                w("2026", 1323, 1401, 301, 328),
            ],
        };
        let pieces: Vec<String> = split(line).iter().map(Line::raw_text).collect();
        assert_eq!(
            pieces,
            ["Số: 3ƒ /2026/TT-BCA", "Hà Nội, ngày,24_ tháng năm 2026"]
        );
    }

    #[test]
    fn a_merged_header_comes_out_column_by_column() {
        let lines = vec![
            line(
                0,
                vec![
                    word("ỦY", 100, 50),
                    word("BAN", 140, 50),
                    word("CỘNG", 600, 50),
                    word("HÒA", 670, 50),
                ],
            ),
            line(
                0,
                vec![
                    word("TỈNH", 110, 80),
                    word("Độc", 620, 80),
                    word("lập", 670, 80),
                ],
            ),
            line(0, vec![word("Số:", 100, 110)]),
            line(1, vec![word("KẾ", 380, 200), word("HOẠCH", 420, 200)]),
            line(2, vec![word("Căn", 100, 240), word("cứ", 150, 240)]),
        ];
        assert_eq!(
            texts(&split_columns(lines)),
            vec![
                (0, "ỦY BAN".into()),
                (0, "TỈNH".into()),
                (0, "Số:".into()),
                (1, "CỘNG HÒA".into()),
                (1, "Độc lập".into()),
                (2, "KẾ HOẠCH".into()),
                (3, "Căn cứ".into()),
            ]
        );
    }

    #[test]
    fn ordinary_lines_keep_their_order_and_blocks() {
        let lines = vec![
            line(0, vec![word("một", 100, 50), word("hai", 150, 50)]),
            line(0, vec![word("ba", 100, 80)]),
            line(3, vec![word("bốn", 100, 150)]),
        ];
        let out = split_columns(lines.clone());
        assert_eq!(
            texts(&out),
            vec![(0, "một hai".into()), (0, "ba".into()), (1, "bốn".into())]
        );
        assert_eq!(out[0].bbox, lines[0].bbox);
    }

    #[test]
    fn a_narrow_gutter_is_found_by_its_width_against_the_word_gaps() {
        // 7 px word gaps, a 30 px gutter (1.5 word heights) between the columns, then a row
        // with specks of noise far right, which still fits the gutter.
        let lines = vec![
            line(
                0,
                vec![
                    word("ỦY", 100, 50),
                    word("BAN", 131, 50),
                    word("TỈNH", 174, 50),
                    word("CỘNG", 252, 50),
                    word("HÒA", 307, 50),
                ],
            ),
            line(
                0,
                vec![word("SỞ", 110, 80), word(":", 400, 80), word(":", 500, 80)],
            ),
        ];
        assert_eq!(
            texts(&split_columns(lines)),
            vec![
                (0, "ỦY BAN TỈNH".into()),
                (0, "SỞ".into()),
                (1, "CỘNG HÒA".into()),
                (1, ":".into()),
                (1, ":".into()),
            ]
        );
    }

    #[test]
    fn a_short_first_row_does_not_hide_a_wider_column_below() {
        let lines = vec![
            line(
                0,
                vec![
                    word("BỘ", 300, 50),
                    word("TÀI", 340, 50),
                    word("CỘNG", 900, 50),
                ],
            ),
            line(
                0,
                vec![
                    word("CỤC", 200, 80),
                    word("THUẾ", 250, 80),
                    word("TỈNH", 320, 80),
                    word("BÌNH", 400, 80),
                    word("Độc", 920, 80),
                ],
            ),
            line(0, vec![word("KẾ", 500, 150)]),
        ];
        assert_eq!(
            texts(&split_columns(lines)),
            vec![
                (0, "BỘ TÀI".into()),
                (0, "CỤC THUẾ TỈNH BÌNH".into()),
                (1, "CỘNG".into()),
                (1, "Độc".into()),
                (2, "KẾ".into()),
            ]
        );
    }

    #[test]
    fn a_wide_vertical_gap_starts_a_block() {
        let lines = vec![
            line(0, vec![word("dân", 100, 50)]),
            line(0, vec![word("Nơi", 100, 100)]),
        ];
        assert_eq!(
            texts(&split_columns(lines)),
            vec![(0, "dân".into()), (1, "Nơi".into())]
        );
    }

    #[test]
    fn a_table_row_is_cut_into_cells_in_place() {
        let lines = vec![line(
            0,
            vec![
                word("1", 100, 50),
                word("Sở", 300, 50),
                word("Nội", 340, 50),
                word("12", 700, 50),
            ],
        )];
        let out = split_columns(lines);
        assert_eq!(
            texts(&out),
            vec![(0, "1".into()), (0, "Sở Nội".into()), (0, "12".into())]
        );
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn lines() -> impl Strategy<Value = Vec<Line>> {
            // Rows of 1..6 words at random x, rows going down the page, random Tesseract blocks.
            prop::collection::vec(
                (
                    0u32..4,
                    prop::collection::vec((0u32..2000, 1u32..200), 1..6),
                ),
                0..12,
            )
            .prop_map(|rows| {
                rows.into_iter()
                    .enumerate()
                    .map(|(r, (block, ws))| {
                        let mut xs: Vec<(u32, u32)> = ws;
                        xs.sort_unstable();
                        let words = xs
                            .into_iter()
                            .enumerate()
                            .map(|(k, (x, w))| {
                                Word::new(
                                    format!("w{r}_{k}"),
                                    Some(BBox {
                                        x0: x,
                                        y0: 40 * r as u32,
                                        x1: x + w,
                                        y1: 40 * r as u32 + 20,
                                    }),
                                    0.9,
                                )
                            })
                            .collect();
                        line(block, words)
                    })
                    .collect()
            })
        }

        proptest! {
            #[test]
            fn every_word_comes_out_once_and_blocks_count_up(input in lines()) {
                let mut before: Vec<String> =
                    input.iter().flat_map(|l| l.words.iter().map(|w| w.raw.clone())).collect();
                let out = split_columns(input);
                let mut after: Vec<String> =
                    out.iter().flat_map(|l| l.words.iter().map(|w| w.raw.clone())).collect();
                before.sort();
                after.sort();
                prop_assert_eq!(before, after);
                prop_assert!(out.iter().all(|l| !l.words.is_empty()));
                if let Some(first) = out.first() {
                    prop_assert_eq!(first.block, 0);
                }
                prop_assert!(out.windows(2).all(|p| p[1].block == p[0].block || p[1].block == p[0].block + 1));
            }
        }
    }
}
