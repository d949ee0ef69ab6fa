//! ALTO v4 (`<stem>.alto.xml`): `Page` → `PrintSpace` → `TextBlock` → `TextLine` → `String`, with
//! positions in page-image pixels (`MeasurementUnit` `pixel`).
//!
//! A `String`'s `CONTENT` is the corrected word and `WC` its confidence (the restorer's for a changed
//! word, OCR's otherwise, 0..1); where OCR read something else, the reading is the `String`'s
//! `<ALTERNATIVE PURPOSE="ocr">`. Strings of a line are separated by `<SP/>`. Pages without geometry
//! (text inputs) have no positions and are left out.

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use vanban_doc::{BBox, Document, Page};

use crate::{blocks, has_geometry, line_box, nfc, placed_words, PRODUCER};

/// The ALTO v4 namespace.
pub const ALTO_NS: &str = "http://www.loc.gov/standards/alto/ns-v4#";

fn pos(b: BBox) -> [(&'static str, String); 4] {
    [
        ("HPOS", b.x0.to_string()),
        ("VPOS", b.y0.to_string()),
        ("WIDTH", b.width().to_string()),
        ("HEIGHT", b.height().to_string()),
    ]
}

/// The ALTO v4 file of a document.
pub fn alto_xml(doc: &Document) -> Vec<u8> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
    write(&mut w, doc).expect("writing to memory cannot fail");
    let mut out = w.into_inner();
    out.push(b'\n');
    out
}

fn write(w: &mut Writer<Vec<u8>>, doc: &Document) -> std::io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("alto")
        .with_attributes([
            ("xmlns", ALTO_NS),
            ("xmlns:xlink", "http://www.w3.org/1999/xlink"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            (
                "xsi:schemaLocation",
                "http://www.loc.gov/standards/alto/ns-v4# http://www.loc.gov/alto/v4/alto-4-4.xsd",
            ),
        ])
        .write_inner_content(|w| {
            w.create_element("Description").write_inner_content(|w| {
                w.create_element("MeasurementUnit")
                    .write_text_content(BytesText::new("pixel"))?;
                w.create_element("sourceImageInformation")
                    .write_inner_content(|w| {
                        w.create_element("fileName")
                            .write_text_content(BytesText::new(&nfc(&doc.source.path)))?;
                        Ok(())
                    })?;
                w.create_element("Processing")
                    .with_attribute(("ID", "proc1"))
                    .write_inner_content(|w| {
                        w.create_element("processingStepDescription").write_text_content(
                            BytesText::new(
                                "OCR (Tesseract), diacritic restoration and OCR repair; CONTENT is the corrected word, ALTERNATIVE the OCR reading",
                            ),
                        )?;
                        w.create_element("processingSoftware")
                            .write_inner_content(|w| {
                                w.create_element("softwareName")
                                    .write_text_content(BytesText::new(PRODUCER))?;
                                Ok(())
                            })?;
                        Ok(())
                    })?;
                Ok(())
            })?;
            w.create_element("Layout").write_inner_content(|w| {
                for page in doc.pages.iter().filter(|p| has_geometry(p)) {
                    write_page(w, page)?;
                }
                Ok(())
            })?;
            Ok(())
        })?;
    Ok(())
}

fn write_page(w: &mut Writer<Vec<u8>>, page: &Page) -> std::io::Result<()> {
    let n = page.number;
    let full = BBox {
        x0: 0,
        y0: 0,
        x1: page.width,
        y1: page.height,
    };
    let (mut block_no, mut line_no, mut word_no) = (0, 0, 0);
    w.create_element("Page")
        .with_attributes([
            ("ID", format!("p{n}").as_str()),
            ("PHYSICAL_IMG_NR", &n.to_string()),
            ("WIDTH", &page.width.to_string()),
            ("HEIGHT", &page.height.to_string()),
        ])
        .write_inner_content(|w| {
            let ps = pos(full);
            w.create_element("PrintSpace")
                .with_attributes(ps.iter().map(|(k, v)| (*k, v.as_str())))
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
                        let bp = pos(bb);
                        let id = format!("p{n}_b{block_no}");
                        w.create_element("TextBlock")
                            .with_attribute(("ID", id.as_str()))
                            .with_attributes(bp.iter().map(|(k, v)| (*k, v.as_str())))
                            .write_inner_content(|w| {
                                for (l, words) in &lines {
                                    line_no += 1;
                                    let lp = pos(line_box(l, words).unwrap_or(bb));
                                    let id = format!("p{n}_l{line_no}");
                                    w.create_element("TextLine")
                                        .with_attribute(("ID", id.as_str()))
                                        .with_attributes(lp.iter().map(|(k, v)| (*k, v.as_str())))
                                        .write_inner_content(|w| {
                                            for (k, word) in words.iter().enumerate() {
                                                if k > 0 {
                                                    w.create_element("SP").write_empty()?;
                                                }
                                                word_no += 1;
                                                let id = format!("p{n}_w{word_no}");
                                                let wp = pos(word.bbox);
                                                let wc = format!("{:.2}", word.conf);
                                                let e = w
                                                    .create_element("String")
                                                    .with_attribute(("ID", id.as_str()))
                                                    .with_attributes(
                                                        wp.iter().map(|(k, v)| (*k, v.as_str())),
                                                    )
                                                    .with_attribute(("WC", wc.as_str()))
                                                    .with_attribute((
                                                        "CONTENT",
                                                        word.text.as_str(),
                                                    ));
                                                match &word.raw {
                                                    Some(raw) => {
                                                        e.write_inner_content(|w| {
                                                            w.create_element("ALTERNATIVE")
                                                                .with_attribute(("PURPOSE", "ocr"))
                                                                .write_text_content(
                                                                    BytesText::new(raw),
                                                                )?;
                                                            Ok(())
                                                        })?;
                                                    }
                                                    None => {
                                                        e.write_empty()?;
                                                    }
                                                }
                                            }
                                            Ok(())
                                        })?;
                                }
                                Ok(())
                            })?;
                    }
                    Ok(())
                })?;
            Ok(())
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_hold_corrected_words_with_ocr_alternatives() {
        let xml = String::from_utf8(alto_xml(&crate::testdoc::doc())).unwrap();
        assert_eq!(xml.matches("<String ").count(), 6, "{xml}");
        assert_eq!(xml.matches("<TextLine ").count(), 2);
        assert_eq!(xml.matches("<SP/>").count(), 4);
        assert!(xml.contains(
            r#"<String ID="p1_w2" HPOS="170" VPOS="100" WIDTH="50" HEIGHT="30" WC="0.80" CONTENT="số">"#
        ), "{xml}");
        assert!(xml.contains(r#"<ALTERNATIVE PURPOSE="ocr">sb</ALTERNATIVE>"#));
        assert!(xml.contains(r#"CONTENT="&lt;cải&amp;&gt;"/>"#), "{xml}");
        assert!(xml.contains(r#"<Page ID="p1" PHYSICAL_IMG_NR="1" WIDTH="1000" HEIGHT="1400">"#));
    }
}
