//! The batch index, `<out>/index.html`: one row per input with its counts or its failure, linking
//! to each review page, sortable by any column (most uncertain first by default).

use std::fmt::Write as _;

use vanban_doc::Document;

use crate::escape::{html, url_path};

/// One document of a batch, as the index lists it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndexEntry {
    /// Path of `<stem>` relative to the output folder (`/`-separated), e.g. `2023/ke-hoach-67`.
    pub output_stem: String,
    /// The input file as given.
    pub source: String,
    /// Number of pages.
    pub pages: u32,
    /// Words the restorer changed.
    pub changes: u32,
    /// Changes marked uncertain.
    pub uncertain: u32,
    /// Why the document failed, when it did (then there is no review page to link to).
    pub failure: Option<String>,
}

impl IndexEntry {
    /// The entry of a document that went through, with its counts taken from the words.
    pub fn for_document(doc: &Document, output_stem: impl Into<String>) -> IndexEntry {
        let (changes, uncertain) = crate::count_changes(doc);
        IndexEntry {
            output_stem: output_stem.into(),
            source: doc.source.path.clone(),
            pages: u32::try_from(doc.pages.len()).unwrap_or(u32::MAX),
            changes,
            uncertain,
            failure: None,
        }
    }

    /// The entry of an input that failed, with the cause as the CLI reported it.
    pub fn failed(
        output_stem: impl Into<String>,
        source: impl Into<String>,
        failure: impl Into<String>,
    ) -> IndexEntry {
        IndexEntry {
            output_stem: output_stem.into(),
            source: source.into(),
            failure: Some(failure.into()),
            ..IndexEntry::default()
        }
    }
}

const CSS: &str = concat!(
    "body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#111}",
    "table{border-collapse:collapse}th,td{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left}",
    "td.n,th.n{text-align:right}th{cursor:pointer;user-select:none;background:#f4f4f0}",
    "th[aria-sort=ascending]::after{content:' ▲'}th[aria-sort=descending]::after{content:' ▼'}",
    "tr.fail td{color:#991b1b;background:#fef2f2}.u{color:#b45309;font-weight:600}",
);

const JS: &str = r#"(function(){'use strict';
var t=document.getElementById('docs'),b=t.tBodies[0],hs=[].slice.call(t.tHead.rows[0].cells);
function v(r,i){var c=r.cells[i];return c.dataset.v!==undefined?+c.dataset.v:c.textContent.toLowerCase();}
function sort(i,dir){var rows=[].slice.call(b.rows);rows.sort(function(x,y){var a=v(x,i),c=v(y,i);return (a<c?-1:a>c?1:0)*dir;});
rows.forEach(function(r){b.appendChild(r);});hs.forEach(function(h,j){if(j===i)h.setAttribute('aria-sort',dir>0?'ascending':'descending');else h.removeAttribute('aria-sort');});}
hs.forEach(function(h,i){h.tabIndex=0;function go(){var s=h.getAttribute('aria-sort');sort(i,s?(s==='descending'?1:-1):(h.classList.contains('n')?-1:1));}
h.addEventListener('click',go);h.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();go();}});});
})();"#;

/// The batch index page listing `entries`, most uncertain changes first (failures on top).
pub fn index_html(entries: &[IndexEntry]) -> String {
    let mut order: Vec<&IndexEntry> = entries.iter().collect();
    order.sort_by(|a, b| {
        b.failure
            .is_some()
            .cmp(&a.failure.is_some())
            .then(b.uncertain.cmp(&a.uncertain))
            .then(b.changes.cmp(&a.changes))
            .then(a.output_stem.cmp(&b.output_stem))
    });
    let failures = entries.iter().filter(|e| e.failure.is_some()).count();
    let sum = |f: fn(&IndexEntry) -> u32| entries.iter().map(|e| u64::from(f(e))).sum::<u64>();
    let mut out = String::with_capacity(2048 + entries.len() * 256);
    out.push_str("<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">");
    out.push_str("<title>vanban — danh sách văn bản</title><style>");
    out.push_str(CSS);
    out.push_str("</style></head>\n<body><h1>Danh sách văn bản</h1>\n");
    let _ = writeln!(
        out,
        "<p>{} văn bản · {} trang · {} thay đổi · <span class=\"u\">{} chưa chắc chắn</span> · {failures} lỗi. \
         Bấm vào tiêu đề cột để sắp xếp.</p>",
        entries.len(),
        sum(|e| e.pages),
        sum(|e| e.changes),
        sum(|e| e.uncertain),
    );
    out.push_str(concat!(
        "<table id=\"docs\"><thead><tr><th>Văn bản</th><th>Tệp nguồn</th><th class=\"n\">Trang</th>",
        "<th class=\"n\">Thay đổi</th><th class=\"n\" aria-sort=\"descending\">Chưa chắc chắn</th>",
        "<th class=\"n\">Tỉ lệ chưa chắc</th><th>Lỗi</th></tr></thead><tbody>\n",
    ));
    for e in order {
        out.push_str(if e.failure.is_some() {
            "<tr class=\"fail\"><td>"
        } else {
            "<tr><td>"
        });
        if e.failure.is_none() {
            out.push_str("<a href=\"");
            url_path(&mut out, &e.output_stem);
            out.push_str(".review.html\">");
            html(&mut out, &e.output_stem);
            out.push_str("</a>");
        } else {
            html(&mut out, &e.output_stem);
        }
        out.push_str("</td><td>");
        html(&mut out, &e.source);
        let rate = if e.changes > 0 {
            f64::from(e.uncertain) / f64::from(e.changes)
        } else {
            0.0
        };
        let _ = write!(
            out,
            "</td><td class=\"n\" data-v=\"{p}\">{p}</td><td class=\"n\" data-v=\"{c}\">{c}</td>\
             <td class=\"n u\" data-v=\"{u}\">{u}</td><td class=\"n\" data-v=\"{rate:.4}\">{pct:.0}%</td><td>",
            p = e.pages,
            c = e.changes,
            u = e.uncertain,
            pct = rate * 100.0,
        );
        if let Some(f) = &e.failure {
            html(&mut out, f);
        }
        out.push_str("</td></tr>\n");
    }
    out.push_str("</tbody></table>\n<script>");
    out.push_str(JS);
    out.push_str("</script></body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(stem: &str, changes: u32, uncertain: u32, failure: Option<&str>) -> IndexEntry {
        IndexEntry {
            output_stem: stem.into(),
            source: format!("in/{stem}.pdf"),
            pages: 2,
            changes,
            uncertain,
            failure: failure.map(Into::into),
        }
    }

    #[test]
    fn index_links_each_review_page_and_orders_by_uncertainty() {
        let page = index_html(&[
            entry("a", 10, 1, None),
            entry("sub/b c", 5, 4, None),
            IndexEntry::failed("bad", "in/bad.pdf", "in/bad.pdf: not a PDF <header>"),
        ]);
        assert!(page.contains("<a href=\"sub/b%20c.review.html\">sub/b c</a>"));
        assert!(page.contains("<a href=\"a.review.html\">a</a>"));
        assert!(
            !page.contains("bad.review.html"),
            "a failed input has no review page"
        );
        assert!(page.contains("not a PDF &lt;header&gt;"));
        let (bad, b, a) = (page.find(">bad<"), page.find(">sub/b c<"), page.find(">a<"));
        assert!(bad < b && b < a, "failures first, then most uncertain");
        assert!(page.contains("3 văn bản · 4 trang · 15 thay đổi"));
        assert!(page.contains("data-v=\"0.8000\">80%"));
    }
}
