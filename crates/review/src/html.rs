//! The review page, `<stem>.review.html`: one self-contained HTML file per document.
//!
//! The page is rendered on the server side: every word is a `<span>` in a line `<div>` of a page
//! `<section>`, a changed word holds `<del>raw</del><ins>restored</ins>`, the metadata panel lists
//! every field (empty ones too) with its confidence and evidence box, lowest confidence first, and
//! each table cell carries its position, its box on the scan when its words are found there, and
//! why the extractor doubts it. One small JSON blob carries what the script needs about the pages
//! (size, image) and the decisions saved so far. The inline script (no framework) adds keyboard
//! navigation, the panel with the page-image region of a clicked word, field or cell, the editors,
//! and the decisions (see [`crate::decisions`]): sent to the review server as they are made when
//! the page came from `vanban review` (which puts a token in `<meta name="vanban-token">`),
//! otherwise downloaded as `<stem>.review.json`. Everything from the document is HTML-escaped, and
//! the script writes data into the page only through `textContent`.

use std::fmt::Write as _;

use serde::Serialize;
use vanban_doc::{BBox, Document, Metadata, Origin, Page, Table, Word};

use crate::escape::{html, script_json, url_path};
use crate::{count_changes, is_changed, is_uncertain};

const CSS: &str = include_str!("assets/review.css");
const JS: &str = include_str!("assets/review.js");

/// What the script reads from the embedded JSON blob.
#[derive(Serialize)]
struct PageData<'a> {
    source: &'a str,
    sha256: &'a str,
    pages: Vec<PageInfo>,
    /// The decisions saved so far (shown on the page; the server saves on top of them).
    saved: Option<&'a crate::ReviewDecisions>,
}

#[derive(Serialize)]
struct PageInfo {
    n: u32,
    w: u32,
    h: u32,
    img: Option<String>,
}

/// A page image reference as the `src` of an `<img>`: `data:` URIs and absolute URLs as they are,
/// relative file paths percent-encoded (a `#` or `%` in a file name must not be read as URL syntax).
fn image_src(r: &str) -> String {
    if r.starts_with("data:") || r.contains("://") {
        return r.to_string();
    }
    let mut s = String::with_capacity(r.len() + 8);
    url_path(&mut s, r);
    s
}

fn push_bbox(out: &mut String, b: Option<BBox>) {
    if let Some(b) = b {
        let _ = write!(out, " data-b=\"{} {} {} {}\"", b.x0, b.y0, b.x1, b.y1);
    }
}

/// Writes one word span.
fn push_word(out: &mut String, w: &Word) {
    if !is_changed(w) {
        out.push_str("<span");
        push_bbox(out, w.bbox);
        out.push('>');
        html(out, &w.text);
        out.push_str("</span>");
        return;
    }
    let uncertain = is_uncertain(w);
    out.push_str(if uncertain {
        "<span class=\"c u\""
    } else {
        "<span class=\"c\""
    });
    push_bbox(out, w.bbox);
    let alternatives = w
        .correction
        .as_ref()
        .map(|c| c.alternatives.as_slice())
        .unwrap_or(&[]);
    if let Some(c) = &w.correction {
        let _ = write!(out, " data-k=\"{:.2}\" data-o=\"{:.2}\"", c.conf, w.conf);
        if !alternatives.is_empty() {
            out.push_str(" data-a=\"");
            html(out, &script_json(&alternatives));
            out.push('"');
        }
    }
    out.push_str("><del>");
    html(out, &w.raw);
    out.push_str("</del><ins>");
    html(out, &w.text);
    out.push_str("</ins>");
    if uncertain && !alternatives.is_empty() {
        out.push_str("<small>");
        for (i, a) in alternatives.iter().take(3).enumerate() {
            if i > 0 {
                out.push_str(" · ");
            }
            html(out, a);
        }
        out.push_str("</small>");
    }
    out.push_str("</span>");
}

fn origin_label(o: Origin) -> &'static str {
    match o {
        Origin::Ocr => "ảnh quét, OCR",
        Origin::TextLayer => "lớp chữ PDF",
        Origin::TextFile => "tệp văn bản",
    }
}

fn push_page(out: &mut String, page: &Page) {
    let _ = write!(
        out,
        "<section class=\"page\" id=\"p{n}\" data-p=\"{n}\"><h2>Trang {n} <small>{}",
        origin_label(page.origin),
        n = page.number
    );
    if page.width > 0 {
        let _ = write!(out, " · {}×{} px", page.width, page.height);
        if page.dpi > 0 {
            let _ = write!(out, " · {} dpi", page.dpi);
        }
    }
    out.push_str("</small></h2>\n");
    let mut prev_block = None;
    for (li, line) in page.lines.iter().enumerate() {
        let block_start =
            page.origin != Origin::TextFile && prev_block.is_some_and(|b: u32| b != line.block);
        prev_block = Some(line.block);
        let changed = line.words.iter().any(is_changed);
        out.push_str("<div class=\"l");
        if changed {
            out.push_str(" lc");
        }
        if block_start {
            out.push_str(" bs");
        }
        let _ = write!(out, "\" data-l=\"{li}\"");
        push_bbox(out, line.bbox);
        out.push('>');
        for (wi, w) in line.words.iter().enumerate() {
            if wi > 0 {
                out.push(' ');
            }
            push_word(out, w);
        }
        out.push_str("</div>\n");
    }
    out.push_str("</section>\n");
}

fn push_sections(out: &mut String, sections: &[vanban_doc::Section]) {
    out.push_str("<ul>");
    for s in sections {
        out.push_str("<li>");
        html(out, &s.label);
        out.push(' ');
        html(out, &s.title);
        if let Some(p) = s.page {
            let _ = write!(out, " <small>tr. {p}</small>");
        }
        if !s.children.is_empty() {
            push_sections(out, &s.children);
        }
        out.push_str("</li>");
    }
    out.push_str("</ul>");
}

fn push_evidence(out: &mut String, ev: Option<&vanban_doc::Evidence>) {
    if let Some(e) = ev {
        match e.bbox {
            Some(b) => {
                let _ = write!(
                    out,
                    " data-ev=\"{} {} {} {} {}\"",
                    e.page, b.x0, b.y0, b.x1, b.y1
                );
            }
            None => {
                let _ = write!(out, " data-ev=\"{}\"", e.page);
            }
        }
    }
}

/// The metadata panel: every reviewable field, empty ones included, with its confidence, the scan
/// crop of its evidence (`data-ev`) and an editor; lowest confidence first.
fn push_metadata(out: &mut String, m: &Metadata) {
    out.push_str(concat!(
        "<section id=\"meta\"><h2>Thông tin văn bản <small>(trường kém tin cậy trước; bấm để xem ",
        "trên bản quét và sửa)</small></h2><table class=\"meta\"><thead><tr><th>Trường</th><th>Giá trị</th>",
        "<th>Độ tin cậy</th></tr></thead><tbody>",
    ));
    let mut rows: Vec<(&crate::fields::FieldSpec, f32)> = crate::fields::FIELDS
        .iter()
        .map(|f| (f, crate::fields::field_confidence(m, f)))
        .collect();
    // Empty fields most documents lack (urgency, the signing authority) go last, not first.
    let absent_ok = |f: &crate::fields::FieldSpec| {
        crate::fields::OPTIONAL.contains(&f.key) && crate::fields::field_value(m, f.key).is_none()
    };
    rows.sort_by(|a, b| {
        absent_ok(a.0)
            .cmp(&absent_ok(b.0))
            .then(a.1.total_cmp(&b.1))
    });
    if rows
        .iter()
        .all(|(f, _)| crate::fields::field_value(m, f.key).is_none())
    {
        out.push_str("<tr><td colspan=\"3\">Chưa trích xuất được thông tin nào.</td></tr>");
    }
    for (spec, conf) in rows {
        let value = crate::fields::field_value(m, spec.key);
        let reviewed = m.reviewed.contains_key(spec.key);
        let _ = write!(
            out,
            "<tr class=\"mf{}{}\" data-f=\"{}\"",
            if value.is_none() { " empty" } else { "" },
            if reviewed {
                " rv"
            } else if absent_ok(spec) {
                ""
            } else if conf < 0.6 {
                " low"
            } else {
                ""
            },
            spec.key
        );
        push_evidence(out, m.evidence.get(spec.source));
        out.push_str("><th>");
        out.push_str(spec.label);
        out.push_str("</th><td class=\"mv\">");
        match &value {
            Some(v) => html(out, v),
            None => out.push_str("<i>(trống)</i>"),
        }
        if absent_ok(spec) && !reviewed {
            out.push_str("</td><td class=\"mc\">—");
        } else {
            let _ = write!(out, "</td><td class=\"mc\">{conf:.2}");
        }
        if reviewed {
            out.push_str(" ✓ đã soát");
        }
        out.push_str("</td></tr>");
    }
    out.push_str("</tbody></table>");
    if !m.sections.is_empty() {
        out.push_str("<details><summary>Bố cục</summary>");
        push_sections(out, &m.sections);
        out.push_str("</details>");
    }
    out.push_str("</section>\n");
}

/// Where a table cell stands on its page, found among the page's words (the pipeline writes a
/// scanned table's cells into the page's lines row by row), and whether the restorer changed it.
fn locate_cell(
    doc: &Document,
    t: &Table,
    text: &str,
    cursor: &mut (usize, usize),
) -> Option<(u32, BBox, bool)> {
    let want: Vec<&str> = text.split_whitespace().collect();
    if want.is_empty() {
        return None;
    }
    let pages: Vec<usize> = doc
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| t.pages.contains(&p.number))
        .map(|(i, _)| i)
        .collect();
    for &pi in pages.iter().filter(|&&pi| pi >= cursor.0) {
        let page = &doc.pages[pi];
        let start = if pi == cursor.0 { cursor.1 } else { 0 };
        for (li, line) in page.lines.iter().enumerate().skip(start) {
            let words: Vec<&Word> = line.words.iter().filter(|w| !w.text.is_empty()).collect();
            for s in 0..words.len() {
                let run = words.get(s..s + want.len());
                let Some(run) = run else { break };
                if run.iter().zip(&want).all(|(w, x)| w.text == *x) {
                    let b = run.iter().filter_map(|w| w.bbox).reduce(BBox::union)?;
                    *cursor = (pi, li);
                    return Some((page.number, b, run.iter().any(|w| is_changed(w))));
                }
            }
        }
    }
    None
}

/// True when `s` reads as an STT numbering (`1`, `1.2`, `II`, `A`, `a)`, `-`).
fn stt_shape(s: &str) -> bool {
    let s = s.trim().trim_end_matches(['.', ')']);
    if s.is_empty() || s == "-" || s == "+" || s == "*" {
        return true;
    }
    if s.split('.')
        .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        return true;
    }
    s.chars().all(|c| "IVXLC".contains(c))
        || (s.chars().count() == 1 && s.chars().all(char::is_alphabetic))
}

/// For each body row, whether its STT cell (first column, when the header says STT or TT) is
/// doubtful: not a numbering (`li` for `1.1`), or a number out of sequence. A section row
/// (`A. NHIỆM VỤ TRỌNG TÂM`, a heading in the STT column) starts the numbering again.
fn stt_doubts(t: &Table) -> Vec<bool> {
    let is_stt = t.header.first().is_some_and(|h| {
        matches!(
            h.trim().trim_end_matches('.').to_uppercase().as_str(),
            "STT" | "TT" | "SỐ TT"
        )
    });
    if !is_stt {
        return vec![false; t.rows.len()];
    }
    let mut prev: Option<Vec<u32>> = None;
    t.rows
        .iter()
        .map(|r| {
            let c = r.first().map(String::as_str).unwrap_or("").trim();
            if c.split_whitespace().count() > 1
                && c.chars().filter(|x| x.is_alphabetic()).count() > 3
            {
                prev = None;
                return false;
            }
            if !stt_shape(c) {
                // A misreading (`li` for `1.2`) most likely stands for the next number.
                if let Some(last) = prev.as_mut().and_then(|p| p.last_mut()) {
                    *last = last.saturating_add(1);
                }
                return true;
            }
            let c = c.trim_end_matches(['.', ')']);
            let nums: Option<Vec<u32>> = c.split('.').map(|p| p.parse().ok()).collect();
            let Some(nums) = nums else {
                // A letter or Roman numeral: a new section.
                prev = None;
                return false;
            };
            let ok = match &prev {
                None => true,
                Some(p) => {
                    let (n, k) = (nums.len(), p.len());
                    // Next at the same depth, one deeper starting at 1, or back up a level.
                    let same = n == k
                        && nums[..n - 1] == p[..k - 1]
                        && Some(nums[n - 1]) == p[k - 1].checked_add(1);
                    let deeper = n == k + 1 && nums[..k] == p[..] && nums[n - 1] == 1;
                    let up = n < k
                        && nums[..n - 1] == p[..n - 1]
                        && Some(nums[n - 1]) == p[n - 1].checked_add(1);
                    same || deeper || up
                }
            };
            prev = Some(nums);
            !ok
        })
        .collect()
}

#[cfg(test)]
mod stt_tests {
    use super::*;

    #[test]
    fn stt_misreadings_and_breaks_are_doubtful() {
        let rows = [
            "A. NHIỆM VỤ",
            "1",
            "1.1",
            "li",
            "1.3",
            "tà)",
            "2",
            "4",
            "B. KHÁC",
            "1",
        ];
        let t = Table {
            header: vec!["STT".into(), "Nội dung".into()],
            rows: rows
                .iter()
                .map(|r| vec![r.to_string(), String::new()])
                .collect(),
            ..Table::default()
        };
        let d = stt_doubts(&t);
        let flagged: Vec<&str> = rows
            .iter()
            .zip(&d)
            .filter(|(_, x)| **x)
            .map(|(r, _)| *r)
            .collect();
        assert_eq!(flagged, ["li", "tà)", "4"]);
    }
}

fn push_table(out: &mut String, doc: &Document, i: usize, t: &Table) {
    let open = if t.rows.len() <= 15 { " open" } else { "" };
    let _ = write!(out, "<details class=\"tbl\"{open}><summary>Bảng {}", i + 1);
    if let Some(title) = &t.title {
        out.push_str(" — ");
        html(out, title);
    }
    if let (Some(a), Some(b)) = (t.pages.first(), t.pages.last()) {
        if a == b {
            let _ = write!(out, " · trang {a}");
        } else {
            let _ = write!(out, " · trang {a}–{b}");
        }
    }
    let stt = stt_doubts(t);
    let header = u32::from(!t.header.is_empty());
    let conf = |r: usize, c: usize| {
        t.cells
            .iter()
            .find(|x| x.row == r as u32 + header && x.col == c as u32)
            .map(|x| x.conf)
    };
    let reviewed = |r: usize, c: usize| {
        doc.reviewed_cells
            .iter()
            .any(|x| x.table as usize == i && x.row as usize == r && x.col as usize == c)
    };
    let _ = write!(
        out,
        " · {} dòng</summary><table data-t=\"{i}\">",
        t.rows.len()
    );
    if !t.header.is_empty() {
        out.push_str("<thead><tr>");
        for h in &t.header {
            out.push_str("<th>");
            html(out, h);
            out.push_str("</th>");
        }
        out.push_str("</tr></thead>");
    }
    out.push_str("<tbody>");
    let mut cursor = (0, 0);
    for (r, row) in t.rows.iter().enumerate() {
        out.push_str("<tr>");
        for (c, text) in row.iter().enumerate() {
            let at = locate_cell(doc, t, text, &mut cursor);
            let mut why: Vec<&str> = Vec::new();
            if c == 0 && stt[r] {
                why.push("STT sai thứ tự");
            }
            if conf(r, c).is_some_and(|k| k < 0.6) && !text.trim().is_empty() {
                why.push("OCR kém tin cậy");
            }
            if at.is_some_and(|a| a.2) {
                why.push("đã phục hồi dấu");
            }
            let rv = reviewed(r, c);
            let _ = write!(out, "<td data-r=\"{r}\" data-c=\"{c}\"");
            if rv {
                out.push_str(" class=\"rv\"");
            } else if !why.is_empty() {
                out.push_str(" class=\"dbt\" title=\"");
                html(out, &why.join(", "));
                out.push('"');
            }
            if let Some((p, b, _)) = at {
                let _ = write!(out, " data-ev=\"{p} {} {} {} {}\"", b.x0, b.y0, b.x1, b.y1);
            }
            out.push('>');
            html(out, text);
            out.push_str("</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></details>\n");
}

/// The review page of `doc`. `page_images[i]` is the relative path or `data:` URI of page i+1's
/// image (`None` for text pages, or when the list is shorter); the word panel shows the region of
/// that image under a clicked word.
pub fn review_html(doc: &Document, page_images: &[Option<String>]) -> String {
    review_page(doc, page_images, None)
}

/// The review page of `doc` with the decisions saved so far shown on it (`saved`).
pub fn review_page(
    doc: &Document,
    page_images: &[Option<String>],
    saved: Option<&crate::ReviewDecisions>,
) -> String {
    let words = crate::words(doc).count();
    let (changes, uncertain) = count_changes(doc);
    let mut out = String::with_capacity(CSS.len() + JS.len() + 4096 + words * 48);
    let name = doc
        .source
        .path
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(&doc.source.path);
    out.push_str("<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    out.push_str("<title>");
    html(&mut out, name);
    out.push_str(" — vanban, soát xét</title><style>");
    out.push_str(CSS);
    out.push_str("</style></head>\n<body class=\"v-both\">\n<header><h1>");
    html(&mut out, name);
    out.push_str("</h1><p class=\"sum\">");
    html(&mut out, &doc.source.path);
    let _ = writeln!(
        out,
        " · {} trang · {words} từ · <b>{changes}</b> thay đổi · <b class=\"nu\">{uncertain}</b> chưa chắc chắn</p>",
        doc.pages.len()
    );
    out.push_str(concat!(
        "<p class=\"help\" id=\"vb-help\">Phím: <kbd>j</kbd>/<kbd>n</kbd> thay đổi chưa chắc tiếp · ",
        "<kbd>k</kbd>/<kbd>p</kbd> trước · <kbd>J</kbd>/<kbd>K</kbd> mọi thay đổi · <kbd>a</kbd> đúng · ",
        "<kbd>r</kbd> giữ bản gốc · <kbd>e</kbd> sửa · <kbd>1</kbd>–<kbd>9</kbd> chọn phương án · ",
        "<kbd>u</kbd> bỏ quyết định · <kbd>s</kbd> lưu quyết định</p>\n",
        "<p class=\"ctl\"><label><input type=\"radio\" name=\"vb-view\" value=\"v-both\" checked> Gốc và sửa</label> ",
        "<label><input type=\"radio\" name=\"vb-view\" value=\"v-new\"> Chỉ bản sửa</label> ",
        "<label><input type=\"radio\" name=\"vb-view\" value=\"v-raw\"> Chỉ bản gốc</label> ",
        "<label><input type=\"checkbox\" id=\"vb-only\"> Chỉ dòng có thay đổi</label></p>\n",
    ));
    push_metadata(&mut out, &doc.metadata);
    for (i, t) in doc.tables.iter().enumerate() {
        push_table(&mut out, doc, i, t);
    }
    out.push_str("</header>\n<main>\n");
    for page in &doc.pages {
        push_page(&mut out, page);
    }
    out.push_str(concat!(
        "</main>\n<aside id=\"vb-panel\"><div id=\"vb-crop\" hidden><img id=\"vb-img\" alt=\"\">",
        "<div id=\"vb-box\"></div></div><div id=\"vb-word\" aria-live=\"polite\"><p class=\"hint\">Bấm vào một từ, hoặc nhấn ",
        "<kbd>j</kbd> để đến thay đổi chưa chắc đầu tiên.</p></div>",
        "<div id=\"vb-act\" hidden><button type=\"button\" id=\"vb-acc\">Đúng (a)</button> ",
        "<button type=\"button\" id=\"vb-rej\">Giữ bản gốc (r)</button> ",
        "<label title=\"Giữ bản gốc của một tên riêng: học tên vào từ điển người dùng\">",
        "<input type=\"checkbox\" id=\"vb-name\"> là tên riêng</label>",
        "<form id=\"vb-form\"><input id=\"vb-fix\" lang=\"vi\" autocomplete=\"off\" spellcheck=\"false\" ",
        "aria-label=\"Từ đúng\"> <button>Sửa (e, Enter)</button></form></div>",
        "<div id=\"vb-item\" hidden><p id=\"vb-item-what\"></p><form id=\"vb-item-form\">",
        "<input id=\"vb-item-val\" lang=\"vi\" autocomplete=\"off\" spellcheck=\"false\" aria-label=\"Giá trị đúng\"> ",
        "<button>Lưu giá trị</button></form></div>",
        "<p><button type=\"button\" id=\"vb-save\">Lưu quyết định (s)</button> <span id=\"vb-count\">",
        "0 quyết định</span> <a id=\"vb-dl\" hidden></a></p><p id=\"vb-status\" aria-live=\"polite\"></p></aside>\n",
    ));
    let data = PageData {
        source: &doc.source.path,
        sha256: &doc.source.sha256,
        pages: doc
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| PageInfo {
                n: p.number,
                w: p.width,
                h: p.height,
                img: page_images.get(i).and_then(|x| x.as_deref()).map(image_src),
            })
            .collect(),
        saved,
    };
    out.push_str("<script type=\"application/json\" id=\"vb-data\">");
    out.push_str(&script_json(&data));
    out.push_str("</script>\n<script>");
    out.push_str(JS);
    out.push_str("</script>\n</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use vanban_doc::{Correction, Line, Source};

    fn word(raw: &str, text: &str, uncertain: Option<(bool, &[&str])>, x: u32) -> Word {
        let mut w = Word::new(
            raw,
            Some(BBox {
                x0: x,
                y0: 10,
                x1: x + 50,
                y1: 30,
            }),
            0.9,
        );
        w.text = text.into();
        w.correction = uncertain.map(|(u, alts)| Correction {
            conf: 0.4,
            alternatives: alts.iter().map(|a| a.to_string()).collect(),
            uncertain: u,
        });
        w
    }

    /// A realistic page: `lines` lines of 12 words, every 8th changed, every 40th uncertain.
    fn page(number: u32, lines: u32) -> Page {
        let mut out = Vec::new();
        for l in 0..lines {
            let words = (0..12)
                .map(|i| {
                    let n = l * 12 + i;
                    let mut w = word("nguoi", "nguoi", None, 100 + i * 150);
                    if n % 8 == 0 {
                        w = word(
                            "nguoi",
                            "người",
                            Some((n % 40 == 0, &["ngươi", "ngưới"])),
                            100 + i * 150,
                        );
                    }
                    w.bbox = w.bbox.map(|b| BBox {
                        y0: 100 + l * 60,
                        y1: 140 + l * 60,
                        ..b
                    });
                    w
                })
                .collect::<Vec<_>>();
            let bbox = words.iter().filter_map(|w| w.bbox).reduce(BBox::union);
            out.push(Line {
                bbox,
                block: l / 6,
                words,
            });
        }
        Page {
            number,
            width: 2480,
            height: 3508,
            dpi: 300,
            origin: Origin::Ocr,
            lines: out,
        }
    }

    fn source() -> Source {
        Source {
            path: "in/a&b.pdf".into(),
            sha256: "00ff".into(),
            pages: 1,
        }
    }

    #[test]
    fn every_change_is_highlighted_and_every_text_escaped() {
        let mut doc = Document::new(
            source(),
            vec![Page {
                lines: vec![Line {
                    bbox: None,
                    block: 0,
                    words: vec![
                        word("<script>", "<script>", None, 0),
                        word("Chi", "Chỉ", Some((false, &[])), 60),
                        word("so", "số", Some((true, &["sớ", "</script>"])), 120),
                        word("a\"b", "a'b", None, 180),
                    ],
                }],
                ..page(1, 0)
            }],
        );
        doc.metadata.subject = Some("Cải cách <hành chính> & \"khác\"".into());
        let html = review_html(&doc, &[Some("a&b #1.page-1.jpg".into())]);
        assert!(
            !html.contains("<script>&"),
            "raw text must not open elements"
        );
        assert_eq!(
            html.matches("<script").count(),
            2,
            "only the page's own scripts"
        );
        assert!(html.contains("<span data-b=\"0 10 50 30\">&lt;script&gt;</span>"));
        assert!(html.contains("<span class=\"c\" data-b=\"60 10 110 30\" data-k=\"0.40\" data-o=\"0.90\"><del>Chi</del><ins>Chỉ</ins></span>"));
        assert!(html.contains("<span class=\"c u\""));
        assert!(html.contains("<del>so</del><ins>số</ins><small>sớ · &lt;/script&gt;</small>"));
        assert!(
            html.contains("<del>a&quot;b</del><ins>a&#39;b</ins>"),
            "a changed word without correction still shows"
        );
        assert!(html.contains("Cải cách &lt;hành chính&gt; &amp; &quot;khác&quot;"));
        assert!(html.contains("\"img\":\"a%26b%20%231.page-1.jpg\""));
        let inline = review_html(&doc, &[Some("data:image/jpeg;base64,/9j/4A==".into())]);
        assert!(inline.contains("\"img\":\"data:image/jpeg;base64,/9j/4A==\""));
        assert!(
            html.find("id=\"meta\"").unwrap() < html.find("<main>").unwrap(),
            "metadata on top"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_word_text_stays_text(raw in "[<>&\"'a-zà-ỹ /]{0,12}", text in "[<>&\"'a-zà-ỹ /]{0,12}") {
            let doc = Document::new(source(), vec![Page {
                lines: vec![Line { bbox: None, block: 0, words: vec![word(&raw, &text, Some((true, &["<x>"])), 0)] }],
                ..page(1, 0)
            }]);
            let html = review_html(&doc, &[]);
            let main = &html[html.find("<main>").unwrap()..html.find("</main>").unwrap()];
            let mut rest = main.to_string();
            for tag in ["<main>", "<section ", "<h2>", "</h2>", "<small>", "</small>", "<div ", "</div>",
                        "<span ", "</span>", "<del>", "</del>", "<ins>", "</ins>", "</section>"] {
                rest = rest.replace(tag, "");
            }
            proptest::prop_assert!(!rest.contains('<'), "stray markup in {main}");
            let del = main.split("<del>").nth(1).and_then(|s| s.split("</del>").next()).unwrap();
            let back = del.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&amp;", "&");
            proptest::prop_assert_eq!(back, raw);
        }
    }

    #[test]
    fn metadata_panel_lists_every_field_missing_and_doubtful_first() {
        let mut doc = Document::new(source(), vec![page(1, 1)]);
        let m = &mut doc.metadata;
        m.document_type = Some("Kế hoạch".into());
        m.issuer = Some("Sở Ngoại vụ".into());
        m.confidence.insert("document_type".into(), 0.95);
        m.confidence.insert("issuer".into(), 0.4);
        m.evidence.insert(
            "issuer".into(),
            vanban_doc::Evidence {
                page: 1,
                bbox: Some(BBox {
                    x0: 1,
                    y0: 2,
                    x1: 3,
                    y1: 4,
                }),
                text: "SỞ NGOẠI VỤ".into(),
            },
        );
        let html = review_html(&doc, &[]);
        let panel =
            &html[html.find("id=\"meta\"").unwrap()..html.find("</tbody></table>").unwrap()];
        let order: Vec<&str> = panel
            .split("data-f=\"")
            .skip(1)
            .map(|r| &r[..r.find('"').unwrap()])
            .collect();
        assert_eq!(
            order.len(),
            crate::FIELDS.len(),
            "every field, empty ones included"
        );
        assert_eq!(order[0], "number", "a missing number comes first");
        assert_eq!(
            order.iter().position(|k| *k == "issuer"),
            Some(7),
            "the 7 missing fields, then the doubtful one"
        );
        assert_eq!(order[8], "document_type");
        let mut last = order[9..].to_vec();
        last.sort();
        assert_eq!(
            last,
            ["parent_issuer", "signer.authority", "urgency"],
            "fields most documents lack, when empty, last"
        );
        assert!(html.contains("class=\"mf low\" data-f=\"issuer\" data-ev=\"1 1 2 3 4\""));
        assert!(html.contains("<i>(trống)</i>"));
    }

    #[test]
    fn text_pages_render_without_boxes_or_images() {
        let mut p = page(1, 2);
        p.origin = Origin::TextFile;
        for w in p.lines.iter_mut().flat_map(|l| &mut l.words) {
            w.bbox = None;
        }
        p.lines.iter_mut().for_each(|l| l.bbox = None);
        let html = review_html(&Document::new(source(), vec![p]), &[]);
        assert!(!html.contains("data-b="));
        assert!(html.contains("\"img\":null"));
        assert!(html.contains("tệp văn bản"));
        assert!(html.contains("Chưa trích xuất được thông tin nào."));
    }

    #[test]
    fn five_page_scan_stays_far_under_two_megabytes() {
        let doc = Document::new(source(), (1..=5).map(|n| page(n, 45)).collect());
        let images: Vec<Option<String>> =
            (1..=5).map(|n| Some(format!("a.page-{n}.jpg"))).collect();
        let html = review_html(&doc, &images);
        let words = 5 * 45 * 12;
        let main = &html[html.find("<main>").unwrap()..html.find("</main>").unwrap()];
        assert_eq!(main.matches("<span").count(), words);
        assert!(html.len() < 2_000_000, "{} bytes", html.len());
        assert!(
            html.len() < 400_000,
            "{} bytes for {words} words",
            html.len()
        );
    }
}
