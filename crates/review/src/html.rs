//! The review page, `<stem>.review.html`: one self-contained HTML file per document.
//!
//! The page is rendered on the server side: every word is a `<span>` in a line `<div>` of a page
//! `<section>`, a changed word holds `<del>raw</del><ins>restored</ins>`, and one small JSON blob
//! carries what the script needs about the pages (size, image). The inline script (no framework)
//! adds keyboard navigation, the word panel with the page-image region, and the decisions a clerk
//! saves as `<stem>.review.json` (see [`crate::decisions`]). Everything from the document is
//! HTML-escaped, and the script writes data into the page only through `textContent`.

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

/// Appends a `<tr>` of metadata when `value` is present.
fn meta_row(out: &mut String, m: &Metadata, key: &str, label: &str, value: Option<&str>) {
    let Some(v) = value.filter(|v| !v.trim().is_empty()) else {
        return;
    };
    out.push_str("<tr><th>");
    out.push_str(label);
    out.push_str("</th><td>");
    html(out, v);
    if let Some(c) = m.confidence.get(key) {
        let _ = write!(out, " <small>{c:.2}</small>");
    }
    out.push_str("</td></tr>");
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

/// The parts that are present, joined by `sep`.
fn join_present(parts: &[&Option<String>], sep: &str) -> String {
    parts
        .iter()
        .filter_map(|x| x.as_deref())
        .collect::<Vec<_>>()
        .join(sep)
}

fn push_metadata(out: &mut String, m: &Metadata) {
    out.push_str("<section id=\"meta\"><h2>Thông tin văn bản</h2><table class=\"meta\">");
    let start = out.len();
    let fields = [
        ("document_type", "Loại văn bản", &m.document_type),
        ("number", "Số, ký hiệu", &m.number),
        ("issued_date", "Ngày ban hành", &m.issued_date),
        ("place", "Địa danh", &m.place),
        ("issuer", "Cơ quan ban hành", &m.issuer),
        ("parent_issuer", "Cơ quan chủ quản", &m.parent_issuer),
        ("subject", "Trích yếu", &m.subject),
    ];
    for (key, label, value) in fields {
        meta_row(out, m, key, label, value.as_deref());
    }
    if let Some(s) = &m.signer {
        let joined = join_present(&[&s.authority, &s.position, &s.name], " · ");
        meta_row(out, m, "signer", "Người ký", Some(&joined));
    }
    let recipients = m.recipients.join("; ");
    meta_row(out, m, "recipients", "Nơi nhận", Some(&recipients));
    let refs = m
        .references
        .iter()
        .map(|r| join_present(&[&r.document_type, &r.number, &r.issued_date], " "))
        .collect::<Vec<_>>()
        .join("; ");
    meta_row(out, m, "references", "Văn bản dẫn chiếu", Some(&refs));
    if out.len() == start {
        out.push_str("<tr><td>Chưa trích xuất được thông tin nào.</td></tr>");
    }
    out.push_str("</table>");
    if !m.sections.is_empty() {
        out.push_str("<details><summary>Bố cục</summary>");
        push_sections(out, &m.sections);
        out.push_str("</details>");
    }
    out.push_str("</section>\n");
}

fn push_table(out: &mut String, i: usize, t: &Table) {
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
    let _ = write!(out, " · {} dòng</summary><table>", t.rows.len());
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
    for row in &t.rows {
        out.push_str("<tr>");
        for c in row {
            out.push_str("<td>");
            html(out, c);
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
        push_table(&mut out, i, t);
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
        "<button type=\"button\" id=\"vb-rej\">Giữ bản gốc (r)</button>",
        "<form id=\"vb-form\"><input id=\"vb-fix\" lang=\"vi\" autocomplete=\"off\" spellcheck=\"false\" ",
        "aria-label=\"Từ đúng\"> <button>Sửa (e, Enter)</button></form></div>",
        "<p><button type=\"button\" id=\"vb-save\">Lưu quyết định (s)</button> <span id=\"vb-count\">",
        "0 quyết định</span> <a id=\"vb-dl\" hidden></a></p></aside>\n",
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
