//! Markdown (`<stem>.md`): the corrected document for reading and for text tools.
//!
//! The title (type, number, subject) is the `#` heading, followed by the Decree 30 metadata as a
//! list; the body follows page by page: a text block is a paragraph (a line starting with `-` or `+`
//! starts a list item), the headings of the section tree (`metadata.sections`: `I.`, `1.`, `a)`)
//! become `##`, `###`, `####`, and each table is a Markdown table (`|` escaped) where its rows stand
//! on the page; tables whose rows are not found in the page text (text inputs) follow at the end.

use std::collections::HashMap;
use std::fmt::Write as _;

use vanban_doc::{Document, Line, Section, Table, TAB_WORD};

use crate::{blocks, nfc};

/// The Markdown file of a document.
pub fn markdown(doc: &Document) -> Vec<u8> {
    let mut md = String::new();
    let m = &doc.metadata;
    let _ = writeln!(md, "# {}\n", inline(&crate::document_title(doc)));
    let mut facts: Vec<(&str, String)> = Vec::new();
    let mut fact = |k: &'static str, v: Option<&String>| {
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            facts.push((k, v.clone()));
        }
    };
    fact("Loại văn bản", m.document_type.as_ref());
    fact("Số, ký hiệu", m.number.as_ref());
    fact("Ngày ban hành", m.issued_date.as_ref());
    fact("Nơi ban hành", m.place.as_ref());
    fact("Cơ quan ban hành", m.issuer.as_ref());
    fact("Cơ quan chủ quản", m.parent_issuer.as_ref());
    fact("Trích yếu", m.subject.as_ref());
    if let Some(s) = &m.signer {
        let who: Vec<&str> = [&s.authority, &s.position, &s.name]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        if !who.is_empty() {
            facts.push(("Người ký", who.join(" ")));
        }
    }
    for (k, v) in &facts {
        let _ = writeln!(md, "- **{k}:** {}", inline(v));
    }
    if !facts.is_empty() {
        md.push('\n');
    }
    md.push_str("---\n\n");

    let headings = heading_levels(&m.sections);
    let rows = table_rows(&doc.tables);
    let mut written = vec![false; doc.tables.len()];
    for (pi, page) in doc.pages.iter().enumerate() {
        if pi > 0 {
            let _ = writeln!(md, "<!-- trang {} -->\n", page.number);
        }
        for block in blocks(page) {
            // A block most of whose lines are rows of one table is that table.
            if let Some(t) = table_of(block, &rows) {
                if !written[t] {
                    written[t] = true;
                    write_table(&mut md, &doc.tables[t]);
                }
                continue;
            }
            let mut para: Vec<String> = Vec::new();
            let flush = |md: &mut String, para: &mut Vec<String>| {
                if !para.is_empty() {
                    let _ = writeln!(md, "{}\n", para.join(" "));
                    para.clear();
                }
            };
            for line in block {
                let text = line_text(line);
                if text.is_empty() {
                    flush(&mut md, &mut para);
                    continue;
                }
                if let Some(level) = headings.get(&key(&text)) {
                    flush(&mut md, &mut para);
                    let _ = writeln!(md, "{} {}\n", "#".repeat(*level), inline(&text));
                    continue;
                }
                if let Some(rest) = text.strip_prefix("- ").or_else(|| text.strip_prefix("+ ")) {
                    flush(&mut md, &mut para);
                    para.push(format!("- {}", inline(rest)));
                    continue;
                }
                para.push(inline(&text));
            }
            flush(&mut md, &mut para);
        }
    }
    for (t, done) in written.iter().enumerate() {
        if !done {
            write_table(&mut md, &doc.tables[t]);
        }
    }
    while md.ends_with("\n\n") {
        md.pop();
    }
    nfc(&md).into_bytes()
}

/// A line's corrected text, tab markers read as spaces.
fn line_text(line: &Line) -> String {
    let words: Vec<&str> = line
        .words
        .iter()
        .map(|w| w.text.as_str())
        .filter(|t| !t.is_empty() && *t != TAB_WORD)
        .collect();
    words.join(" ")
}

/// Text compared without case, spacing or punctuation differences.
fn key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Markdown heading level by the key of each heading line of the section tree (`-` items are list
/// items, not headings).
fn heading_levels(sections: &[Section]) -> HashMap<String, usize> {
    fn walk(s: &[Section], depth: usize, out: &mut HashMap<String, usize>) {
        for sec in s {
            if sec.label != "-" && sec.label != "+" {
                out.insert(
                    key(&format!("{} {}", sec.label, sec.title)),
                    (depth + 2).min(6),
                );
            }
            walk(&sec.children, depth + 1, out);
        }
    }
    let mut out = HashMap::new();
    walk(sections, 0, &mut out);
    out
}

/// Keys of every header and row of each table.
fn table_rows(tables: &[Table]) -> Vec<std::collections::HashSet<String>> {
    tables
        .iter()
        .map(|t| {
            std::iter::once(&t.header)
                .chain(&t.rows)
                .map(|r| key(&r.join(" ")))
                .filter(|k| !k.is_empty())
                .collect()
        })
        .collect()
}

/// The table whose rows make up most of `block`'s lines.
fn table_of(block: &[Line], rows: &[std::collections::HashSet<String>]) -> Option<usize> {
    let keys: Vec<String> = block
        .iter()
        .map(|l| key(&line_text(l)))
        .filter(|k| !k.is_empty())
        .collect();
    if keys.is_empty() {
        return None;
    }
    rows.iter()
        .enumerate()
        .map(|(t, set)| (t, keys.iter().filter(|k| set.contains(*k)).count()))
        .filter(|&(_, n)| n * 2 > keys.len())
        .max_by_key(|&(_, n)| n)
        .map(|(t, _)| t)
}

fn write_table(md: &mut String, t: &Table) {
    if let Some(title) = &t.title {
        let _ = writeln!(md, "**{}**\n", inline(title));
    }
    let cols = std::iter::once(&t.header)
        .chain(&t.rows)
        .map(Vec::len)
        .max()
        .unwrap_or(0)
        .max(1);
    let row = |md: &mut String, cells: &[String]| {
        md.push('|');
        for c in 0..cols {
            let _ = write!(md, " {} |", cell(cells.get(c).map_or("", String::as_str)));
        }
        md.push('\n');
    };
    row(md, &t.header);
    md.push('|');
    for _ in 0..cols {
        md.push_str(" --- |");
    }
    md.push('\n');
    for r in &t.rows {
        row(md, r);
    }
    md.push('\n');
}

/// A table cell: inline text with `|` escaped and line breaks as spaces.
fn cell(s: &str) -> String {
    inline(&s.split_whitespace().collect::<Vec<_>>().join(" ")).replace('|', "\\|")
}

/// Text with the characters Markdown would read as markup escaped.
fn inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        let at_start = i == 0;
        match c {
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' => {
                out.push('\\');
                out.push(c);
            }
            '#' | '>' if at_start => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_metadata_headings_and_tables() {
        let md = String::from_utf8(markdown(&crate::testdoc::doc())).unwrap();
        assert!(
            md.starts_with("# Kế hoạch số 67/KH-NV: Cải cách hành chính\n"),
            "{md}"
        );
        assert!(md.contains("- **Ngày ban hành:** 2024-03-05\n"));
        assert!(md.contains("\n## I. MỤC ĐÍCH\n"), "{md}");
        assert!(md.contains("Chỉ số \\<cải&>\n"), "{md}");
        assert!(
            md.contains("| TT | Nội dung \\| ghi chú |\n| --- | --- |\n| 1 | Rà soát |\n"),
            "{md}"
        );
    }

    #[test]
    fn a_table_stands_where_its_rows_are() {
        let mut d = crate::testdoc::doc();
        let mut row = d.pages[0].lines[0].clone();
        row.block = 7;
        for (w, t) in row.words.iter_mut().zip(["1", "Rà", "soát"]) {
            w.text = t.into();
        }
        d.pages[0].lines.insert(1, row);
        let md = String::from_utf8(markdown(&d)).unwrap();
        let table = md.find("| 1 | Rà soát |").unwrap();
        assert!(table < md.find("## I. MỤC ĐÍCH").unwrap(), "{md}");
        assert_eq!(md.matches("Rà soát").count(), 1, "{md}");
    }
}
