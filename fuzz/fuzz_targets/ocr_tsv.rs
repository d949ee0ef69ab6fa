//! Fuzz target: Tesseract's TSV as `vanban-ocr` parses it (`parse_tsv`, then the column split),
//! for any page size. It must give an error or lines, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let w = u32::from(u16::from_le_bytes([data[0], data[1]]));
    let h = u32::from(u16::from_le_bytes([data[2], data[3]]));
    let tsv = String::from_utf8_lossy(&data[4..]);
    if let Ok(lines) = vanban_ocr::parse_tsv(&tsv, w, h) {
        let _ = vanban_ocr::split_columns(lines);
    }
});
