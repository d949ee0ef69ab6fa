//! Reduced copies of page images (the review page's thumbnails): an area average over k×k blocks
//! for the smallest whole k that brings the page within a size. One pass over the rows with a
//! row of column sums, no floating point: about as fast as reading the image once.

use image::GrayImage;

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
