//! End-to-end tests on real Tesseract (`vie` model) with small committed page images.

use std::path::Path;

use vanban_doc::Line;
use vanban_ocr::{OcrConfig, OcrEngine, Recognize, Segmentation};

fn load(name: &str) -> image::GrayImage {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    image::open(&p).unwrap().into_luma8()
}

fn text(lines: &[Line]) -> String {
    lines
        .iter()
        .map(Line::raw_text)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn reads_a_page_with_boxes_inside_and_plausible_confidences() {
    let img = load("page.png");
    let mut eng = OcrEngine::new(&OcrConfig::default()).unwrap();
    let lines = eng.recognize(&img, 200).unwrap();
    let all = text(&lines);
    for needle in [
        "Chỉ số cải cách hành chính",
        "Ủy ban nhân dân",
        "Kế hoạch số 229/KH-UBND",
    ] {
        assert!(all.contains(needle), "missing {needle:?} in:\n{all}");
    }
    let words: Vec<_> = lines.iter().flat_map(|l| &l.words).collect();
    assert!(words.len() > 150, "{} words", words.len());
    let (w, h) = img.dimensions();
    for word in &words {
        let b = word.bbox.unwrap();
        assert!(
            b.x0 < b.x1 && b.y0 < b.y1 && b.x1 <= w && b.y1 <= h,
            "{word:?}"
        );
        assert!((0.0..=1.0).contains(&word.conf));
        assert_eq!(word.raw, word.text);
        assert!(!word.raw.contains(char::is_whitespace));
    }
    let sure = words.iter().filter(|w| w.conf > 0.8).count();
    assert!(
        sure * 10 > words.len() * 8,
        "{sure} of {} words above 0.8",
        words.len()
    );
    // Lines go down the page.
    let tops: Vec<u32> = lines.iter().map(|l| l.bbox.unwrap().y0).collect();
    assert!(tops.windows(2).all(|t| t[0] < t[1]), "{tops:?}");
}

#[test]
fn the_two_halves_of_a_header_stay_in_separate_blocks() {
    let img = load("header.png");
    let mut eng = OcrEngine::new(&OcrConfig::default()).unwrap();
    let lines = eng.recognize(&img, 200).unwrap();
    let all = text(&lines);
    let find = |needle: &str| {
        lines
            .iter()
            .position(|l| l.raw_text().contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{all}"))
    };
    let left: Vec<usize> = ["ỦY BAN", "TỈNH HẢI", "Số: 125"].map(find).to_vec();
    let right: Vec<usize> = ["CỘNG HÒA", "Độc lập", "Hải Dương, ngày"]
        .map(find)
        .to_vec();
    for &i in &left {
        assert!(
            !lines[i].raw_text().contains("CỘNG") && !lines[i].raw_text().contains("Độc"),
            "{all}"
        );
        for &j in &right {
            assert_ne!(lines[i].block, lines[j].block, "{all}");
            // Left column first, and really to the left.
            assert!(i < j, "{all}");
            assert!(
                lines[i].bbox.unwrap().x0 < lines[j].bbox.unwrap().x0,
                "{all}"
            );
        }
    }
    assert!(all.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), "{all}");
    assert!(all.contains("TỈNH HẢI DƯƠNG"), "{all}");
}

#[test]
fn one_engine_reads_page_after_page_and_blank_pages_give_nothing() {
    let mut eng = OcrEngine::new(&OcrConfig::default()).unwrap();
    let header = load("header.png");
    let first = eng.recognize(&header, 200).unwrap();
    let blank = image::GrayImage::from_pixel(600, 400, image::Luma([255]));
    assert!(eng.recognize(&blank, 200).unwrap().is_empty());
    assert!(eng
        .recognize(&image::GrayImage::new(0, 0), 200)
        .unwrap()
        .is_empty());
    assert!(eng.recognize(&image::GrayImage::new(2, 1), 200).is_ok());
    assert_eq!(eng.recognize(&header, 200).unwrap(), first);
}

#[test]
fn a_cropped_line_reads_in_line_mode_and_a_whitelist_restricts_it_then_clears() {
    let img = load("page.png");
    let mut eng = OcrEngine::new(&OcrConfig::default()).unwrap();
    let page = eng.recognize(&img, 200).unwrap();
    let line = page
        .iter()
        .find(|l| l.raw_text().contains("229/KH-UBND"))
        .unwrap_or_else(|| panic!("no line with the plan's number in:\n{}", text(&page)));
    // The words of the number and what follows it on the line, cropped with a white margin.
    let words = &line.words;
    let i = words.iter().position(|w| w.raw.contains("229")).unwrap();
    let b = words[i].bbox.unwrap();
    let (x0, y0) = (b.x0.saturating_sub(8), b.y0.saturating_sub(8));
    let crop = image::imageops::crop_imm(&img, x0, y0, b.width() + 16, b.height() + 16).to_image();
    let read = |eng: &mut OcrEngine, seg, whitelist| {
        let how = Recognize {
            segmentation: seg,
            whitelist,
        };
        text(&eng.recognize_with(&crop, 200, how).unwrap())
    };
    let as_line = read(&mut eng, Segmentation::Line, None);
    assert!(as_line.contains("229/KH-UBND"), "{as_line:?}");
    let digits = read(&mut eng, Segmentation::Word, Some("0123456789/"));
    assert!(digits.contains("229"), "{digits:?}");
    assert!(
        digits.chars().all(|c| c.is_ascii_digit() || c == '/'),
        "{digits:?}"
    );
    // The whitelist does not stick: the next read without one sees letters again.
    let again = read(&mut eng, Segmentation::Line, None);
    assert_eq!(again, as_line);
    // Nor does the mode: the whole page reads as before.
    assert_eq!(eng.recognize(&img, 200).unwrap(), page);
}
