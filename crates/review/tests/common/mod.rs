//! A small scanned document built in code, with real page images, shared by the end-to-end tests.
#![allow(dead_code)]

pub mod chromium;

use std::path::Path;

use vanban_doc::{BBox, Correction, Document, Line, Origin, Page, Source, Word};

/// Page size in pixels of the (virtual) 150 dpi scan.
pub const PAGE_W: u32 = 1240;
/// Page height.
pub const PAGE_H: u32 = 1754;

/// A word spec: raw, restored (None = unchanged), uncertain, alternatives.
pub type Spec = (
    &'static str,
    Option<&'static str>,
    bool,
    &'static [&'static str],
);

fn lines_page1() -> Vec<(u32, Vec<Spec>)> {
    vec![
        (
            0,
            vec![
                ("UBND", None, false, &[]),
                ("TINH", Some("TỈNH"), false, &[]),
                ("BINH", Some("BÌNH"), false, &[]),
                ("PHUOC", Some("PHƯỚC"), false, &[]),
            ],
        ),
        (
            0,
            vec![
                ("SO", Some("SỞ"), false, &[]),
                ("NGOAI", Some("NGOẠI"), false, &[]),
                ("VU", Some("VỤ"), true, &["VŨ", "VU"]),
            ],
        ),
        (
            1,
            vec![("Số:", None, false, &[]), ("67/KH-NV", None, false, &[])],
        ),
        (
            2,
            vec![
                ("Ke", Some("Kế"), false, &[]),
                ("hoach", Some("hoạch"), false, &[]),
                ("<b>&amp;", None, false, &[]),
                ("cai", Some("cải"), false, &[]),
                ("cach", Some("cách"), false, &[]),
            ],
        ),
        (
            2,
            vec![
                ("Chi", Some("Chỉ"), true, &["Chi", "Chí"]),
                ("so", Some("số"), false, &[]),
                ("hanh", Some("hành"), true, &["hạnh"]),
                ("chinh", Some("chính"), false, &[]),
            ],
        ),
    ]
}

fn lines_page2() -> Vec<(u32, Vec<Spec>)> {
    vec![
        (
            0,
            vec![
                ("KT.", None, false, &[]),
                ("CHU", Some("CHỦ"), false, &[]),
                ("TICH", Some("TỊCH"), false, &[]),
            ],
        ),
        (
            0,
            vec![
                ("Hoang", Some("Hoảng"), true, &["Hoàng", "Hoáng"]),
                ("Minh", None, false, &[]),
                ("Cuong", Some("Cường"), false, &[]),
            ],
        ),
        (
            1,
            vec![
                ("Noi", Some("Nơi"), false, &[]),
                ("nhan:", Some("nhận:"), true, &["nhân:"]),
            ],
        ),
    ]
}

fn build_page(number: u32, lines: Vec<(u32, Vec<Spec>)>) -> Page {
    let mut out = Vec::new();
    for (li, (block, words)) in lines.into_iter().enumerate() {
        let y0 = 120 + li as u32 * 70 + block * 30;
        let mut x = 110;
        let mut ws = Vec::new();
        for (raw, text, uncertain, alts) in words {
            let w = 22 * raw.chars().count() as u32;
            let bbox = BBox {
                x0: x,
                y0,
                x1: x + w,
                y1: y0 + 40,
            };
            x += w + 24;
            let mut word = Word::new(raw, Some(bbox), 0.8);
            if let Some(t) = text {
                word.text = t.into();
                word.correction = Some(Correction {
                    conf: if uncertain { 0.41 } else { 0.93 },
                    alternatives: alts.iter().map(|a| a.to_string()).collect(),
                    uncertain,
                });
            }
            ws.push(word);
        }
        let bbox = ws.iter().filter_map(|w| w.bbox).reduce(BBox::union);
        out.push(Line {
            bbox,
            block,
            words: ws,
        });
    }
    Page {
        number,
        width: PAGE_W,
        height: PAGE_H,
        dpi: 150,
        origin: Origin::Ocr,
        lines: out,
    }
}

/// The two-page scanned document.
pub fn scanned_doc() -> Document {
    let mut doc = Document::new(
        Source {
            path: "in/ke-hoach <67>.pdf".into(),
            sha256: "5eed".into(),
            pages: 2,
        },
        vec![build_page(1, lines_page1()), build_page(2, lines_page2())],
    );
    doc.summarize_restoration();
    doc.metadata.document_type = Some("Kế hoạch".into());
    doc.metadata.number = Some("67/KH-NV".into());
    doc.metadata.issuer = Some("Sở Ngoại vụ".into());
    doc.metadata.confidence.insert("number".into(), 0.97);
    doc.tables.push(vanban_doc::Table {
        title: Some("PHỤ LỤC I".into()),
        pages: vec![2],
        header: vec!["STT".into(), "Nội dung".into()],
        rows: vec![vec!["1".into(), "Cải cách <hành chính>".into()]],
        cells: vec![],
    });
    doc
}

/// Ink grey of the words drawn on the page images.
pub const INK: [u8; 3] = [60, 60, 60];

/// Writes `<stem>.page-N.jpg` images for `doc`, downscaled by 2, each word a solid ink block.
pub fn write_page_images(doc: &Document, stem: &Path) -> Vec<Option<String>> {
    let name = stem.file_name().unwrap().to_string_lossy().into_owned();
    doc.pages
        .iter()
        .map(|p| {
            let mut img =
                image::RgbImage::from_pixel(p.width / 2, p.height / 2, image::Rgb([250, 250, 245]));
            for w in p.lines.iter().flat_map(|l| &l.words) {
                let b = w.bbox.unwrap();
                for y in b.y0 / 2..b.y1 / 2 {
                    for x in b.x0 / 2..b.x1 / 2 {
                        img.put_pixel(x, y, image::Rgb(INK));
                    }
                }
            }
            let file = format!("{name}.page-{}.jpg", p.number);
            img.save(stem.with_file_name(&file)).unwrap();
            Some(file)
        })
        .collect()
}
