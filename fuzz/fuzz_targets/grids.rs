//! Fuzz target: ruled-table finding on a page image (`find_grids`, then `blank_grids` as the OCR
//! step does). The first two bytes give the size (up to 255 x 255 px, scaled by 4 so lines of
//! several pixels are possible), the rest the pixels (repeated). Must never panic.
#![no_main]

use image::{GrayImage, Luma};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [w, h, rest @ ..] = data else { return };
    if rest.is_empty() {
        return;
    }
    let (w, h) = (u32::from(*w) * 4 + 1, u32::from(*h) * 4 + 1);
    let mut img = GrayImage::from_fn(w, h, |x, y| {
        // Each fuzz byte paints a 4x4 block: dark lines and cells are reachable.
        let i = ((y / 4) * (w / 4 + 1) + x / 4) as usize;
        Luma([rest[i % rest.len()]])
    });
    let grids = vanban_extract::find_grids(&img);
    vanban_extract::blank_grids(&mut img, &grids);
});
