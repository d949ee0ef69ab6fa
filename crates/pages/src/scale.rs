//! Page images at another size: reduced copies (the review page's thumbnails: an area average over
//! k×k blocks for the smallest whole k that brings the page within a size, one pass over the rows
//! with a row of column sums, no floating point), and low-resolution pages brought up to a working
//! resolution for OCR ([`working_resolution`]).

use image::GrayImage;

/// Resolution below which a page is enlarged before OCR. Measured on a real 200 dpi decision
/// (`shared/real`, score.py against its truth) shrunk as a re-shared JPEG would be, then OCRed as is
/// and enlarged (bicubic): at 70 dpi 0.792 as is, 0.880 enlarged to 139 dpi, 0.869 to 209 or 279
/// dpi; at 100 dpi 0.909 as is, 0.892 and 0.878 enlarged to 200 and 300 dpi. So only pages under
/// 100 dpi are enlarged, and to about 160 dpi, not to a nominal 300 (a 150 dpi fixture scan enlarged
/// to 300 dpi lost whole lines in Tesseract's layout).
pub const MIN_WORKING_DPI: u32 = 100;
/// Resolution a low-resolution page is brought to.
pub const WORKING_DPI: u32 = 160;
/// Largest enlargement (a 576×960 re-shared JPEG is about 80 dpi as an A4 page).
const MAX_ENLARGE: f32 = 4.0;

/// The page at a resolution OCR reads well, and that resolution. A resolution that would make the
/// page smaller than 4 × 5.5 inches (a photo or a re-shared JPEG without a true dpi, taken as 300),
/// or a low one that would make it longer than 20 inches (a phone's photo at 72 dpi), is replaced
/// by the one that makes its long side an A4 page's (11.69 in). A page under
/// [`MIN_WORKING_DPI`] is enlarged (Catmull-Rom) towards [`WORKING_DPI`], at most 4 times and
/// within `max_side` pixels; any other page is returned as it is.
pub fn working_resolution(image: GrayImage, dpi: u32, max_side: u32) -> (GrayImage, u32) {
    let (w, h) = image.dimensions();
    if w == 0 || h == 0 || dpi == 0 {
        return (image, dpi);
    }
    let (short, long) = (w.min(h) as f32, w.max(h) as f32);
    let mut dpi_f = dpi as f32;
    if short / dpi_f < 4.0 && long / dpi_f < 5.5 {
        dpi_f = (long / 11.69).max(1.0);
    }
    // A low resolution that would make the page longer than 20 inches is no page's: a phone's
    // photo says 72 dpi whatever it shows (a 2088×2780 photo of an A4 sheet would be 29 × 39
    // inches, and enlarged 2.2 times for nothing). It is measured as an A4 page too.
    if dpi_f < MIN_WORKING_DPI as f32 && long / dpi_f > 20.0 {
        dpi_f = long / 11.69;
    }
    if dpi_f >= MIN_WORKING_DPI as f32 {
        return (image, dpi_f.round() as u32);
    }
    let f = (WORKING_DPI as f32 / dpi_f)
        .min(MAX_ENLARGE)
        .min(max_side as f32 / long);
    if f <= 1.05 {
        return (image, dpi_f.round() as u32);
    }
    let (nw, nh) = ((w as f32 * f).round() as u32, (h as f32 * f).round() as u32);
    tracing::debug!(from = dpi_f, factor = f, "enlarging a low-resolution page");
    let out = image::imageops::resize(&image, nw, nh, image::imageops::FilterType::CatmullRom);
    (out, (dpi_f * f).round() as u32)
}

/// `image` reduced by the smallest whole factor that makes its longer side at most `max_side`
/// pixels (each output pixel the mean of a k×k block; partial blocks at the right and bottom
/// edges averaged over what they cover); a copy when it already fits.
pub fn downscale(image: &GrayImage, max_side: u32) -> GrayImage {
    let (w, h) = image.dimensions();
    let long = w.max(h);
    if long <= max_side.max(1) || w == 0 || h == 0 {
        return image.clone();
    }
    let k = long.div_ceil(max_side.max(1)) as usize;
    let (w, h) = (w as usize, h as usize);
    let (tw, th) = (w.div_ceil(k), h.div_ceil(k));
    let src = image.as_raw();
    let mut out = Vec::with_capacity(tw * th);
    let mut sums = vec![0u32; tw];
    for band in src.chunks(w * k) {
        sums.iter_mut().for_each(|s| *s = 0);
        let rows = band.len() / w;
        for row in band.chunks_exact(w) {
            for (s, block) in sums.iter_mut().zip(row.chunks(k)) {
                *s += block.iter().map(|&p| u32::from(p)).sum::<u32>();
            }
        }
        for (i, s) in sums.iter().enumerate() {
            let cols = k.min(w - i * k);
            let n = (cols * rows) as u32;
            out.push(((s + n / 2) / n) as u8);
        }
    }
    GrayImage::from_raw(tw as u32, th as u32, out).unwrap_or_else(|| image.clone())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_small_image_is_read_as_an_a4_page_and_enlarged() {
        // 576×960 taken as 300 dpi would be a 1.9 × 3.2 inch page: it is an A4 page at 82 dpi.
        let (img, dpi) = super::working_resolution(GrayImage::new(576, 960), 300, 10_000);
        assert_eq!(dpi, 160);
        assert_eq!(img.dimensions(), (1122, 1870));
        let (img, dpi) = super::working_resolution(GrayImage::new(1240, 1754), 150, 10_000);
        assert_eq!((img.width(), dpi), (1240, 150));
        let (img, dpi) = super::working_resolution(GrayImage::new(1654, 2339), 200, 10_000);
        assert_eq!((img.width(), dpi), (1654, 200));
    }

    #[test]
    fn a_phone_photo_at_72_dpi_is_read_as_an_a4_page_not_enlarged() {
        // 2088×2780 at 72 dpi would be a 29 × 39 inch page: it is an A4 page at 238 dpi
        let (img, dpi) = super::working_resolution(GrayImage::new(2088, 2780), 72, 10_000);
        assert_eq!((img.width(), dpi), (2088, 238));
        // a true 72 dpi A4 page is still enlarged
        let (img, dpi) = super::working_resolution(GrayImage::new(595, 842), 72, 10_000);
        assert_eq!(dpi, 160);
        assert!(img.width() > 1300);
    }

    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a4_at_300_dpi_fits_in_1400() {
        let page = GrayImage::from_pixel(2480, 3508, image::Luma([200]));
        let t = downscale(&page, 1400);
        assert_eq!(t.dimensions(), (827, 1170));
        assert!(t.pixels().all(|p| p[0] == 200));
    }

    #[test]
    fn blocks_are_averaged_and_edges_kept() {
        // 5×2 image reduced by 2: blocks [0,255 / 0,255], [0,0 / 255,255], and the edge column [9 / 11].
        let img = GrayImage::from_raw(5, 2, vec![0, 255, 0, 0, 9, 0, 255, 255, 255, 11]).unwrap();
        let t = downscale(&img, 3);
        assert_eq!(t.dimensions(), (3, 1));
        assert_eq!(t.as_raw(), &vec![128, 128, 10]);
    }

    #[test]
    fn small_images_are_left_alone() {
        let img = GrayImage::from_pixel(10, 7, image::Luma([3]));
        assert_eq!(downscale(&img, 1400), img);
        assert_eq!(downscale(&GrayImage::new(0, 0), 10).dimensions(), (0, 0));
    }

    proptest! {
        #[test]
        fn output_fits_and_keeps_the_range(w in 1u32..300, h in 1u32..300, max in 1u32..50, lo in 0u8..128) {
            let img = GrayImage::from_fn(w, h, |x, y| image::Luma([lo + ((x * 7 + y * 13) % 128) as u8]));
            let t = downscale(&img, max);
            prop_assert!(t.width().max(t.height()) <= max);
            prop_assert!(t.width() >= 1 && t.height() >= 1);
            prop_assert!(t.pixels().all(|p| p[0] >= lo && p[0] < lo + 128));
        }
    }
}
