//! Colour pages to grey for OCR with coloured ink dropped out: a red seal stamped over the signer's
//! name, blue pen over printed text. Printed text is black or grey (its red, green and blue are
//! close); seal and pen ink are saturated. A saturated pixel takes its brightest channel (red ink is
//! bright in red, blue ink in blue), which turns the ink into light paper and leaves the black
//! print under it; every other pixel takes its luma.

use image::{DynamicImage, GrayImage};

/// Spread between a pixel's brightest and darkest channel above which it is coloured ink. Scanner
/// noise on black print and grey paper stays under 40; seal red and pen blue measure 90 and more.
pub const INK_SATURATION: u8 = 60;

/// Red ink: a pixel whose red exceeds its green and blue by more than this (seal and stamp red
/// 120–170, faded pink 70; black print and grey paper under 20).
pub const RED_INK: u8 = 30;
/// A page with fewer red-ink pixels than this has no red stamp worth reading (a stamp's word at
/// 150 dpi has a few thousand).
const MIN_RED_PIXELS: usize = 500;

/// A page image in grey, coloured ink dropped out (grey and bilevel images are only converted).
pub fn ink_gray(img: DynamicImage) -> GrayImage {
    ink_layers(img).0
}

/// A page image in grey with coloured ink dropped out ([`ink_gray`]), and, when the page has red
/// ink, that ink alone as dark on white (a red urgency or receipt stamp, which the drop-out makes
/// paper; a red seal): the more a pixel's red exceeds its green and blue beyond [`RED_INK`], the
/// darker.
pub fn ink_layers(img: DynamicImage) -> (GrayImage, Option<GrayImage>) {
    let rgb = match img {
        DynamicImage::ImageLuma8(g) => return (g, None),
        DynamicImage::ImageRgb8(rgb) => rgb,
        other if !other.color().has_color() => return (other.into_luma8(), None),
        other => other.into_rgb8(),
    };
    let (w, h) = rgb.dimensions();
    let mut red_pixels = 0usize;
    let red: Vec<u8> = rgb
        .as_raw()
        .chunks_exact(3)
        .map(|p| {
            let d = i32::from(p[0]) - i32::from(p[1].max(p[2]));
            if d <= i32::from(RED_INK) {
                255
            } else {
                red_pixels += 1;
                (255 - ((d - i32::from(RED_INK)) * 3).min(255)) as u8
            }
        })
        .collect();
    let red = (red_pixels >= MIN_RED_PIXELS)
        .then(|| GrayImage::from_raw(w, h, red))
        .flatten();
    (ink_gray_rgb(&rgb), red)
}

/// [`ink_gray`] of an RGB image.
fn ink_gray_rgb(rgb: &image::RgbImage) -> GrayImage {
    let (w, h) = rgb.dimensions();
    let pixels: Vec<u8> = rgb
        .as_raw()
        .chunks_exact(3)
        .map(|p| {
            let (r, g, b) = (p[0], p[1], p[2]);
            let max = r.max(g).max(b);
            let min = r.min(g).min(b);
            if max - min > INK_SATURATION {
                max
            } else {
                // ITU-R BT.601 luma, as `image` computes it.
                ((u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114 + 500) / 1000) as u8
            }
        })
        .collect();
    GrayImage::from_raw(w, h, pixels).unwrap_or_else(|| GrayImage::new(w, h))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    #[test]
    fn red_seal_and_blue_pen_become_paper_black_print_stays() {
        let mut img = RgbImage::from_pixel(4, 1, Rgb([250, 250, 250]));
        img.put_pixel(0, 0, Rgb([20, 20, 25])); // black print
        img.put_pixel(1, 0, Rgb([210, 40, 50])); // seal red
        img.put_pixel(2, 0, Rgb([30, 50, 200])); // pen blue
        img.put_pixel(3, 0, Rgb([120, 118, 125])); // grey print
        let g = ink_gray(DynamicImage::ImageRgb8(img));
        assert!(g.get_pixel(0, 0).0[0] < 40);
        assert!(g.get_pixel(1, 0).0[0] > 200);
        assert!(g.get_pixel(2, 0).0[0] > 190);
        assert!(g.get_pixel(3, 0).0[0] < 130);
    }
}
