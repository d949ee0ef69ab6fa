//! Tables: tab-separated tables of text inputs, the table built from a scanned grid's cells (a
//! header of one or two rows), the join of a table that continues on the next page (a row cut by
//! the page break made one again), appendix captions as titles, and CSV output.

use vanban_doc::{Cell, Document, Origin, Table};

use crate::grid::{is_stt, Cut};

/// Between the texts of the header cells over one column (a spanning parent, then the column's
/// own heading): `Kinh phí (triệu đồng) - Tổng`.
pub const HEADER_JOIN: &str = " - ";
use crate::text::{fold, normalize};

/// The line's text as given, tabs kept (words may hold tabs, or be tabs).
fn raw_line(l: &vanban_doc::Line) -> String {
    let mut s = String::new();
    for w in &l.words {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(&w.text);
    }
    s
}

/// True for a line of the appendix label: `PHỤ LỤC`, `PHỤ LỤC 01`, `PHỤ LỤC II`.
fn is_appendix_label(s: &str) -> bool {
    let f = fold(s.trim());
    f.starts_with("phu luc")
        && s.chars()
            .filter(|c| c.is_alphabetic())
            .all(|c| !c.is_lowercase())
}

/// True for a caption line: capitals, not the label, not the `(Kèm theo ...)` note.
fn is_caption(s: &str) -> bool {
    let t = s.trim();
    t.chars().any(char::is_alphabetic)
        && t.chars()
            .filter(|c| c.is_alphabetic())
            .all(|c| !c.is_lowercase())
        && !is_appendix_label(t)
}

/// The caption above line `i`: the capitalised lines after the nearest `PHỤ LỤC` label, skipping
/// blank lines and the `(Kèm theo ...)` note.
fn caption_above(lines: &[String], i: usize) -> Option<String> {
    let mut caps: Vec<&str> = Vec::new();
    let mut j = i;
    while j > 0 {
        j -= 1;
        let t = lines[j].trim();
        if t.is_empty() || fold(t).contains("kem theo") {
            if caps.is_empty() {
                continue;
            }
            if t.is_empty() {
                continue;
            }
            break;
        }
        if is_appendix_label(t) {
            break;
        }
        if !is_caption(t) || caps.len() >= 4 {
            return None;
        }
        caps.push(t);
    }
    if caps.is_empty() {
        return None;
    }
    caps.reverse();
    Some(normalize(&caps.join(" ")))
}

/// Finds tab-separated tables in the text-file pages of a document (a run of lines holding tabs,
/// blank lines and page breaks inside it allowed); the caption of the appendix above becomes
/// the title.
pub fn extract_text_tables(doc: &Document) -> Vec<Table> {
    // All lines of text pages, with their page numbers.
    let mut lines: Vec<String> = Vec::new();
    let mut pages: Vec<u32> = Vec::new();
    for p in doc.pages.iter().filter(|p| p.origin != Origin::Ocr) {
        for l in &p.lines {
            lines.push(raw_line(l));
            pages.push(p.number);
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].contains('\t') {
            i += 1;
            continue;
        }
        let start = i;
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut tpages: Vec<u32> = Vec::new();
        while i < lines.len() {
            if lines[i].contains('\t') {
                rows.push(lines[i].split('\t').map(normalize).collect());
                if tpages.last() != Some(&pages[i]) {
                    tpages.push(pages[i]);
                }
                i += 1;
            } else if lines[i].trim().is_empty()
                && lines[i..]
                    .iter()
                    .find(|l| !l.trim().is_empty())
                    .is_some_and(|l| l.contains('\t'))
            {
                i += 1;
            } else {
                break;
            }
        }
        if rows.len() < 2 {
            continue;
        }
        let mut t = table_from_rows(rows);
        t.pages = tpages;
        t.title = caption_above(&lines, start);
        out.push(t);
    }
    out
}

/// A table from text rows: trailing empty fields dropped, a header cell set one column off over
/// an empty column put back, empty columns dropped; a short row's last cell spans the rest.
fn table_from_rows(mut rows: Vec<Vec<String>>) -> Table {
    for r in &mut rows {
        while r.last().is_some_and(String::is_empty) && r.len() > 1 {
            r.pop();
        }
    }
    let has_header = rows
        .first()
        .is_some_and(|r| !r.is_empty() && !is_stt(&r[0]));
    let mut ncols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let body_empty = |rows: &[Vec<String>], c: usize| {
        rows.iter()
            .skip(usize::from(has_header))
            .all(|r| r.get(c).map_or(true, String::is_empty))
    };
    let two_rows = has_header && rows.len() > 2 && is_sub_header(&rows[0], &rows[1]);
    if has_header && !two_rows {
        let mut c = 0;
        while c + 1 < ncols {
            let h = &rows[0];
            if h.get(c).is_some_and(String::is_empty)
                && h.get(c + 1).is_some_and(|s| !s.is_empty())
                && body_empty(&rows, c + 1)
            {
                rows[0].remove(c);
            }
            c += 1;
        }
    }
    // Drop columns empty everywhere.
    let mut c = 0;
    while c < ncols {
        if rows.iter().all(|r| r.get(c).map_or(true, String::is_empty)) {
            for r in &mut rows {
                if c < r.len() {
                    r.remove(c);
                }
            }
            ncols -= 1;
        } else {
            c += 1;
        }
    }
    let ncols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut cells = Vec::new();
    for (ri, r) in rows.iter().enumerate() {
        for (ci, text) in r.iter().enumerate() {
            let last = ci + 1 == r.len();
            let span = if last && r.len() < ncols {
                ncols - ci
            } else {
                1
            };
            cells.push(Cell {
                row: ri as u32,
                col: ci as u32,
                row_span: 1,
                col_span: span as u32,
                text: text.clone(),
                conf: 1.0,
            });
        }
    }
    let header = if two_rows {
        let (top, sub) = (pad(rows[0].clone(), ncols), pad(rows[1].clone(), ncols));
        cells.retain(|c| c.row >= 2);
        cells.splice(0..0, sub_header_cells(&top, &sub));
        sub_header_columns(&top, &sub)
    } else if has_header {
        pad(rows[0].clone(), ncols)
    } else {
        Vec::new()
    };
    let skip = if two_rows { 2 } else { usize::from(has_header) };
    let body = rows.into_iter().skip(skip).map(|r| pad(r, ncols)).collect();
    Table {
        title: None,
        pages: Vec::new(),
        header,
        rows: body,
        cells,
    }
}

/// True when text row `sub` is the second row of a two-row header under `top`: its first field is
/// empty, it has two headings or more and no figures, and one of them stands under an empty field
/// of `top` (the columns a parent heading spans).
fn is_sub_header(top: &[String], sub: &[String]) -> bool {
    let filled: Vec<&String> = sub.iter().filter(|s| !s.trim().is_empty()).collect();
    sub.first().is_some_and(|s| s.trim().is_empty())
        && filled.len() >= 2
        && filled
            .iter()
            .all(|s| !s.chars().any(|c| c.is_ascii_digit()))
        && sub
            .iter()
            .enumerate()
            .any(|(c, s)| !s.trim().is_empty() && top.get(c).map_or(true, |t| t.trim().is_empty()))
}

/// For each column with a heading in `sub`, the column of its parent in `top`: the same column
/// when `top` has text there, else the nearest one to the left with text.
fn parent_col(top: &[String], c: usize) -> Option<usize> {
    (0..=c).rev().find(|&p| !top[p].trim().is_empty())
}

/// One heading per column of a two-row text header: the parent and the column's own heading
/// joined by [`HEADER_JOIN`], or the parent alone over a column with nothing under it.
fn sub_header_columns(top: &[String], sub: &[String]) -> Vec<String> {
    (0..top.len())
        .map(|c| {
            let own = sub[c].trim();
            match parent_col(top, c) {
                Some(p) if !own.is_empty() => format!("{}{HEADER_JOIN}{own}", top[p].trim()),
                Some(p) if p == c => top[c].trim().to_string(),
                _ => own.to_string(),
            }
        })
        .collect()
}

/// The cells of a two-row text header with their spans: a top heading spans the columns to its
/// right that are empty on top and headed below, and both rows when nothing is under it.
fn sub_header_cells(top: &[String], sub: &[String]) -> Vec<Cell> {
    let n = top.len();
    let cell = |row: usize, col: usize, row_span: u32, col_span: usize, text: &str| Cell {
        row: row as u32,
        col: col as u32,
        row_span,
        col_span: col_span as u32,
        text: text.trim().to_string(),
        conf: 1.0,
    };
    let mut out = Vec::new();
    for c in (0..n).filter(|&c| !top[c].trim().is_empty()) {
        let span = 1
            + (c + 1..n)
                .take_while(|&k| top[k].trim().is_empty() && !sub[k].trim().is_empty())
                .count();
        let rows = if span == 1 && sub[c].trim().is_empty() {
            2
        } else {
            1
        };
        out.push(cell(0, c, rows, span, &top[c]));
    }
    for c in (0..n).filter(|&c| !sub[c].trim().is_empty()) {
        out.push(cell(1, c, 1, 1, &sub[c]));
    }
    out
}

fn pad(mut r: Vec<String>, n: usize) -> Vec<String> {
    r.resize(n, String::new());
    r
}

/// A table from a grid's read cells; a spanning cell's text goes in its first slot. The first
/// rows are the header when the first cell is text that is not an item number and spans no
/// columns (a section row spans them); as many rows as that row's tallest cell spans (a two-row
/// header: `STT` and `Nội dung` span both rows, `Kinh phí` spans the columns of the second row's
/// `Tổng | Ngân sách tỉnh`). Each column's heading is the texts of the header cells over it, top
/// to bottom, joined by [`HEADER_JOIN`].
pub(crate) fn table_from_cells(page: u32, nrows: usize, ncols: usize, cells: Vec<Cell>) -> Table {
    let mut grid = vec![vec![String::new(); ncols]; nrows];
    for c in &cells {
        if let Some(slot) = grid
            .get_mut(c.row as usize)
            .and_then(|r| r.get_mut(c.col as usize))
        {
            *slot = c.text.clone();
        }
    }
    let row0 = cells.iter().filter(|c| c.row == 0).count();
    let has_header = nrows > 1
        && row0 >= 2
        && cells
            .iter()
            .find(|c| c.row == 0 && c.col == 0)
            .is_some_and(|c| c.col_span == 1 && !c.text.is_empty() && !is_stt(&c.text));
    let header_rows = if has_header {
        cells
            .iter()
            .filter(|c| c.row == 0)
            .map(|c| c.row_span as usize)
            .max()
            .unwrap_or(1)
            .clamp(1, nrows - 1)
    } else {
        0
    };
    let header = (0..ncols)
        .filter(|_| has_header)
        .map(|col| {
            let mut over: Vec<&Cell> = cells
                .iter()
                .filter(|c| {
                    (c.row as usize) < header_rows
                        && c.col as usize <= col
                        && col < (c.col + c.col_span) as usize
                        && !c.text.is_empty()
                })
                .collect();
            over.sort_by_key(|c| c.row);
            let texts: Vec<&str> = over.iter().map(|c| c.text.as_str()).collect();
            texts.join(HEADER_JOIN)
        })
        .collect();
    let rows = grid.into_iter().skip(header_rows).collect();
    Table {
        title: None,
        pages: vec![page],
        header,
        rows,
        cells,
    }
}

/// Rows the header of `t` takes in its cells: 0 without a header, else the tallest span of the
/// cells of row 0 (2 for a two-row header).
fn header_rows(t: &Table) -> u32 {
    if t.header.is_empty() {
        return 0;
    }
    t.cells
        .iter()
        .filter(|c| c.row == 0)
        .map(|c| c.row_span)
        .max()
        .unwrap_or(1)
}

/// Gives each untitled table the caption of the appendix that starts on its first page (each
/// caption used once, in reading order), so that a table running on over the next page stays
/// untitled there and is joined by [`join_tables`].
pub fn attach_titles(doc: &Document, tables: &mut [Table]) {
    let mut captions: Vec<(u32, String)> = Vec::new();
    for p in &doc.pages {
        let lines: Vec<String> = p.lines.iter().map(raw_line).collect();
        for (i, l) in lines.iter().enumerate() {
            if !is_appendix_label(l) {
                continue;
            }
            // The caption is below the label: read it through the next lines.
            let mut caps = Vec::new();
            for t in lines.iter().skip(i + 1).map(|t| t.trim()) {
                if t.is_empty() && caps.is_empty() {
                    continue;
                }
                if !is_caption(t) || caps.len() >= 4 {
                    break;
                }
                caps.push(t);
            }
            if !caps.is_empty() {
                captions.push((p.number, normalize(&caps.join(" "))));
            }
        }
    }
    let mut used = vec![false; captions.len()];
    for t in tables.iter_mut().filter(|t| t.title.is_none()) {
        let Some(&page) = t.pages.first() else {
            continue;
        };
        if let Some(k) = (0..captions.len()).find(|&k| !used[k] && captions[k].0 == page) {
            used[k] = true;
            t.title = Some(captions[k].1.clone());
        }
    }
}

/// Joins tables that continue on the next page: same number of columns, starting on the page
/// after the previous table ends, untitled (or titled the same), and with no header or the same
/// header repeated (which is dropped). A row cut by the page break is made one again (see
/// [`join_cut_tables`]; here the ruling is not known, so only the text decides). Item numbers of
/// the joined tables are then checked against their sequence ([`fix_item_numbers`]).
pub fn join_tables(tables: Vec<Table>) -> Vec<Table> {
    join_cut_tables(tables.into_iter().map(|t| (t, None)).collect())
}

/// [`join_tables`] for tables whose ruling may be known ([`Cut`], from a page image). When a table
/// goes on over the next page, the continuation's first row is joined to the last row before the
/// break, cell by cell (their texts in order), when
/// - the ruling says so: the table is open at the foot of its page or at the top of the next
///   (the row has no rule where the page cut it), and the first row does not start with an item
///   number of its own; or
/// - whatever the ruling, the text says so: the first row after the break has an empty first
///   cell and some text, is not a total row (`Tổng cộng`, `Cộng`: those stand alone with an empty
///   item number), and either
///   - the table numbers its rows (most first cells are item numbers) and the last row before the
///     break has one; but where the ruling is shut on both sides and the row fills every column
///     nine in ten full rows fill (a deadline), it is a row of its own; or
///   - it has text only where the last row has, and leaves empty a column that nine in ten full
///     rows fill (Word closes a row cut by the page with a rule all the same).
pub fn join_cut_tables(tables: Vec<(Table, Option<Cut>)>) -> Vec<Table> {
    let mut out = join(tables);
    for t in &mut out {
        fix_item_numbers(t);
    }
    out
}

fn join(tables: Vec<(Table, Option<Cut>)>) -> Vec<Table> {
    let mut out: Vec<(Table, Option<Cut>)> = Vec::with_capacity(tables.len());
    for (t, cut) in tables {
        if let Some((prev, prev_cut)) = out.last_mut() {
            let width = |x: &Table| x.header.len().max(x.rows.first().map_or(0, Vec::len));
            let next_page = match (prev.pages.last(), t.pages.first()) {
                (Some(a), Some(b)) => *b == a + 1,
                _ => false,
            };
            let same_title = t.title.is_none() || t.title == prev.title;
            let header_ok = t.header.is_empty() || t.header == prev.header;
            if next_page
                && same_title
                && header_ok
                && width(prev) == width(&t)
                && !prev.rows.is_empty()
            {
                let split = continues_row(prev, *prev_cut, &t, cut);
                append(prev, t, split);
                *prev_cut = cut.map(|c| Cut {
                    top: prev_cut.is_some_and(|p| p.top),
                    bottom: c.bottom,
                });
                continue;
            }
        }
        out.push((t, cut));
    }
    out.into_iter().map(|(t, _)| t).collect()
}

/// True when the first body row of `next` is the rest of the last row of `prev`, cut by the page
/// break (the rule is in [`join_cut_tables`]).
fn continues_row(prev: &Table, prev_cut: Option<Cut>, next: &Table, next_cut: Option<Cut>) -> bool {
    let (Some(last), Some(first)) = (prev.rows.last(), next.rows.first()) else {
        return false;
    };
    let first_cell = first.first().map_or("", |s| s.trim());
    let last_cell = last.first().map_or("", |s| s.trim());
    let open = prev_cut.is_some_and(|c| c.bottom) || next_cut.is_some_and(|c| c.top);
    if open {
        return !is_stt(first_cell) || last_cell.is_empty();
    }
    let text_says =
        first_cell.is_empty() && first.iter().any(|c| !c.trim().is_empty()) && !is_total_row(first);
    // Ruled shut on both sides of the break, a row filling the column every row fills (the
    // deadline) is a row of its own, whatever the item numbers say.
    let closed = prev_cut.is_some_and(|c| !c.bottom) && next_cut.is_some_and(|c| !c.top);
    text_says
        && ((numbers_its_rows(prev, 2) && is_stt(last_cell) && !(closed && own_row(prev, next)))
            || leaves_out_a_filled_column(prev, next))
}

/// True when the first body row of `next` fills every column that nine in ten of the full rows
/// (three cells or more) of both tables fill, and there is such a column besides the first two.
fn own_row(prev: &Table, next: &Table) -> bool {
    let Some(first) = next.rows.first() else {
        return false;
    };
    let filled = |r: &[String], c: usize| r.get(c).is_some_and(|s| !s.trim().is_empty());
    let full: Vec<&Vec<String>> = prev
        .rows
        .iter()
        .chain(next.rows.iter().skip(1))
        .filter(|r| (0..r.len()).filter(|&c| filled(r, c)).count() >= 3)
        .collect();
    if full.len() < 3 {
        return false;
    }
    let always: Vec<usize> = (2..first.len())
        .filter(|&c| full.iter().filter(|r| filled(r, c)).count() * 10 >= full.len() * 9)
        .collect();
    !always.is_empty() && always.iter().all(|&c| filled(first, c))
}

/// True when the first body row of `next` reads as the rest of `prev`'s last row: it has text only
/// in columns that row has text in, and leaves empty a column that every other row fills (three
/// rows or more, one in ten may miss), as a deadline or a lead agency: a row of its own would
/// have its own. Rows with text in fewer than three cells (section titles, rests of rows) are not
/// counted.
fn leaves_out_a_filled_column(prev: &Table, next: &Table) -> bool {
    let (Some(last), Some(first)) = (prev.rows.last(), next.rows.first()) else {
        return false;
    };
    let filled = |r: &[String], c: usize| r.get(c).is_some_and(|s| !s.trim().is_empty());
    if (0..first.len()).any(|c| filled(first, c) && !filled(last, c)) {
        return false;
    }
    // Rows with text in three cells or more (not section titles, not other rests of rows).
    let others: Vec<&Vec<String>> = prev
        .rows
        .iter()
        .chain(next.rows.iter().skip(1))
        .filter(|r| (0..r.len()).filter(|&c| filled(r, c)).count() >= 3)
        .collect();
    if others.len() < 3 {
        return false;
    }
    (1..first.len()).any(|c| {
        let n = others.iter().filter(|r| filled(r, c)).count();
        !filled(first, c) && filled(last, c) && n * 10 >= others.len() * 9
    })
}

/// True for a total row: its first text is `Tổng cộng`, `Tổng số`, `Cộng` and the like.
fn is_total_row(row: &[String]) -> bool {
    row.iter()
        .map(|c| fold(c.trim()))
        .find(|c| !c.is_empty())
        .is_some_and(|c| c.starts_with("tong") || c == "cong" || c.starts_with("cong "))
}

/// Appends `next` (the same table on the next page) to `prev`: a repeated header is dropped, and
/// with `split` its first body row is joined to `prev`'s last row cell by cell.
fn append(prev: &mut Table, next: Table, split: bool) {
    let offset = header_rows(prev) + prev.rows.len() as u32;
    let skip = header_rows(&next);
    let mut rows = next.rows.into_iter();
    if split {
        if let (Some(last), Some(first)) = (prev.rows.last_mut(), rows.next()) {
            for (a, b) in last.iter_mut().zip(first) {
                join_text(a, &b);
            }
        }
    }
    let last_row = offset.saturating_sub(1);
    let shift = u32::from(split);
    for mut c in next.cells.into_iter().filter(|c| c.row >= skip) {
        if split && c.row == skip {
            // The rest of a cut cell: onto the cell of the last row over the same column.
            let under = prev.cells.iter_mut().find(|p| {
                p.row <= last_row
                    && last_row < p.row + p.row_span
                    && p.col <= c.col
                    && c.col < p.col + p.col_span
            });
            match under {
                Some(p) => {
                    join_text(&mut p.text, &c.text);
                    p.conf = p.conf.min(c.conf);
                }
                None => {
                    c.row = last_row;
                    prev.cells.push(c);
                }
            }
            continue;
        }
        c.row = c.row - skip + offset - shift;
        prev.cells.push(c);
    }
    prev.rows.extend(rows);
    prev.pages.extend(next.pages);
}

/// Appends `more` to `text` with a space between (either may be empty).
fn join_text(text: &mut String, more: &str) {
    let more = more.trim();
    if more.is_empty() {
        return;
    }
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(more);
}

/// The numbers that may follow item number `prev` (`1.2` → `1.3`, `1.2.1`, `2`; after `1.` each
/// with a trailing dot too: `2.`); empty when `prev` is not a dotted number.
fn successors(prev: &str) -> Vec<String> {
    let parts: Option<Vec<u32>> = prev
        .trim_end_matches('.')
        .split('.')
        .map(|p| p.parse::<u32>().ok())
        .collect();
    let Some(parts) = parts.filter(|p| !p.is_empty() && p.len() <= 6) else {
        return Vec::new();
    };
    let show = |p: &[u32]| p.iter().map(u32::to_string).collect::<Vec<_>>().join(".");
    let mut out = Vec::with_capacity(2 * parts.len() + 2);
    let mut child = parts.clone();
    child.push(1);
    out.push(show(&child));
    for level in (1..=parts.len()).rev() {
        let mut next = parts[..level].to_vec();
        next[level - 1] = next[level - 1].saturating_add(1);
        out.push(show(&next));
    }
    // After a number written with a trailing dot, each with the dot too (`1.` → `2.`, `1.1`):
    // tables write `1.` and `1.1` alike.
    if prev.ends_with('.') {
        let dotted: Vec<String> = out.iter().map(|n| format!("{n}.")).collect();
        out.extend(dotted);
    }
    out
}

/// Edit distance between two short strings, by characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// True for a first-column value that may be a misread item number: short, with a digit, at
/// most one letter.
fn number_like(text: &str) -> bool {
    !text.is_empty()
        && text.chars().count() <= 10
        && text.chars().any(|c| c.is_ascii_digit())
        && text.chars().filter(|c| c.is_alphabetic()).count() <= 1
}

/// Puts right the item numbers (`1`, `1.1`, `2.4.1`) of a table's first column that OCR misread
/// (`53` for `5.3`, `2.L` for `2.1`, `5.` for `5.1`). A value that is not one of the numbers that
/// may follow the previous item, but is one character (two, when it is not a number at all) from
/// exactly one of them, becomes that one, provided the next item is then (within one character)
/// a number that may follow it. Applied only when most first-column values of the body are item
/// numbers; values without a digit (`a`, `II`, section titles) are left alone by this step.
/// Roman numbers of section rows are then put in sequence (`fix_section_numbers`).
pub fn fix_item_numbers(t: &mut Table) {
    fix_stroke_sections(t);
    fix_dotted_numbers(t);
    fix_section_numbers(t);
}

/// Section rows of a table: a first cell with text (no digit, or a Roman number), a title in
/// the second, the rest empty (`I. | Hoàn thiện khuôn khổ pháp lý`).
fn section_rows(t: &Table, digits: bool) -> Vec<usize> {
    (0..t.rows.len())
        .filter(|&i| {
            let r = &t.rows[i];
            r.len() >= 3
                && r.first().is_some_and(|c| {
                    !c.trim().is_empty()
                        && (digits
                            || !c.chars().any(|ch| ch.is_ascii_digit())
                            || roman_value(c).is_some())
                })
                && r.get(1).is_some_and(|c| !c.trim().is_empty())
                && r[2..].iter().all(|c| c.trim().is_empty())
        })
        .collect()
}

/// Puts right the Roman number of a section row read as strokes: a bold serif `I.` is often
/// read `1.`, `II.` as `11.` or `1.1.`. In a table whose other rows are numbered with Arabic
/// numbers, a section number written only with upright strokes (`1`, `l`, `I`, `|`, `!`) and
/// dots, one to three strokes, and followed by items numbered again from `1`, is the Roman number
/// of as many (`I.`, `II.`, `III.`; the dot kept).
/// The cell's confidence is lowered to say it was put right.
fn fix_stroke_sections(t: &mut Table) {
    let sections = section_rows(t, true);
    let arabic_items = (0..t.rows.len())
        .filter(|i| !sections.contains(i))
        .filter(|&i| {
            t.rows[i]
                .first()
                .is_some_and(|c| is_stt(c) && c.chars().any(|ch| ch.is_ascii_digit()))
        })
        .count();
    if arabic_items < 2 {
        return;
    }
    let body_row0 = header_rows(t);
    for i in sections {
        let have = t.rows[i][0].trim().to_string();
        let strokes = have
            .chars()
            .filter(|c| matches!(c, '1' | 'l' | 'I' | '|' | '!'))
            .count();
        let only = have
            .chars()
            .all(|c| matches!(c, '1' | 'l' | 'I' | '|' | '!' | '.'));
        if !only || !(1..=3).contains(&strokes) || !have.chars().any(|c| c != 'I' && c != '.') {
            continue;
        }
        // The items under it number again from 1 (or repeat the number it reads as): the
        // section is not an item of theirs.
        let next_item = (i + 1..t.rows.len())
            .filter_map(|k| t.rows[k].first().map(|c| c.trim()))
            .find(|c| !c.is_empty());
        let restart = next_item.is_some_and(|n| {
            let n = n.trim_end_matches('.');
            n == "1" || n == have.trim_end_matches('.')
        });
        if !restart {
            continue;
        }
        let want = roman(strokes as u32) + if have.ends_with('.') { "." } else { "" };
        t.rows[i][0] = want.clone();
        let r = body_row0 + i as u32;
        if let Some(c) = t.cells.iter_mut().find(|c| c.row == r && c.col == 0) {
            c.text = want;
            c.conf = c.conf.min(0.5);
        }
    }
}

/// The value of a Roman number written the usual way (`I` to `XXXIX`), else None.
fn roman_value(s: &str) -> Option<u32> {
    let s = s.trim().trim_end_matches('.');
    (1..40).find(|&n| roman(n) == s)
}

/// `n` (1 to 39) in Roman numerals.
fn roman(n: u32) -> String {
    const ONES: [&str; 10] = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"];
    let tens = "X".repeat((n / 10) as usize);
    tens + ONES[(n % 10) as usize]
}

/// Puts right the Roman numbers of section rows (`I | HẠ TẦNG SỐ`, the other cells empty) that OCR
/// misread: a serif `II` often comes out as `H`, or `III` as `II`. When most of the section rows
/// that read as Roman numbers agree on one sequence (the k-th section is number k + offset), a
/// section number that is off that sequence, short and written only with letters that look like
/// Roman digits (`H`, `l`, `1`, `|`), becomes the number of its place.
fn fix_section_numbers(t: &mut Table) {
    let sections = section_rows(t, false);
    let mut votes: std::collections::BTreeMap<i64, usize> = Default::default();
    for (pos, &i) in sections.iter().enumerate() {
        if let Some(v) = roman_value(&t.rows[i][0]) {
            *votes.entry(i64::from(v) - pos as i64).or_default() += 1;
        }
    }
    let mut ranked: Vec<(usize, i64)> = votes.into_iter().map(|(o, n)| (n, o)).collect();
    ranked.sort_unstable_by(|a, b| b.cmp(a));
    // One sequence most agree on, and no other as popular.
    let offset = match ranked.as_slice() {
        [(n, o), rest @ ..]
            if *n >= 2 && *n * 2 >= sections.len() && rest.first().map_or(true, |r| r.0 < *n) =>
        {
            *o
        }
        _ => return,
    };
    let body_row0 = header_rows(t);
    for (pos, &i) in sections.iter().enumerate() {
        let Ok(want) = u32::try_from(pos as i64 + offset) else {
            continue;
        };
        if !(1..40).contains(&want) {
            continue;
        }
        let have = t.rows[i][0].trim().to_string();
        let want = roman(want) + if have.ends_with('.') { "." } else { "" };
        let looks_roman = have.trim_end_matches('.').chars().count() <= 4
            && fold(have.trim_end_matches('.'))
                .chars()
                .all(|c| matches!(c, 'i' | 'v' | 'x' | 'h' | 'l' | 'j' | '1' | '|' | '!' | 'o'));
        if have == want || !looks_roman || edit_distance(&have, &want) > 2 {
            continue;
        }
        t.rows[i][0] = want.clone();
        let r = body_row0 + i as u32;
        if let Some(c) = t.cells.iter_mut().find(|c| c.row == r && c.col == 0) {
            c.text = want;
        }
    }
}

/// True when a table numbers its body rows: at least `min` first cells with text, three in five
/// of them item numbers.
fn numbers_its_rows(t: &Table, min: usize) -> bool {
    let (mut filled, mut numbered) = (0usize, 0usize);
    for s in t.rows.iter().filter_map(|r| r.first().map(|s| s.trim())) {
        if !s.is_empty() {
            filled += 1;
            numbered += usize::from(is_stt(s));
        }
    }
    filled >= min && numbered * 5 >= filled * 3
}

/// The dotted item numbers step of [`fix_item_numbers`].
fn fix_dotted_numbers(t: &mut Table) {
    if !numbers_its_rows(t, 3) {
        return;
    }
    let values: Vec<Option<String>> = t
        .rows
        .iter()
        .map(|r| {
            r.first()
                .map(|s| s.trim().to_string())
                .filter(|s| number_like(s))
        })
        .collect();
    let near = |v: &str, next: &[String], max: usize| -> Option<String> {
        let mut best: Vec<(usize, &String)> = next
            .iter()
            .map(|n| (edit_distance(v, n), n))
            .filter(|(d, _)| *d <= max)
            .collect();
        best.sort();
        match best.as_slice() {
            [(_, n)] => Some((*n).clone()),
            [(d0, n), (d1, _), ..] if d0 < d1 => Some((*n).clone()),
            _ => None,
        }
    };
    // The nearest of `next` to `v` (within `max`) after which `after` (the next item read, if
    // any) is a number that may follow: `12` after `1.1` and before `1.3` is `1.2`, not `2`.
    let near_fitting = |v: &str, next: &[String], max: usize, after: Option<&String>| {
        let mut best: Vec<(usize, &String)> = next
            .iter()
            .map(|n| (edit_distance(v, n), n))
            .filter(|(d, n)| {
                *d <= max && after.map_or(true, |a| near(a, &successors(n), 1).is_some())
            })
            .collect();
        best.sort();
        match best.as_slice() {
            [(_, n)] => Some((*n).clone()),
            [(d0, n), (d1, _), ..] if d0 < d1 => Some((*n).clone()),
            _ => None,
        }
    };
    let body_row0 = header_rows(t);
    let mut prev: Option<String> = None;
    for i in 0..values.len() {
        let Some(text) = values[i].as_deref() else {
            continue;
        };
        let next = prev.as_deref().map(successors).unwrap_or_default();
        let mut fixed = text.to_string();
        let after = values[i + 1..].iter().flatten().next();
        // A number the next one follows stands: the item before it may be the one misread or
        // lost (`1`, ``, `3.`, `4.`: `3.` stays).
        let followed =
            is_stt(text) && after.is_some_and(|a| successors(text).iter().any(|n| n == a));
        if !next.is_empty() && !next.iter().any(|n| n == text) && !followed {
            let max = if is_stt(text) { 1 } else { 2 };
            if let Some(cand) = near_fitting(text, &next, max, after) {
                fixed = cand;
            }
        }
        if fixed != text {
            if let Some(v) = t.rows[i].first_mut() {
                *v = fixed.clone();
            }
            let r = body_row0 + i as u32;
            if let Some(c) = t.cells.iter_mut().find(|c| c.row == r && c.col == 0) {
                c.text = fixed.clone();
            }
        }
        if is_stt(&fixed) {
            prev = Some(fixed);
        }
    }
    // One style of top-level number: when most are written `1.`, a `1` (its dot lost to OCR)
    // becomes `1.` too.
    let top: Vec<usize> = (0..t.rows.len())
        .filter(|&i| {
            t.rows[i].first().is_some_and(|c| {
                let c = c.trim().trim_end_matches('.');
                !c.is_empty() && c.chars().all(|ch| ch.is_ascii_digit())
            })
        })
        .collect();
    let dotted = top
        .iter()
        .filter(|&&i| t.rows[i][0].trim().ends_with('.'))
        .count();
    if top.len() >= 3 && dotted * 3 >= top.len() * 2 {
        for &i in &top {
            let have = t.rows[i][0].trim().to_string();
            if have.ends_with('.') {
                continue;
            }
            let want = format!("{have}.");
            t.rows[i][0] = want.clone();
            let r = body_row0 + i as u32;
            if let Some(c) = t.cells.iter_mut().find(|c| c.row == r && c.col == 0) {
                c.text = want;
                c.conf = c.conf.min(0.5);
            }
        }
    }
}

/// Writing extraction outputs failed.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// A `<stem>.table-N.csv` file could not be written.
    #[error("table {index} of {stem}: {source}")]
    WriteCsv {
        /// The document's stem.
        stem: String,
        /// The table's number, from 1.
        index: usize,
        /// The write error (names the file).
        #[source]
        source: vanban_doc::WriteError,
    },
}

/// Writes each table as `<dir>/<stem>.table-N.csv` (N from 1), atomically; returns the paths.
pub fn write_table_csvs(
    dir: &std::path::Path,
    stem: &str,
    tables: &[Table],
) -> Result<Vec<std::path::PathBuf>, ExtractError> {
    let mut out = Vec::with_capacity(tables.len());
    for (i, t) in tables.iter().enumerate() {
        let path = dir.join(format!("{stem}.table-{}.csv", i + 1));
        vanban_doc::write_atomic(&path, table_to_csv(t).as_bytes()).map_err(|source| {
            ExtractError::WriteCsv {
                stem: stem.to_string(),
                index: i + 1,
                source,
            }
        })?;
        out.push(path);
    }
    Ok(out)
}

/// The table as RFC 4180 CSV: the header row (when there is one), then the body rows.
///
/// A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be taken by a
/// spreadsheet as a formula (`=HYPERLINK(…)` runs when a clerk opens the file), so it is written with
/// a leading apostrophe (`'=HYPERLINK(…)`), which spreadsheets show as text. Plain numbers (`-5`,
/// `+84`, `-1,5`) and a lone sign (`-`, a common "nothing" in tables) are left as they are.
pub fn table_to_csv(t: &Table) -> String {
    fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
        let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
        let rest = cell.get(1..).unwrap_or("");
        let number = !rest.is_empty()
            && rest.starts_with(|c: char| c.is_ascii_digit())
            && rest
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | ' '))
            && !cell.starts_with(['\t', '\r', '@', '=']);
        let lone_sign = cell.len() == 1 && cell.starts_with(['-', '+']);
        if risky && !number && !lone_sign {
            std::borrow::Cow::Owned(format!("'{cell}"))
        } else {
            std::borrow::Cow::Borrowed(cell)
        }
    }
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let rows = std::iter::once(&t.header)
        .filter(|h| !h.is_empty())
        .chain(t.rows.iter());
    for r in rows {
        // Writing to a Vec cannot fail; a record error would only come from the writer's state.
        if let Err(e) = w.write_record(r.iter().map(|c| neutralise(c).into_owned())) {
            tracing::warn!("csv: {e}");
        }
    }
    match w.into_inner() {
        Ok(bytes) => String::from_utf8(bytes).unwrap_or_default(),
        Err(e) => {
            tracing::warn!("csv: {e}");
            String::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(page: u32, header: &[&str], rows: &[&[&str]]) -> Table {
        let mut cells = Vec::new();
        let all = std::iter::once(header)
            .filter(|h| !h.is_empty())
            .chain(rows.iter().copied());
        for (r, row) in all.enumerate() {
            for (c, t) in row.iter().enumerate() {
                cells.push(Cell {
                    row: r as u32,
                    col: c as u32,
                    row_span: 1,
                    col_span: 1,
                    text: t.to_string(),
                    conf: 1.0,
                });
            }
        }
        Table {
            title: None,
            pages: vec![page],
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|s| s.to_string()).collect())
                .collect(),
            cells,
        }
    }

    #[test]
    fn joins_continuation_and_drops_repeated_header() {
        let a = table(3, &["STT", "Nội dung"], &[&["1", "a"], &["1.1", "b"]]);
        let b = table(4, &[], &[&["1.2", "c"]]);
        let c = table(5, &["STT", "Nội dung"], &[&["2", "d"]]);
        let j = join_tables(vec![a, b, c]);
        assert_eq!(j.len(), 1);
        assert_eq!(j[0].pages, vec![3, 4, 5]);
        assert_eq!(j[0].rows.len(), 4);
        let last = j[0].cells.last().unwrap();
        assert_eq!((last.row, last.text.as_str()), (4, "d"));
    }

    #[test]
    fn does_not_join_other_tables() {
        let a = table(3, &["STT", "Nội dung"], &[&["1", "a"]]);
        let b = table(4, &["STT", "Đơn vị", "Ghi chú"], &[&["1", "x", "y"]]);
        let c = table(6, &[], &[&["1", "x", "y"]]);
        assert_eq!(join_tables(vec![a, b, c]).len(), 3);
    }

    #[test]
    fn titles_come_from_the_appendix_caption_of_the_first_page() {
        use vanban_doc::{Line, Page, Source, Word};
        let page = |n: u32, lines: &[&str]| Page {
            number: n,
            width: 0,
            height: 0,
            dpi: 0,
            origin: Origin::Ocr,
            lines: lines
                .iter()
                .map(|l| Line {
                    bbox: None,
                    block: 0,
                    words: l.split(' ').map(|w| Word::new(w, None, 0.9)).collect(),
                })
                .collect(),
        };
        let src = Source {
            path: "a.pdf".into(),
            sha256: String::new(),
            pages: 2,
        };
        let doc = Document::new(
            src,
            vec![
                page(
                    3,
                    &[
                        "PHỤ LỤC",
                        "DANH MỤC NHIỆM VỤ",
                        "NĂM 2024",
                        "(Kèm theo Kế hoạch số 1/KH-X)",
                        "STT",
                    ],
                ),
                page(4, &["4.2 Diễn tập"]),
            ],
        );
        let mut t = vec![
            table(3, &["STT", "Nội dung"], &[&["1", "a"]]),
            table(4, &[], &[&["4.2", "Diễn tập"]]),
        ];
        attach_titles(&doc, &mut t);
        assert_eq!(t[0].title.as_deref(), Some("DANH MỤC NHIỆM VỤ NĂM 2024"));
        assert_eq!(t[1].title, None);
        let j = join_tables(t);
        assert_eq!(j.len(), 1);
        assert_eq!(j[0].pages, vec![3, 4]);
    }

    #[test]
    fn writes_numbered_csv_files_and_names_the_failing_one() {
        let dir = std::env::temp_dir().join(format!("vanban-extract-csv-{}", std::process::id()));
        let t = table(1, &["STT", "Nội dung"], &[&["1", "a"]]);
        let paths = write_table_csvs(&dir, "doc", &[t.clone(), t.clone()]).expect("writes");
        assert_eq!(
            paths[1].file_name().and_then(|n| n.to_str()),
            Some("doc.table-2.csv")
        );
        assert_eq!(
            std::fs::read_to_string(&paths[0]).ok().as_deref(),
            Some("STT,Nội dung\r\n1,a\r\n")
        );
        // A file where the folder should be: the error names the table and the path.
        let blocked = paths[0].clone();
        let e = write_table_csvs(&blocked, "doc", &[t]).expect_err("cannot write under a file");
        assert!(e.to_string().contains("table 1 of doc"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    proptest::proptest! {
        #[test]
        fn text_tables_are_rectangular(lines in proptest::collection::vec("[a-zA-Z0-9. \t]{0,24}", 0..40)) {
            use vanban_doc::{Line, Page, Source, Word};
            let page = Page {
                number: 1, width: 0, height: 0, dpi: 0, origin: Origin::TextFile,
                lines: lines.iter().map(|l| Line {
                    bbox: None, block: 0,
                    words: l.split(' ').filter(|w| !w.is_empty()).map(|w| Word::new(w, None, 1.0)).collect(),
                }).collect(),
            };
            let doc = Document::new(Source { path: "p".into(), sha256: String::new(), pages: 1 }, vec![page]);
            for t in extract_text_tables(&doc) {
                let n = t.header.len().max(t.rows.first().map_or(0, Vec::len));
                proptest::prop_assert!(t.rows.iter().all(|r| r.len() == n));
                proptest::prop_assert!(t.header.is_empty() || t.header.len() == n);
                let _ = table_to_csv(&t);
            }
        }
    }

    #[test]
    fn misread_item_numbers_follow_their_sequence() {
        let mut t = table(
            3,
            &["STT", "Nội dung"],
            &[
                &["1", "a"],
                &["1.1", "b"],
                &["1,2", "c"],
                &["1.3", "d"],
                &["2", "e"],
                &["2.L", "f"],
                &["2.2", "g"],
                &["A. PHẦN HAI", ""],
                &["3", "h"],
                &["3.1", "i"],
                &["32", "j"],
            ],
        );
        fix_item_numbers(&mut t);
        let col: Vec<&str> = t.rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(
            col,
            [
                "1",
                "1.1",
                "1.2",
                "1.3",
                "2",
                "2.1",
                "2.2",
                "A. PHẦN HAI",
                "3",
                "3.1",
                "3.2"
            ]
        );
        assert!(t
            .cells
            .iter()
            .any(|c| c.row == 3 && c.col == 0 && c.text == "1.2"));
        // A misread that the next item does not confirm is left as read; so is a table whose
        // first column is not numbered.
        let mut t = table(
            1,
            &[],
            &[&["1", "a"], &["5.", "b"], &["3", "c"], &["53", "d"]],
        );
        fix_item_numbers(&mut t);
        let col: Vec<&str> = t.rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(col, ["1", "5.", "3", "53"]);
        let mut u = table(
            1,
            &["Tên", "Số"],
            &[&["An", "1"], &["1,2", "2"], &["Bình", "3"]],
        );
        fix_item_numbers(&mut u);
        assert_eq!(u.rows[1][0], "1,2");
    }

    fn cell(row: u32, col: u32, row_span: u32, col_span: u32, text: &str) -> Cell {
        Cell {
            row,
            col,
            row_span,
            col_span,
            text: text.to_string(),
            conf: 0.9,
        }
    }

    /// A budget table's part on one page: a two-row header (when `header`), then `rows` of three
    /// cells (STT, Nội dung, Tổng, Khác).
    fn budget(page: u32, header: bool, rows: &[[&str; 4]]) -> Table {
        let mut cells = Vec::new();
        let h = if header {
            cells.extend([
                cell(0, 0, 2, 1, "STT"),
                cell(0, 1, 2, 1, "Nội dung"),
                cell(0, 2, 1, 2, "Kinh phí"),
                cell(1, 2, 1, 1, "Tổng"),
                cell(1, 3, 1, 1, "Khác"),
            ]);
            2
        } else {
            0
        };
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                cells.push(cell(h + r as u32, c as u32, 1, 1, text));
            }
        }
        table_from_cells(page, h as usize + rows.len(), 4, cells)
    }

    #[test]
    fn a_header_cell_spanning_two_rows_makes_a_two_row_header() {
        let t = budget(5, true, &[["1", "Máy tính", "375", "0"]]);
        assert_eq!(
            t.header,
            ["STT", "Nội dung", "Kinh phí - Tổng", "Kinh phí - Khác"]
        );
        assert_eq!(t.rows, [["1", "Máy tính", "375", "0"]]);
        assert_eq!(header_rows(&t), 2);
        // The header cells keep their spans.
        assert!(t
            .cells
            .iter()
            .any(|c| c.text == "Kinh phí" && c.col_span == 2));
        // A continuation page whose first row is a section row spanning from column 0 has no
        // header; nor has one starting with an item number.
        let sec = table_from_cells(
            6,
            2,
            3,
            vec![
                cell(0, 0, 1, 3, "B. NHIỆM VỤ THƯỜNG XUYÊN"),
                cell(1, 0, 1, 1, "4"),
                cell(1, 1, 1, 2, "AN TOÀN"),
            ],
        );
        assert!(sec.header.is_empty());
        assert_eq!(sec.rows.len(), 2);
    }

    #[test]
    fn a_row_cut_by_the_page_break_becomes_one_row() {
        let a = || {
            budget(
                5,
                true,
                &[
                    ["1", "Máy tính", "375", "0"],
                    ["2", "Xây dựng hệ thống", "850", "250"],
                ],
            )
        };
        let b = || {
            budget(
                6,
                false,
                &[
                    ["", "báo cáo của tỉnh", "", ""],
                    ["3", "Tập huấn", "90", "0"],
                ],
            )
        };
        let open = Cut {
            top: false,
            bottom: true,
        };
        let closed = Cut::default();
        for (ca, cb) in [
            (Some(open), Some(closed)),
            (None, None),
            (Some(closed), Some(closed)),
        ] {
            let j = join_cut_tables(vec![(a(), ca), (b(), cb)]);
            assert_eq!(j.len(), 1);
            let t = &j[0];
            assert_eq!(t.pages, [5, 6]);
            assert_eq!(
                t.rows,
                [
                    ["1", "Máy tính", "375", "0"],
                    ["2", "Xây dựng hệ thống báo cáo của tỉnh", "850", "250"],
                    ["3", "Tập huấn", "90", "0"]
                ],
                "{ca:?} {cb:?}"
            );
            // Cells: the cut cell holds both parts; the next row follows at once.
            assert!(t.cells.iter().any(
                |c| (c.row, c.col) == (3, 1) && c.text == "Xây dựng hệ thống báo cáo của tỉnh"
            ));
            assert!(t
                .cells
                .iter()
                .any(|c| (c.row, c.col) == (4, 0) && c.text == "3"));
            assert_eq!(t.cells.iter().map(|c| c.row).max(), Some(4));
        }
        // A total row with an empty item number at the top of the next page is a row of its own
        // (unless the ruling shows the row was cut).
        let total = || budget(6, false, &[["", "Tổng cộng", "1.225", "250"]]);
        for cut in [None, Some(closed)] {
            let j = join_cut_tables(vec![(a(), cut), (total(), cut)]);
            assert_eq!(j[0].rows.len(), 3);
            assert_eq!(j[0].rows[2][1], "Tổng cộng");
        }
        // A first row with an item number of its own is never joined, even with open ruling.
        let next = || budget(6, false, &[["3", "Tập huấn", "90", "0"]]);
        let j = join_cut_tables(vec![(a(), Some(open)), (next(), Some(closed))]);
        assert_eq!(j[0].rows.len(), 3);
    }

    proptest::proptest! {
        /// Joining the parts of a table, cut rows and all, loses and repeats no word: the joined
        /// rows and cells hold exactly the words of the parts' body rows, every row as wide as
        /// the table, every cell inside it.
        #[test]
        fn joining_keeps_every_word_once(
            rows in proptest::collection::vec(
                proptest::collection::vec(proptest::prop_oneof!["", "[1-9](\\.[1-9])?", "[a-e]{1,3}( [a-e]{1,3})?", "Tổng cộng"], 3),
                1..12),
            parts in proptest::collection::vec(1usize..5, 1..4),
            cuts in proptest::collection::vec((proptest::bool::ANY, proptest::bool::ANY, proptest::bool::ANY), 4),
        ) {
            let mut tables = Vec::new();
            let (mut at, mut page) = (0, 3);
            for (k, n) in parts.iter().enumerate() {
                let end = (at + n).min(rows.len());
                if at >= end {
                    break;
                }
                let body: Vec<[&str; 3]> = rows[at..end].iter().map(|r| [r[0].as_str(), r[1].as_str(), r[2].as_str()]).collect();
                let body: Vec<&[&str]> = body.iter().map(|r| &r[..]).collect();
                let header: &[&str] = if k == 0 { &["STT", "Nội dung", "Ghi chú"] } else { &[] };
                let (known, top, bottom) = cuts[k];
                tables.push((table(page, header, &body), known.then_some(Cut { top, bottom })));
                at = end;
                page += 1;
            }
            let words = |rows: &mut dyn Iterator<Item = &String>| {
                let mut w: Vec<String> = rows.flat_map(|c| c.split_whitespace().map(str::to_string)).collect();
                w.sort();
                w
            };
            let want = words(&mut tables.iter().flat_map(|(t, _)| t.rows.iter().flatten()));
            let joined = join_cut_tables(tables);
            proptest::prop_assert_eq!(joined.len(), 1);
            let t = &joined[0];
            proptest::prop_assert!(t.rows.iter().all(|r| r.len() == 3));
            // Item numbers may be put right (a section row's `1` followed by items from `1` is a
            // Roman `I`), so compare the words of the other columns and count.
            let got = words(&mut t.rows.iter().flatten());
            proptest::prop_assert_eq!(got.len(), want.len());
            let number = |w: &str| w.chars().any(|c| c.is_ascii_digit()) || roman_value(w.trim_end_matches('.')).is_some();
            let rest = |ws: &[String]| ws.iter().filter(|w| !number(w)).cloned().collect::<Vec<_>>();
            proptest::prop_assert_eq!(rest(&got), rest(&want));
            let body_cells = words(&mut t.cells.iter().filter(|c| c.row >= 1).map(|c| &c.text));
            proptest::prop_assert_eq!(body_cells.len(), want.len());
            let height = header_rows(t) + t.rows.len() as u32;
            proptest::prop_assert!(t.cells.iter().all(|c| c.row + c.row_span <= height && c.col + c.col_span <= 3));
        }
    }

    #[test]
    fn misread_roman_section_numbers_follow_their_sequence() {
        fn sec<'a>(n: &'a str, title: &'a str) -> [&'a str; 4] {
            [n, title, "", ""]
        }
        fn row(n: &str) -> [&str; 4] {
            [n, "việc", "10", "0"]
        }
        let mut t = budget(
            5,
            true,
            &[
                sec("I", "HẠ TẦNG SỐ"),
                row("1"),
                sec("Hộ", "DỮ LIỆU SỐ"),
                row("2"),
                sec("II", "ỨNG DỤNG SỐ"),
                row("3"),
                sec("IV", "ĐÀO TẠO"),
                row("4"),
            ],
        );
        fix_item_numbers(&mut t);
        let col: Vec<&str> = t.rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(col, ["I", "1", "II", "2", "III", "3", "IV", "4"]);
        assert!(t
            .cells
            .iter()
            .any(|c| (c.row, c.col) == (4, 0) && c.text == "II"));
        // Letters that are not Roman look-alikes, or no agreed sequence, are left alone.
        let mut u = budget(
            1,
            true,
            &[
                sec("A.", "PHẦN MỘT"),
                sec("I", "X"),
                sec("B.", "PHẦN HAI"),
                sec("III", "Y"),
            ],
        );
        fix_item_numbers(&mut u);
        let col: Vec<&str> = u.rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(col, ["A.", "I", "B.", "III"]);
    }

    #[test]
    fn csv_quotes_as_rfc4180() {
        let t = table(
            1,
            &["STT", "Nội dung"],
            &[&["1", "a, \"b\""], &["2", "dòng\nhai"]],
        );
        assert_eq!(
            table_to_csv(&t),
            "STT,Nội dung\r\n1,\"a, \"\"b\"\"\"\r\n2,\"dòng\nhai\"\r\n"
        );
    }

    #[test]
    fn text_rows_fix_a_shifted_header() {
        let rows = vec![
            vec!["STT".into(), "".into(), "Lĩnh vực".into()],
            vec!["1".into(), "CÔNG TÁC".into(), "".into()],
            vec!["1.1".into(), "Thực hiện".into()],
        ];
        let t = table_from_rows(rows);
        assert_eq!(t.header, vec!["STT", "Lĩnh vực"]);
        assert_eq!(
            t.rows,
            vec![vec!["1", "CÔNG TÁC"], vec!["1.1", "Thực hiện"]]
        );
    }

    #[test]
    fn a_two_row_text_header_gives_one_heading_per_column() {
        let split = |l: &str| l.split('\t').map(str::to_string).collect::<Vec<_>>();
        let rows = vec![
            split("STT\tNội dung\tKinh phí (triệu đồng)\t\t\tGhi chú"),
            split("\t\tTổng\tNgân sách tỉnh\tKhác\t"),
            split("1\tMáy tính\t375\t375\t0\t"),
            split("2\tHệ thống\t850\t600\t250\tChuyển tiếp"),
        ];
        let t = table_from_rows(rows);
        assert_eq!(
            t.header,
            [
                "STT",
                "Nội dung",
                "Kinh phí (triệu đồng) - Tổng",
                "Kinh phí (triệu đồng) - Ngân sách tỉnh",
                "Kinh phí (triệu đồng) - Khác",
                "Ghi chú"
            ]
        );
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0], ["1", "Máy tính", "375", "375", "0", ""]);
        let spans = |text: &str| {
            t.cells
                .iter()
                .find(|c| c.text == text)
                .map(|c| (c.row, c.col, c.row_span, c.col_span))
        };
        assert_eq!(spans("STT"), Some((0, 0, 2, 1)));
        assert_eq!(spans("Kinh phí (triệu đồng)"), Some((0, 2, 1, 3)));
        assert_eq!(spans("Khác"), Some((1, 4, 1, 1)));
        assert_eq!(spans("Ghi chú"), Some((0, 5, 2, 1)));
        assert_eq!(spans("850").map(|s| s.0), Some(3));
    }

    #[test]
    fn short_text_row_spans_the_rest() {
        let rows = vec![
            vec!["STT".into(), "Nội dung".into(), "Đơn vị".into()],
            vec!["1".into(), "PHẦN MỘT".into()],
            vec!["1.1".into(), "Việc".into(), "Sở".into()],
        ];
        let t = table_from_rows(rows);
        assert_eq!(t.rows[0], vec!["1", "PHẦN MỘT", ""]);
        assert!(t
            .cells
            .iter()
            .any(|c| c.row == 1 && c.col == 1 && c.col_span == 2));
    }
}
