//! hOCR 1.2 (`<stem>.hocr`): the document as XHTML with `ocr_page` → `ocr_carea` → `ocr_par` →
//! `ocr_line` → `ocrx_word`, each with its `bbox` in page-image pixels, the words with `x_wconf`.
//!
//! A word's content is the corrected text; where it differs from the OCR reading, the reading is in a
//! `data-raw` attribute (hOCR allows any `data-` attribute; its own `alternatives` markup would put
//! both readings into the text that extractors take) and an uncertain change is marked
//! `data-uncertain="true"`. `x_wconf` is the confidence of the content: the restorer's for a changed
//! word, OCR's otherwise, 0..100. Pages without geometry (text inputs) carry no boxes and are left
//! out.

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use vanban_doc::{BBox, Document};

use crate::{blocks, has_geometry, line_box, nfc, placed_words, PRODUCER};

fn bbox(b: BBox) -> String {
    format!("bbox {} {} {} {}", b.x0, b.y0, b.x1, b.y1)
}

/// The hOCR file of a document.
pub fn hocr_html(doc: &Document) -> Vec<u8> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
    write(&mut w, doc).expect("writing to memory cannot fail");
    let mut out = w.into_inner();
    out.push(b'\n');
    out
}

fn write(w: &mut Writer<Vec<u8>>, doc: &Document) -> std::io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.write_event(Event::DocType(BytesText::from_escaped(
        r#"html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd""#,
    )))?;
    let source = nfc(&doc.source.path);
    w.create_element("html")
        .with_attributes([
            ("xmlns", "http://www.w3.org/1999/xhtml"),
            ("xml:lang", "vi"),
            ("lang", "vi"),
        ])
        .write_inner_content(|w| {
            w.create_element("head").write_inner_content(|w| {
                w.create_element("title")
                    .write_text_content(BytesText::new(&crate::document_title(doc)))?;
                w.create_element("meta")
                    .with_attributes([
                        ("http-equiv", "Content-Type"),
                        ("content", "text/html;charset=utf-8"),
                    ])
                    .write_empty()?;
                w.create_element("meta")
                    .with_attributes([("name", "ocr-system"), ("content", PRODUCER)])
                    .write_empty()?;
                w.create_element("meta")
                    .with_attributes([
                        ("name", "ocr-capabilities"),
                        (
                            "content",
                            "ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf",
                        ),
                    ])
                    .write_empty()?;
                Ok(())
            })?;
            w.create_element("body").write_inner_content(|w| {
                for page in doc.pages.iter().filter(|p| has_geometry(p)) {
                    write_page(w, page, &source)?;
                }
                Ok(())
            })?;
            Ok(())
        })?;
    Ok(())
}

fn write_page(
    w: &mut Writer<Vec<u8>>,
    page: &vanban_doc::Page,
    source: &str,
) -> std::io::Result<()> {
    let n = page.number;
    let title = format!(
        "image \"{}\"; bbox 0 0 {} {}; ppageno {}; scan_res {} {}",
        source.replace('"', "'"),
        page.width,
        page.height,
        n - 1,
        page.dpi,
        page.dpi
    );
    let (mut block_no, mut line_no, mut word_no) = (0, 0, 0);
    w.create_element("div")
        .with_attributes([
            ("class", "ocr_page"),
            ("id", &format!("page_{n}")),
            ("title", &title),
        ])
        .write_inner_content(|w| {
            for block in blocks(page) {
                let lines: Vec<_> = block
                    .iter()
                    .map(|l| (l, placed_words(l)))
                    .filter(|(_, ws)| !ws.is_empty())
                    .collect();
                let Some(bb) = lines
                    .iter()
                    .filter_map(|(l, ws)| line_box(l, ws))
                    .reduce(BBox::union)
                else {
                    continue;
                };
                block_no += 1;
                let bt = bbox(bb);
                w.create_element("div")
                    .with_attributes([
                        ("class", "ocr_carea"),
                        ("id", format!("block_{n}_{block_no}").as_str()),
                        ("title", &bt),
                    ])
                    .write_inner_content(|w| {
                        w.create_element("p")
                            .with_attributes([
                                ("class", "ocr_par"),
                                ("id", format!("par_{n}_{block_no}").as_str()),
                                ("lang", "vie"),
                                ("title", &bt),
                            ])
                            .write_inner_content(|w| {
                                for (l, words) in &lines {
                                    line_no += 1;
                                    let lb = line_box(l, words).unwrap_or(bb);
                                    w.create_element("span")
                                        .with_attributes([
                                            ("class", "ocr_line"),
                                            ("id", format!("line_{n}_{line_no}").as_str()),
                                            ("title", &bbox(lb)),
                                        ])
                                        .write_inner_content(|w| {
                                            for word in words {
                                                word_no += 1;
                                                let t = format!(
                                                    "{}; x_wconf {}",
                                                    bbox(word.bbox),
                                                    (word.conf * 100.0).round() as u32
                                                );
                                                let id = format!("word_{n}_{word_no}");
                                                let mut e =
                                                    w.create_element("span").with_attributes([
                                                        ("class", "ocrx_word"),
                                                        ("id", id.as_str()),
                                                        ("title", t.as_str()),
                                                    ]);
                                                if let Some(raw) = &word.raw {
                                                    e = e
                                                        .with_attribute(("data-raw", raw.as_str()));
                                                }
                                                if word.uncertain {
                                                    e = e
                                                        .with_attribute(("data-uncertain", "true"));
                                                }
                                                e.write_text_content(BytesText::new(&word.text))?;
                                            }
                                            Ok(())
                                        })?;
                                }
                                Ok(())
                            })?;
                        Ok(())
                    })?;
            }
            Ok(())
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_carry_boxes_confidences_and_raw_readings() {
        let html = String::from_utf8(hocr_html(&crate::testdoc::doc())).unwrap();
        assert_eq!(html.matches("class=\"ocrx_word\"").count(), 6, "{html}");
        assert_eq!(html.matches("class=\"ocr_line\"").count(), 2);
        assert_eq!(html.matches("class=\"ocr_carea\"").count(), 2);
        assert!(
            html.contains("title=\"bbox 0 0 1000 1400; ppageno 0; scan_res 100 100\"")
                || html.contains("bbox 0 0 1000 1400")
        );
        assert!(html.contains(
            r#"title="bbox 170 100 220 130; x_wconf 80" data-raw="sb" data-uncertain="true">số</span>"#
        ), "{html}");
        assert!(
            html.contains(r#"x_wconf 99">&lt;cải&amp;&gt;</span>"#),
            "{html}"
        );
        assert!(html.contains("<title>Kế hoạch số 67/KH-NV: Cải cách hành chính</title>"));
    }
}
