//! End-to-end tests of `vanban-pages` on real files through real PDFium (found in
//! `<project>/vendor/pdfium/` by walking up from the test's working folder).

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use vanban_pages::{find_pdfium, PageContent, PageOptions, PageSource, PagesError};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn open(name: &str) -> Result<PageSource, PagesError> {
    PageSource::open(&data(name), &PageOptions::default())
}

fn write_temp(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn a_scanned_pdf_page_is_its_image_at_native_resolution() {
    let src = open("scan.pdf").unwrap();
    assert_eq!(src.page_count(), 1);
    match src.page(0).unwrap() {
        PageContent::Image { image, dpi, .. } => {
            assert_eq!(image.dimensions(), (620, 874));
            assert_eq!(dpi, 150);
            // Black text on white: the page is mostly white with some ink.
            let ink = image.pixels().filter(|p| p[0] < 100).count();
            assert!(ink > 500 && ink < 620 * 874 / 10, "ink pixels: {ink}");
        }
        other => panic!("expected an image, got {other:?}"),
    }
}

#[test]
fn a_printed_pdf_page_is_read_from_its_text_layer() {
    let src = open("text.pdf").unwrap();
    let PageContent::Text {
        width,
        height,
        dpi,
        lines,
    } = src.page(0).unwrap()
    else {
        panic!("expected a text page");
    };
    assert_eq!(dpi, 300);
    // A5 at 300 dpi.
    assert!((1740..=1760).contains(&width) && (2470..=2490).contains(&height));
    let texts: Vec<String> = lines
        .iter()
        .map(|l| format!("{} {}", l.block, l.raw_text()))
        .collect();
    let find = |needle: &str| {
        lines
            .iter()
            .find(|l| l.raw_text().contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle:?} in {texts:#?}"))
    };
    let left = find("ỦY BAN NHÂN DÂN");
    let right = find("CỘNG HÒA XÃ HỘI CHỦ");
    assert_eq!(find("NGHĨA VIỆT NAM").block, right.block);
    assert_ne!(left.block, right.block, "{texts:#?}");
    assert!(!left.raw_text().contains("CỘNG"), "{texts:#?}");
    let body = find("Căn cứ Nghị định số 30/2020/NĐ-CP");
    assert_ne!(body.block, right.block);
    for w in lines.iter().flat_map(|l| &l.words) {
        let b = w.bbox.expect("text-layer words have boxes");
        assert!(
            b.x0 < b.x1 && b.y0 < b.y1 && b.x1 <= width && b.y1 <= height,
            "{w:?}"
        );
        assert_eq!(w.conf, 1.0);
        assert!(!w.raw.contains(' '));
    }
    // Header left column sits left of the right column, on the same band.
    let (lb, rb) = (left.bbox.unwrap(), right.bbox.unwrap());
    assert!(lb.x1 < rb.x0 && lb.y0.abs_diff(rb.y0) < 40, "{lb:?} {rb:?}");
}

#[test]
fn force_ocr_renders_a_text_page_at_the_chosen_dpi() {
    let opts = PageOptions {
        dpi: 150,
        force_ocr: true,
        pdfium: None,
        partial: false,
    };
    let src = PageSource::open(&data("text.pdf"), &opts).unwrap();
    match src.page(0).unwrap() {
        PageContent::Image { image, dpi, .. } => {
            assert_eq!(dpi, 150);
            let (w, h) = image.dimensions();
            assert!(
                (870..=880).contains(&w) && (1235..=1245).contains(&h),
                "{w}x{h}"
            );
            assert!(image.pixels().any(|p| p[0] < 60), "rendered text has ink");
        }
        other => panic!("expected an image, got {other:?}"),
    }
}

#[test]
fn a_page_without_text_or_scan_is_rendered() {
    let src = open("blank.pdf").unwrap();
    let PageContent::Image { image, dpi, .. } = src.page(0).unwrap() else {
        panic!("expected an image")
    };
    assert_eq!((image.dimensions(), dpi), ((834, 834), 300));
    assert!(image.pixels().all(|p| p[0] == 255));
}

#[test]
fn pages_can_be_read_from_many_threads_at_once() {
    let scan = open("scan.pdf").unwrap();
    let text = open("text.pdf").unwrap();
    let first = (scan.page(0).unwrap(), text.page(0).unwrap());
    let all: Vec<_> = (0..16)
        .into_par_iter()
        .map(|i| {
            if i % 2 == 0 {
                scan.page(0).unwrap()
            } else {
                text.page(0).unwrap()
            }
        })
        .collect();
    for (i, p) in all.iter().enumerate() {
        assert_eq!(p, if i % 2 == 0 { &first.0 } else { &first.1 });
    }
}

#[test]
fn an_encrypted_pdf_says_so() {
    let err = open("encrypted.pdf").unwrap_err();
    assert!(matches!(err, PagesError::Encrypted { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("encrypted.pdf") && msg.contains("password"),
        "{msg}"
    );
}

#[test]
fn a_pdf_without_pages_says_so() {
    let err = open("nopages.pdf").unwrap_err();
    assert!(
        matches!(err, PagesError::NoPages { .. } | PagesError::Corrupt { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("nopages.pdf"));
}

#[test]
fn an_absurd_page_size_is_refused_not_rendered() {
    let src = open("huge.pdf").unwrap();
    let err = src.page(0).unwrap_err();
    assert!(
        matches!(err, PagesError::BadPageSize { page: 1, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("huge.pdf: page 1"), "{err}");
}

#[test]
fn truncated_and_fake_pdfs_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read(data("text.pdf")).unwrap();
    let cut = write_temp(&dir, "cut.pdf", &text[..300]);
    let fake = write_temp(&dir, "fake.pdf", b"%PDF-1.7\nthis is not really a PDF\n");
    for p in [cut, fake] {
        let err = PageSource::open(&p, &PageOptions::default())
            .and_then(|s| s.page(0))
            .unwrap_err();
        assert!(
            matches!(err, PagesError::Corrupt { .. } | PagesError::NoPages { .. }),
            "{err}"
        );
        assert!(err.to_string().contains(p.to_str().unwrap()), "{err}");
    }
}

#[test]
fn other_files_are_refused_by_content() {
    let dir = tempfile::tempdir().unwrap();
    let html = write_temp(&dir, "letter.pdf", b"<html>hello</html>");
    let err = PageSource::open(&html, &PageOptions::default()).unwrap_err();
    assert!(matches!(err, PagesError::UnknownFormat { .. }), "{err}");
    assert!(err.to_string().contains("<html>"), "{err}");
    let empty = write_temp(&dir, "empty.pdf", b"");
    let err = PageSource::open(&empty, &PageOptions::default()).unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
    let missing = dir.path().join("missing.pdf");
    let err = PageSource::open(&missing, &PageOptions::default()).unwrap_err();
    assert!(matches!(err, PagesError::Io { .. }), "{err}");
}

#[test]
fn a_page_past_the_end_is_an_error() {
    let src = open("scan.pdf").unwrap();
    let err = src.page(1).unwrap_err();
    assert!(
        matches!(
            err,
            PagesError::NoSuchPage {
                page: 2,
                count: 1,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_missing_pdfium_explains_how_to_install_it() {
    let err = find_pdfium(Some(Path::new("/nonexistent/libpdfium.so"))).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("/nonexistent/libpdfium.so")
            && msg.contains("scripts/setup.sh")
            && msg.contains("pypdfium2==5.15.2")
            && msg.contains("VANBAN_PDFIUM"),
        "{msg}"
    );
    // The project's own copy is found from the test's working folder.
    let found = find_pdfium(None).unwrap();
    assert!(found.ends_with("vendor/pdfium/libpdfium.so"), "{found:?}");
}

fn tiff_pages(pages: &[(u32, u32, u8)], dpi: Option<u32>) -> Vec<u8> {
    use tiff::encoder::{colortype::Gray8, Rational, TiffEncoder};
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut enc = TiffEncoder::new(&mut buf).unwrap();
    for &(w, h, shade) in pages {
        let mut img = enc.new_image::<Gray8>(w, h).unwrap();
        if let Some(d) = dpi {
            img.resolution(tiff::tags::ResolutionUnit::Inch, Rational { n: d, d: 1 });
        }
        let data: Vec<u8> = (0..w * h)
            .map(|i| if i % 7 == 0 { 0 } else { shade })
            .collect();
        img.write_data(&data).unwrap();
    }
    buf.into_inner()
}

#[test]
fn a_multi_page_tiff_gives_each_page_with_its_resolution() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_temp(
        &dir,
        "scan.tif",
        &tiff_pages(&[(40, 30, 255), (50, 60, 200), (20, 20, 128)], Some(200)),
    );
    let src = PageSource::open(&p, &PageOptions::default()).unwrap();
    assert_eq!(src.page_count(), 3);
    let PageContent::Image { image, dpi, .. } = src.page(1).unwrap() else {
        panic!("expected an image")
    };
    assert_eq!((image.dimensions(), dpi), ((50, 60), 200));
    assert_eq!(image.get_pixel(1, 0)[0], 200);
    assert_eq!(image.get_pixel(0, 0)[0], 0);
    // Without a resolution tag, 300 dpi is assumed.
    let q = write_temp(&dir, "nodpi.tif", &tiff_pages(&[(10, 10, 255)], None));
    let src = PageSource::open(&q, &PageOptions::default()).unwrap();
    assert_eq!(src.page(0).unwrap().dpi(), 300);
}

#[test]
fn a_damaged_tiff_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = tiff_pages(&[(40, 30, 255), (40, 30, 255)], Some(200));
    let good_len = bytes.len();
    let p = write_temp(&dir, "garbage.tif", b"II*\0\xff\xff\xff\x7f garbage");
    assert!(PageSource::open(&p, &PageOptions::default())
        .and_then(|s| s.page(0))
        .is_err());
    bytes.truncate(good_len / 2);
    let p = write_temp(&dir, "cut.tif", &bytes);
    let r = PageSource::open(&p, &PageOptions::default()).and_then(|s| s.page(0));
    let err = r.unwrap_err();
    assert!(err.to_string().contains("cut.tif"), "{err}");
}

#[test]
fn png_and_jpeg_pages_take_their_resolution_from_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let img = image::GrayImage::from_fn(64, 48, |x, _| image::Luma([if x < 32 { 0 } else { 255 }]));
    let png = dir.path().join("page.png");
    img.save(&png).unwrap();
    let src = PageSource::open(&png, &PageOptions::default()).unwrap();
    let page = src.page(0).unwrap();
    assert_eq!((page.size(), page.dpi()), ((64, 48), 300));

    let mut jpeg = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90);
    enc.set_pixel_density(image::codecs::jpeg::PixelDensity::dpi(200));
    enc.encode_image(&img).unwrap();
    let p = write_temp(&dir, "page.jpg", &jpeg);
    let page = PageSource::open(&p, &PageOptions::default())
        .unwrap()
        .page(0)
        .unwrap();
    assert_eq!((page.size(), page.dpi()), ((64, 48), 200));

    let p = write_temp(&dir, "bad.png", &std::fs::read(&png).unwrap()[..40]);
    let err = PageSource::open(&p, &PageOptions::default())
        .and_then(|s| s.page(0))
        .unwrap_err();
    assert!(err.to_string().contains("bad.png"), "{err}");
}

#[test]
fn a_bilevel_fax_coded_scan_comes_out_black_on_white() {
    let src = open("scan_bw.pdf").unwrap();
    let PageContent::Image { image, dpi, .. } = src.page(0).unwrap() else {
        panic!("expected an image")
    };
    assert_eq!((image.dimensions(), dpi), ((620, 874), 150));
    let black = image.pixels().filter(|p| p[0] == 0).count();
    let white = image.pixels().filter(|p| p[0] == 255).count();
    assert_eq!(black + white, 620 * 874, "bilevel stays bilevel");
    assert!(
        black > 500 && black < white / 10,
        "black {black}, white {white}"
    );
}

#[test]
fn damaged_copies_of_every_kind_give_pages_or_errors_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let tiff = tiff_pages(&[(40, 30, 255), (50, 60, 200)], Some(200));
    let mut png = Vec::new();
    image::GrayImage::from_pixel(30, 20, image::Luma([90]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let originals = [
        ("a.pdf", std::fs::read(data("text.pdf")).unwrap()),
        ("b.pdf", std::fs::read(data("scan_bw.pdf")).unwrap()),
        ("c.tif", tiff),
        ("d.png", png),
    ];
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for (name, bytes) in &originals {
        for round in 0..12 {
            let mut b = bytes.clone();
            // Overwrite a few bytes past the magic, or cut the file short.
            if round % 4 == 3 {
                b.truncate(8 + (next() as usize % b.len().saturating_sub(8)));
            } else {
                for _ in 0..1 + round {
                    let i = 8 + next() as usize % (b.len() - 8);
                    b[i] = next() as u8;
                }
            }
            let p = write_temp(&dir, &format!("{round}-{name}"), &b);
            // Errors must name the file and come from checks, not from a caught panic.
            let check = |e: PagesError| {
                let msg = e.to_string();
                assert!(msg.contains(&format!("{round}-{name}")), "{msg}");
                assert!(!msg.contains("failed internally"), "{msg}");
            };
            match PageSource::open(&p, &PageOptions::default()) {
                Ok(src) => (0..src.page_count().min(3))
                    .filter_map(|i| src.page(i).err())
                    .for_each(check),
                Err(e) => check(e),
            }
        }
    }
}

#[test]
fn a_text_layer_in_a_legacy_font_encoding_is_ocred_instead() {
    // Printed from TCVN3 (.VnTime) text: the layer reads "Céng hßa x· héi chñ nghÜa ViÖt Nam".
    let src = open("tcvn3.pdf").unwrap();
    match src.page(0).unwrap() {
        PageContent::Image { image, dpi, .. } => {
            assert_eq!(dpi, 300);
            assert!(
                image.pixels().any(|p| p[0] < 60),
                "the page is rendered with its ink"
            );
        }
        PageContent::Text { lines, .. } => panic!("garbled layer was used: {lines:?}"),
    }
}
