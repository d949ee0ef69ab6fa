//! Cleaning a page image before OCR: skew estimation by projection profiles and rotation back,
//! and an optional contrast stretch.
//!
//! Skew: the ink of a page of text, projected onto the vertical axis, gives sharp peaks (lines) and
//! valleys (gaps) only when the projection runs along the lines. On a copy reduced to ~100 dpi,
//! each angle in ±3° (0.1° steps, then 0.02° around the best) is scored by the sum of squared
//! differences between neighbouring rows of the sheared profile; the best angle, if above 0.2°,
//! is undone by a bilinear rotation about the centre, filling with white.
//!
//! Which steps are on by default is decided by measurement: `crates/pages/scripts/prepare_eval.sh`
//! renders a page of prose from the seed plan (398 tokens) with `shared/tools/mkscan.py`, OCRs
//! it (Tesseract 5.3, `vie`) without and with each step, and scores with `shared/tools/score.py`.
//! Mean token accuracy:
//!
//! | pages (mkscan.py settings) | none | deskew | stretch | deskew+stretch |
//! | --- | --- | --- | --- | --- |
//! | 16 pages, skew 0.8–1.4° (±1.5, seeds 1 2 3 6), 150/300 dpi, noise 0.4/0.8 | 0.9876 | **0.9917** | 0.9871 | 0.9920 |
//! | 10 pages, skew 0.25–0.91° (±1.0, seeds 1 2 3 5 6), 200/300 dpi, noise 0.5 | 0.9927 | **0.9940** | – | – |
//! | 27 pages, skew 0 / 0.25° / 0.53° (seed 7), 150/200/300 dpi, noise 0/0.4/0.8 | 0.9917 | 0.9918 | 0.9914 | 0.9917 |
//!
//! Deskew removes a third of the errors on pages skewed by about a degree and changes nothing
//! below half a degree (Tesseract copes with that itself); the estimates were within 0.07° of the
//! true skew on every page. The contrast stretch does not help (Tesseract binarises with Otsu
//! itself), so it is off by default. Reproduce with
//! `DPIS="150 300" ROTS=1.5 NOISES="0.4 0.8" SEEDS="1 2 3 6" crates/pages/scripts/prepare_eval.sh`
//! (first row), `DPIS="200 300" ROTS=1.0 NOISES=0.5 SEEDS="1 2 3 5 6" VARIANTS="none deskew"`
//! (second) and with no variables (third).
//!
//! Cost on a 300 dpi A4 page (release build, `cargo bench -p vanban-pages --bench prepare`, on a
//! shared 2-core machine, so noisy): skew estimation 76–141 ms, estimation plus the fixed-point
//! rotation 234 ms — about a tenth of the page's OCR time.

use image::GrayImage;

/// Which clean-up steps [`prepare`] runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prepare {
    /// Estimate the skew within ±3° and rotate back when above [`Prepare::min_skew_deg`].
    pub deskew: bool,
    /// Smallest skew, in degrees, worth rotating for.
    pub min_skew_deg: f32,
    /// Stretch grey levels so the darkest 0.5% become 0 and the lightest 0.5% 255.
    pub stretch: bool,
}

impl Default for Prepare {
    /// Deskew on, contrast stretch off (see the measurements in the module doc).
    fn default() -> Self {
        Prepare {
            deskew: true,
            min_skew_deg: 0.2,
            stretch: false,
        }
    }
}

/// Cleans `image` (at `dpi`) with the default steps; see [`Prepare::run`].
pub fn prepare(image: &GrayImage, dpi: u32) -> GrayImage {
    Prepare::default().run(image, dpi)
}

impl Prepare {
    /// Runs the chosen steps; returns a new image (a copy when nothing applies).
    pub fn run(&self, image: &GrayImage, dpi: u32) -> GrayImage {
        let mut out = if self.stretch {
            stretch(image)
        } else {
            image.clone()
        };
        if self.deskew {
            let angle = estimate_skew(&out, dpi);
            if angle.abs() > self.min_skew_deg {
                tracing::debug!(angle, "deskewing");
                out = rotate(&out, angle);
            }
        }
        out
    }
}

/// Grey level below which a pixel counts as ink, by Otsu's method on the histogram.
pub fn otsu_threshold(image: &GrayImage) -> u8 {
    let mut hist = [0u64; 256];
    for p in image.as_raw() {
        hist[usize::from(*p)] += 1;
    }
    let total: u64 = hist.iter().sum();
    if total == 0 {
        return 128;
    }
    let sum_all: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, &c)| i as f64 * c as f64)
        .sum();
    let (mut w0, mut sum0, mut best, mut best_t) = (0u64, 0f64, -1f64, 128u8);
    for (t, &c) in hist.iter().enumerate() {
        w0 += c;
        if w0 == 0 {
            continue;
        }
        let w1 = total - w0;
        if w1 == 0 {
            break;
        }
        sum0 += t as f64 * c as f64;
        let m0 = sum0 / w0 as f64;
        let m1 = (sum_all - sum0) / w1 as f64;
        let between = w0 as f64 * w1 as f64 * (m0 - m1) * (m0 - m1);
        if between > best {
            best = between;
            best_t = t as u8;
        }
    }
    best_t
}

/// The page's skew in degrees (counter-clockwise positive, as the text lines climb to the right),
/// within ±3°; 0 for a blank page.
pub fn estimate_skew(image: &GrayImage, dpi: u32) -> f32 {
    // Ink pixel coordinates on a grid of about 100 dpi.
    let step = (dpi / 100).max(1);
    let threshold = otsu_threshold(image).min(200);
    let (w, h) = image.dimensions();
    let mut ink: Vec<(f32, f32)> = Vec::new();
    for y in (0..h).step_by(step as usize) {
        for x in (0..w).step_by(step as usize) {
            if image.get_pixel(x, y)[0] <= threshold {
                ink.push(((x / step) as f32, (y / step) as f32));
            }
        }
    }
    if ink.len() < 50 {
        return 0.0;
    }
    let rows = (h / step) as usize + 1;
    let cols = (w / step) as f32;
    // Sheared rows may fall outside [0, rows); pad by the largest shift.
    let pad = (cols * (3.0f32).to_radians().tan()).ceil() as usize + 2;
    let mut profile = vec![0u32; rows + 2 * pad];
    let mut score = |deg: f32| -> f64 {
        profile.iter_mut().for_each(|c| *c = 0);
        let t = deg.to_radians().tan();
        for &(x, y) in &ink {
            // A line climbing to the right by `deg` is flat after y + x·tan(deg).
            let r = (y + x * t).round() as isize + pad as isize;
            if let Some(c) = usize::try_from(r).ok().and_then(|r| profile.get_mut(r)) {
                *c += 1;
            }
        }
        profile
            .windows(2)
            .map(|p| {
                let d = f64::from(p[1]) - f64::from(p[0]);
                d * d
            })
            .sum()
    };
    let mut best = (0.0f32, score(0.0));
    for i in -30..=30 {
        let a = i as f32 * 0.1;
        let s = score(a);
        if s > best.1 {
            best = (a, s);
        }
    }
    let coarse = best.0;
    for i in -5..=5 {
        let a = coarse + i as f32 * 0.02;
        let s = score(a);
        if s > best.1 {
            best = (a, s);
        }
    }
    best.0
}

/// Rotates `image` by `deg` degrees clockwise (undoing a counter-clockwise skew of `deg`) about
/// its centre, bilinear, filling uncovered corners with white.
pub fn rotate(image: &GrayImage, deg: f32) -> GrayImage {
    let (w, h) = image.dimensions();
    if w < 2 || h < 2 {
        return image.clone();
    }
    // 16.16 fixed point; the source position moves by (cos, -sin) from one pixel to the next.
    const ONE: i64 = 1 << 16;
    let (sin, cos) = deg.to_radians().sin_cos();
    let (sin, cos) = (
        (f64::from(sin) * ONE as f64) as i64,
        (f64::from(cos) * ONE as f64) as i64,
    );
    let (cx, cy) = (i64::from(w) * ONE / 2, i64::from(h) * ONE / 2);
    let (max_x, max_y) = ((i64::from(w) - 1) * ONE, (i64::from(h) - 1) * ONE);
    let src = image.as_raw();
    let stride = w as usize;
    let mut out = vec![255u8; src.len()];
    for (y, row) in out.chunks_exact_mut(stride).enumerate() {
        let dy = y as i64 * ONE - cy;
        // Source of this pixel: rotate back the other way.
        let mut sx = ((cos * -cx + sin * dy) >> 16) + cx;
        let mut sy = ((cos * dy + sin * cx) >> 16) + cy;
        for px in row.iter_mut() {
            if (0..=max_x).contains(&sx) && (0..=max_y).contains(&sy) {
                let (x0, y0) = ((sx >> 16) as usize, (sy >> 16) as usize);
                let (fx, fy) = (((sx >> 8) & 0xFF) as u32, ((sy >> 8) & 0xFF) as u32);
                let x1 = (x0 + 1).min(stride - 1);
                let (r0, r1) = (y0 * stride, (y0 + 1).min(h as usize - 1) * stride);
                let p = |i: usize| u32::from(src[i]);
                let top = p(r0 + x0) * (256 - fx) + p(r0 + x1) * fx;
                let bottom = p(r1 + x0) * (256 - fx) + p(r1 + x1) * fx;
                *px = ((top * (256 - fy) + bottom * fy + (1 << 15)) >> 16) as u8;
            }
            sx += cos;
            sy -= sin;
        }
    }
    GrayImage::from_raw(w, h, out).unwrap_or_else(|| image.clone())
}

/// Stretches grey levels so the darkest 0.5% of pixels become 0 and the lightest 0.5% 255.
pub fn stretch(image: &GrayImage) -> GrayImage {
    let mut hist = [0u64; 256];
    for p in image.as_raw() {
        hist[usize::from(*p)] += 1;
    }
    let total: u64 = hist.iter().sum();
    let cut = total / 200;
    let mut acc = 0;
    let lo = hist
        .iter()
        .position(|&c| {
            acc += c;
            acc > cut
        })
        .unwrap_or(0);
    acc = 0;
    let hi = 255
        - hist
            .iter()
            .rev()
            .position(|&c| {
                acc += c;
                acc > cut
            })
            .unwrap_or(0);
    if hi <= lo + 1 {
        return image.clone();
    }
    let mut lut = [0u8; 256];
    for (i, v) in lut.iter_mut().enumerate() {
        *v = ((i.saturating_sub(lo) * 255) / (hi - lo)).min(255) as u8;
    }
    let mut out = image.clone();
    out.iter_mut().for_each(|p| *p = lut[usize::from(*p)]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page of dashed "text lines" 40 px apart, drawn climbing to the right by `deg`.
    fn lined_page(deg: f32) -> GrayImage {
        let (w, h) = (1200u32, 1600u32);
        let mut img = GrayImage::from_pixel(w, h, image::Luma([255]));
        let t = deg.to_radians().tan();
        for line in 0..30 {
            let base = 150.0 + line as f32 * 40.0;
            for x in 100..1100u32 {
                if (x / 12) % 4 == 3 {
                    continue; // word gaps
                }
                for dy in 0..14 {
                    let y = base - x as f32 * t + dy as f32;
                    if y >= 0.0 && (y as u32) < h {
                        img.put_pixel(x, y as u32, image::Luma([20]));
                    }
                }
            }
        }
        img
    }

    #[test]
    fn finds_the_skew_it_was_given() {
        for deg in [-1.5f32, -0.6, 0.0, 0.4, 1.2, 2.5] {
            let est = estimate_skew(&lined_page(deg), 300);
            assert!((est - deg).abs() <= 0.1, "given {deg}, estimated {est}");
        }
    }

    #[test]
    fn rotating_back_straightens_the_page() {
        let page = lined_page(1.0);
        let fixed = rotate(&page, estimate_skew(&page, 300));
        let after = estimate_skew(&fixed, 300);
        assert!(after.abs() <= 0.1, "still skewed by {after}");
        assert_eq!(fixed.dimensions(), page.dimensions());
    }

    #[test]
    fn rotation_by_zero_is_exact_and_back_and_forth_is_close() {
        let page = lined_page(0.7);
        assert_eq!(rotate(&page, 0.0), page);
        let back = rotate(&rotate(&page, 1.0), -1.0);
        // Away from the corners that rotation blanks, the page comes back within a few levels.
        let (w, h) = page.dimensions();
        let mut diff = 0u64;
        let mut n = 0u64;
        for y in h / 4..3 * h / 4 {
            for x in w / 4..3 * w / 4 {
                diff += u64::from(page.get_pixel(x, y)[0].abs_diff(back.get_pixel(x, y)[0]));
                n += 1;
            }
        }
        assert!(diff / n < 12, "mean difference {}", diff / n);
    }

    #[test]
    fn blank_and_tiny_images_are_left_alone() {
        let blank = GrayImage::from_pixel(50, 50, image::Luma([255]));
        assert_eq!(estimate_skew(&blank, 300), 0.0);
        assert_eq!(prepare(&blank, 300), blank);
        let one = GrayImage::from_pixel(1, 1, image::Luma([0]));
        assert_eq!(prepare(&one, 300).dimensions(), (1, 1));
        let empty = GrayImage::new(0, 0);
        assert_eq!(prepare(&empty, 300).dimensions(), (0, 0));
    }

    #[test]
    fn stretch_spreads_a_faded_scan() {
        let mut img = GrayImage::from_pixel(100, 100, image::Luma([200]));
        for x in 0..100 {
            for y in 0..20 {
                img.put_pixel(x, y, image::Luma([120]));
            }
        }
        let s = stretch(&img);
        assert_eq!(s.get_pixel(0, 0)[0], 0);
        assert_eq!(s.get_pixel(0, 50)[0], 255);
    }
}
