//! The batch index, `<out>/index.html`: one row per input with its counts or its failure, linking
//! to each review page, sortable by any column (most uncertain first by default).

use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};
use vanban_doc::Document;

use crate::escape::{html, script_json, url_path};
use crate::ReviewError;

/// File name of the batch index in the output folder.
pub const INDEX: &str = "index.html";

/// One document of a batch, as the index lists it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
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
    /// Document type (`Công văn`, …).
    pub document_type: Option<String>,
    /// Number and symbol.
    pub number: Option<String>,
    /// Issue date, ISO.
    pub issued_date: Option<String>,
    /// Issuing body.
    pub issuer: Option<String>,
    /// Main fields (type, number, date, issuer, subject, signer) not found.
    pub missing: u32,
    /// Main fields found with a confidence under 0.6 and not reviewed.
    pub doubtful: u32,
    /// Words, fields and cells a clerk reviewed.
    pub reviewed: u32,
}

/// The main fields the index counts as missing or doubtful.
const MAIN_FIELDS: [&str; 6] = [
    "document_type",
    "number",
    "issued_date",
    "issuer",
    "subject",
    "signer.name",
];

impl IndexEntry {
    /// The entry of a document that went through, with its counts taken from the words.
    pub fn for_document(doc: &Document, output_stem: impl Into<String>) -> IndexEntry {
        let (changes, uncertain) = crate::count_changes(doc);
        let m = &doc.metadata;
        let mut missing = 0;
        let mut doubtful = 0;
        for key in MAIN_FIELDS {
            let Some(spec) = crate::fields::field(key) else {
                continue;
            };
            if crate::fields::field_value(m, key).is_none() {
                missing += u32::from(!m.reviewed.contains_key(key));
            } else if crate::fields::field_confidence(m, spec) < 0.6 {
                doubtful += 1;
            }
        }
        let reviewed = crate::words(doc).filter(|w| w.reviewed.is_some()).count()
            + m.reviewed.len()
            + doc.reviewed_cells.len();
        IndexEntry {
            output_stem: output_stem.into(),
            source: doc.source.path.clone(),
            pages: u32::try_from(doc.pages.len()).unwrap_or(u32::MAX),
            changes,
            uncertain,
            failure: None,
            document_type: m.document_type.clone(),
            number: m.number.clone(),
            issued_date: m.issued_date.clone(),
            issuer: m.issuer.clone(),
            missing,
            doubtful,
            reviewed: u32::try_from(reviewed).unwrap_or(u32::MAX),
        }
    }

    /// The entry of a finished document from its `<stem>.json` at `json` (the counts given are
    /// kept when the file cannot be read).
    pub fn from_outputs(
        output_stem: impl Into<String>,
        source: impl Into<String>,
        (pages, changes, uncertain): (u32, u32, u32),
        json: &Path,
    ) -> IndexEntry {
        let output_stem = output_stem.into();
        match crate::read_document(json) {
            Ok(doc) => IndexEntry::for_document(&doc, output_stem),
            Err(_) => IndexEntry {
                output_stem,
                source: source.into(),
                pages,
                changes,
                uncertain,
                ..IndexEntry::default()
            },
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

/// The entries embedded in an index page (`None` when it is not one this version wrote).
fn entries_of(page: &str) -> Option<Vec<IndexEntry>> {
    let start = page.find(BLOB_OPEN)? + BLOB_OPEN.len();
    let end = start + page[start..].find("</script>")?;
    serde_json::from_str(&page[start..end]).ok()
}

const BLOB_OPEN: &str = "<script type=\"application/json\" id=\"vb-index\">";

/// Brings the row of the document at output path `stem` up to date in the `index.html` of the
/// nearest folder above it whose index lists it (nothing when none does).
pub fn update_index_for(stem: &Path, doc: &Document) -> Result<(), ReviewError> {
    for dir in stem.ancestors().skip(1) {
        let index = dir.join(INDEX);
        let Ok(page) = std::fs::read_to_string(&index) else {
            continue;
        };
        let Some(mut entries) = entries_of(&page) else {
            continue;
        };
        let Ok(rel) = stem.strip_prefix(dir) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let Some(e) = entries
            .iter_mut()
            .find(|e| e.output_stem == rel && e.failure.is_none())
        else {
            continue;
        };
        *e = IndexEntry {
            source: e.source.clone(),
            ..IndexEntry::for_document(doc, rel)
        };
        vanban_doc::write_atomic(&index, index_html(&entries).as_bytes())?;
        return Ok(());
    }
    Ok(())
}

const CSS: &str = concat!(
    "body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#111}",
    "table{border-collapse:collapse}th,td{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left}",
    "td.n,th.n{text-align:right}th{cursor:pointer;user-select:none;background:#f4f4f0}",
    "th[aria-sort=ascending]::after{content:' ▲'}th[aria-sort=descending]::after{content:' ▼'}",
    "tr.fail td{color:#991b1b;background:#fef2f2}.u{color:#b45309;font-weight:600}.miss{color:#b91c1c}",
);

const JS: &str = r#"(function(){'use strict';
var t=document.getElementById('docs'),b=t.tBodies[0],hs=[].slice.call(t.tHead.rows[0].cells);
function v(r,i){var c=r.cells[i];return c.dataset.v!==undefined?+c.dataset.v:c.textContent.toLowerCase();}
function sort(i,dir){var rows=[].slice.call(b.rows);rows.sort(function(x,y){var a=v(x,i),c=v(y,i);return (a<c?-1:a>c?1:0)*dir;});
rows.forEach(function(r){b.appendChild(r);});hs.forEach(function(h,j){if(j===i)h.setAttribute('aria-sort',dir>0?'ascending':'descending');else h.removeAttribute('aria-sort');});}
hs.forEach(function(h,i){h.tabIndex=0;function go(){var s=h.getAttribute('aria-sort');sort(i,s?(s==='descending'?1:-1):(h.classList.contains('n')?-1:1));}
h.addEventListener('click',go);h.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();go();}});});
})();"#;

/// How much a document needs a clerk's look: missing and doubtful main fields, then uncertain changes.
fn need(e: &IndexEntry) -> (bool, u32, u32, u32) {
    (
        e.failure.is_some(),
        e.missing + e.doubtful,
        e.uncertain,
        e.changes,
    )
}

/// The batch index page listing `entries`, what most needs review first (failures on top, then
/// missing or doubtful fields, then uncertain changes). Every text on it is Vietnamese (a failure's
/// reason as the CLI gave it, after a Vietnamese label).
pub fn index_html(entries: &[IndexEntry]) -> String {
    let mut order: Vec<&IndexEntry> = entries.iter().collect();
    order.sort_by(|a, b| {
        need(b)
            .cmp(&need(a))
            .then(a.output_stem.cmp(&b.output_stem))
    });
    let failures = entries.iter().filter(|e| e.failure.is_some()).count();
    let sum = |f: fn(&IndexEntry) -> u32| entries.iter().map(|e| u64::from(f(e))).sum::<u64>();
    let mut out = String::with_capacity(2048 + entries.len() * 512);
    out.push_str("<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">");
    out.push_str("<title>vanban — danh sách văn bản</title><style>");
    out.push_str(CSS);
    out.push_str("</style></head>\n<body><h1>Danh sách văn bản</h1>\n");
    let _ = writeln!(
        out,
        "<p>{} văn bản · {} trang · {} thay đổi · <span class=\"u\">{} chưa chắc chắn</span> · {failures} lỗi. \
         Văn bản cần soát nhất ở trên (trường thiếu hoặc chưa chắc, rồi thay đổi chưa chắc). \
         Bấm vào tiêu đề cột để sắp xếp.</p>",
        entries.len(),
        sum(|e| e.pages),
        sum(|e| e.changes),
        sum(|e| e.uncertain),
    );
    out.push_str(concat!(
        "<table id=\"docs\"><thead><tr><th>Văn bản</th><th>Loại</th><th>Số, ký hiệu</th><th>Ngày ban hành</th>",
        "<th>Cơ quan ban hành</th><th class=\"n\" aria-sort=\"descending\">Cần soát</th>",
        "<th class=\"n\">Trang</th><th class=\"n\">Thay đổi</th><th class=\"n\">Chưa chắc chắn</th>",
        "<th class=\"n\">Tỉ lệ chưa chắc</th><th class=\"n\">Đã soát</th><th>Tệp nguồn</th><th>Lỗi</th></tr></thead><tbody>\n",
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
        for v in [&e.document_type, &e.number, &e.issued_date, &e.issuer] {
            out.push_str("</td><td>");
            match v {
                Some(v) => html(&mut out, v),
                None if e.failure.is_none() => out.push_str("<span class=\"miss\">(thiếu)</span>"),
                None => {}
            }
        }
        let rate = if e.changes > 0 {
            f64::from(e.uncertain) / f64::from(e.changes)
        } else {
            0.0
        };
        let needs = e.missing + e.doubtful;
        let _ = write!(
            out,
            "</td><td class=\"n u\" data-v=\"{needs}\" title=\"{} trường thiếu, {} trường chưa chắc\">{needs}</td>\
             <td class=\"n\" data-v=\"{p}\">{p}</td><td class=\"n\" data-v=\"{c}\">{c}</td>\
             <td class=\"n u\" data-v=\"{u}\">{u}</td><td class=\"n\" data-v=\"{rate:.4}\">{pct:.0}%</td>\
             <td class=\"n\" data-v=\"{r}\">{r}</td><td>",
            e.missing,
            e.doubtful,
            p = e.pages,
            c = e.changes,
            u = e.uncertain,
            r = e.reviewed,
            pct = rate * 100.0,
        );
        html(&mut out, &e.source);
        out.push_str("</td><td>");
        if let Some(f) = &e.failure {
            out.push_str("Không xử lý được: ");
            html(&mut out, f);
        }
        out.push_str("</td></tr>\n");
    }
    out.push_str("</tbody></table>\n");
    out.push_str(BLOB_OPEN);
    out.push_str(&script_json(&entries));
    out.push_str("</script>\n<script>");
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
            ..IndexEntry::default()
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

    #[test]
    fn missing_fields_come_first_failures_say_so_in_vietnamese_and_rows_update() {
        let mut a = entry("a", 50, 9, None);
        a.number = Some("12/KH-UB".into());
        let mut b = entry("b", 1, 0, None);
        b.missing = 2;
        let page = index_html(&[
            a.clone(),
            b,
            IndexEntry::failed("", "in/x.pdf", "not a PDF"),
        ]);
        let (x, bb, aa) = (page.find("in/x.pdf"), page.find(">b<"), page.find(">a<"));
        assert!(
            x < bb && bb < aa,
            "failure, then missing fields, then uncertain changes"
        );
        assert!(page.contains("Không xử lý được: not a PDF"));
        assert!(page.contains("12/KH-UB") && page.contains("(thiếu)"));

        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        a.output_stem = "sub/a".into();
        std::fs::write(dir.path().join(INDEX), index_html(&[a])).unwrap();
        let mut doc = Document::new(
            vanban_doc::Source {
                path: "in/sub/a.pdf".into(),
                sha256: String::new(),
                pages: 0,
            },
            Vec::new(),
        );
        doc.metadata.number = Some("13/KH-UB".into());
        update_index_for(&dir.path().join("sub/a"), &doc).unwrap();
        let page = std::fs::read_to_string(dir.path().join(INDEX)).unwrap();
        assert!(
            page.contains("13/KH-UB") && !page.contains("12/KH-UB"),
            "{page}"
        );
        assert!(
            page.contains("in/a.pdf"),
            "the input as the batch named it stays"
        );
    }
}
