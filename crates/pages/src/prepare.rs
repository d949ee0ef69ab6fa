//! Cleaning a page image before OCR: skew estimation by projection profiles and rotation back,
//! and an optional contrast stretch. [`Prepare::run_keeping`] can hand back the image as it came
//! in too ([`Unprocessed`], with the mapping of points between the two), for the header's second
//! readings (a line deskewing made worse is read on the unprocessed image).
//!
//! Skew: the ink of a page of text, projected onto the vertical axis, gives sharp peaks (lines) and
//! valleys (gaps) only when the projection runs along the lines. On the ink sampled at ~100 dpi,
//! each angle in ±3° (0.25° steps, then 0.05° and 0.01° around the best) is scored by the sum of
//! squared differences between neighbouring rows of the sheared profile; the best angle, if above
//! 0.2°, is undone by two interpolating shears about the centre, filling with white.
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
//! The rotation was first bilinear about the centre; it is now two interpolating shears, which
//! scored the same on the first row's 16 pages (0.9922 against 0.9917 with `VARIANTS="none deskew"`).
//!
//! Cost on a 300 dpi A4 page (release build, `cargo bench -p vanban-pages --bench prepare`, on a
//! shared 2-core machine under load from other builds, so only the ratios are firm): skew
//! estimation 20–30 ms (was 263 ms under the same load with 0.1° steps, float rounding per ink
//! pixel and a full-page Otsu histogram), rotation 34 ms, estimation plus rotation 42–59 ms (was
//! 575 ms with the bilinear rotation and a copy of the page) — a few percent of the page's OCR.

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
pub fn prepare(image: GrayImage, dpi: u32) -> GrayImage {
    Prepare::default().run(image, dpi)
}

impl Prepare {
    /// Runs the chosen steps on `image`, which is returned untouched (not copied) when none applies.
    pub fn run(&self, image: GrayImage, dpi: u32) -> GrayImage {
        self.run_keeping(image, dpi, false).0
    }

    /// Runs the chosen steps and, when `keep` is set and a step changed the image, hands back the
    /// image as it came in too (with the rotation between the two), so that a line the clean-up
    /// made worse can be read on the unprocessed image. Nothing is copied when nothing changed.
    pub fn run_keeping(
        &self,
        image: GrayImage,
        dpi: u32,
        keep: bool,
    ) -> (GrayImage, Option<Unprocessed>) {
        let stretched = self.stretch.then(|| stretch(&image));
        let base = stretched.as_ref().unwrap_or(&image);
        let angle = match self.deskew.then(|| estimate_skew(base, dpi)) {
            Some(a) if a.abs() > self.min_skew_deg => a,
            _ => 0.0,
        };
        let out = match stretched {
            _ if angle != 0.0 => {
                tracing::debug!(angle, "deskewing");
                rotate(base, angle)
            }
            Some(s) => s,
            None => return (image, None),
        };
        let kept = keep.then_some(Unprocessed { image, angle });
        (out, kept)
    }
}

/// A page image as it was before [`Prepare::run_keeping`] cleaned it (decoded, grey, at the
/// working resolution), and the rotation that deskewing applied to it.
#[derive(Clone, Debug)]
pub struct Unprocessed {
    /// The image before clean-up.
    pub image: GrayImage,
    /// The skew [`rotate`] undid, in degrees (0 when only the contrast was stretched).
    pub angle: f32,
}

impl Unprocessed {
    /// Where point (`x`, `y`) of the prepared image lies on the unprocessed one: [`rotate`]'s two
    /// shears followed back (the horizontal one, then the vertical one).
    pub fn from_prepared(&self, x: f32, y: f32) -> (f32, f32) {
        let t = self.angle.to_radians().tan();
        let (cx, cy) = (
            self.image.width() as f32 / 2.0,
            self.image.height() as f32 / 2.0,
        );
        let xs = x + (y - cy) * t;
        (xs, y - (xs - cx) * t)
    }

    /// Where point (`x`, `y`) of the unprocessed image lies on the prepared one (the inverse of
    /// [`Unprocessed::from_prepared`]).
    pub fn to_prepared(&self, x: f32, y: f32) -> (f32, f32) {
        let t = self.angle.to_radians().tan();
        let (cx, cy) = (
            self.image.width() as f32 / 2.0,
            self.image.height() as f32 / 2.0,
        );
        let py = y + (x - cx) * t;
        (x - (py - cy) * t, py)
    }
}

/// Grey level below which a pixel counts as ink, by Otsu's method on a histogram (128 for an
/// empty one).
pub(crate) fn otsu_of_histogram(hist: &[u64; 256]) -> u8 {
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

/// Largest skew, in degrees, that [`estimate_skew`] looks for.
const MAX_SKEW_DEG: f32 = 3.0;

/// The page's skew in degrees (counter-clockwise positive, as the text lines climb to the right),
/// within ±3°; 0 for a blank page.
pub fn estimate_skew(image: &GrayImage, dpi: u32) -> f32 {
    // Ink pixels on a grid of about 100 dpi, kept as (column, row) of that grid; the threshold is
    // Otsu's on the same samples.
    let step = (dpi / 100).max(1) as usize;
    let (w, h) = (image.width() as usize, image.height() as usize);
    let raw = image.as_raw();
    let mut hist = [0u64; 256];
    for row in raw.chunks_exact(w.max(1)).step_by(step) {
        for p in row.iter().step_by(step) {
            hist[usize::from(*p)] += 1;
        }
    }
    let threshold = otsu_of_histogram(&hist).min(200);
    let cols = w.div_ceil(step);
    let rows = h.div_ceil(step);
    if cols > usize::from(u16::MAX) || rows > usize::from(u16::MAX) {
        return 0.0;
    }
    let mut ink: Vec<(u16, u16)> = Vec::new();
    for (r, row) in raw.chunks_exact(w.max(1)).step_by(step).enumerate() {
        for (c, p) in row.iter().step_by(step).enumerate() {
            if *p <= threshold {
                ink.push((c as u16, r as u16));
            }
        }
    }
    if ink.len() < 50 {
        return 0.0;
    }
    // Sheared rows may fall outside [0, rows); pad by the largest shift.
    let pad = (cols as f32 * MAX_SKEW_DEG.to_radians().tan()).ceil() as usize + 2;
    let mut profile = vec![0u32; rows + 2 * pad];
    let mut shift = vec![0u32; cols];
    let mut score = |deg: f32| -> f64 {
        // A line climbing to the right by `deg` is flat after y + x·tan(deg); the shift of each
        // column is computed once, so the loop over the ink is integer adds.
        let t = f64::from(deg.to_radians().tan());
        for (x, s) in shift.iter_mut().enumerate() {
            *s = ((x as f64 * t).round() + pad as f64) as u32;
        }
        profile.iter_mut().for_each(|c| *c = 0);
        for &(x, y) in &ink {
            profile[(u32::from(y) + shift[usize::from(x)]) as usize] += 1;
        }
        profile
            .windows(2)
            .map(|p| {
                let d = f64::from(p[1]) - f64::from(p[0]);
                d * d
            })
            .sum()
    };
    // Coarse to fine: the peak of this score is about a degree wide at 100 dpi, so 0.25° steps
    // cannot step over it; then 0.05° and 0.01° steps around the best.
    let mut best = (0.0f32, score(0.0));
    let mut search = |centre: f32, step: f32, n: i32, best: &mut (f32, f64)| {
        for i in -n..=n {
            let a = centre + i as f32 * step;
            if i == 0 || a.abs() > MAX_SKEW_DEG {
                continue;
            }
            let s = score(a);
            if s > best.1 {
                *best = (a, s);
            }
        }
    };
    search(0.0, 0.25, 12, &mut best);
    let c = best.0;
    search(c, 0.05, 5, &mut best);
    let c = best.0;
    search(c, 0.01, 4, &mut best);
    (best.0 * 100.0).round() / 100.0
}

/// Rotates `image` by `deg` degrees clockwise (undoing a counter-clockwise skew of `deg`) about
/// its centre, filling uncovered corners with white.
///
/// Done as two shears, each a linear interpolation between two neighbouring pixels (columns moved
/// vertically, then each row moved horizontally), one output row at a time: the second shear
/// moves a whole row by one offset, so its loop is two multiply-adds a pixel with no bounds
/// checks. For the skews a scan has (a few degrees) this differs from an exact rotation by a
/// scale of cos(deg) ≥ 0.998 across the lines. Whole-pixel shears without interpolation, tried
/// first, were as fast but made Tesseract's page layout worse on a fixture page (signature
/// block lines merged with the recipients beside them).
pub fn rotate(image: &GrayImage, deg: f32) -> GrayImage {
    let (w, h) = (image.width() as usize, image.height() as usize);
    if w < 2 || h < 2 || deg == 0.0 || !deg.is_finite() {
        return image.clone();
    }
    let t = f64::from(deg.to_radians().tan());
    let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
    // Vertical shear: sheared pixel (x, y) lies at source row y - v(x), v(x) = t·(x - cx), split
    // into whole rows k and an 8-bit fraction f: (1 - f)·in[y - k] + f·in[y - k - 1].
    let (vk, vf): (Vec<isize>, Vec<u16>) = (0..w)
        .map(|x| {
            let v = (x as f64 + 0.5 - cx) * t;
            let k = v.floor();
            (k as isize, ((v - k) * 256.0).round() as u16)
        })
        .unzip();
    // Columns with the same whole-row offset form runs (a new run every 1/t columns), so each output
    // row blends two contiguous source row slices per run: a loop the compiler vectorises.
    let mut runs: Vec<(usize, usize, isize)> = Vec::new();
    for (x, &k) in vk.iter().enumerate() {
        match runs.last_mut() {
            Some(run) if run.2 == k => run.1 = x + 1,
            _ => runs.push((x, x + 1, k)),
        }
    }
    let src = image.as_raw();
    let white = vec![255u8; w];
    let source_row = |r: isize| -> &[u8] {
        if (0..h as isize).contains(&r) {
            &src[r as usize * w..(r as usize + 1) * w]
        } else {
            &white
        }
    };
    let mut out = vec![255u8; src.len()];
    // One row of the vertically sheared image, padded with white on both sides for the second
    // shear's reads.
    let pad = (cy * t.abs()).ceil() as usize + 2;
    let mut sheared = vec![255u16; w + 2 * pad];
    for (y, row) in out.chunks_exact_mut(w).enumerate() {
        for &(x0, x1, k) in &runs {
            let r = y as isize - k;
            let (upper, lower) = (&source_row(r)[x0..x1], &source_row(r - 1)[x0..x1]);
            let dst = &mut sheared[pad + x0..pad + x1];
            for (((s, &p0), &p1), &f) in dst.iter_mut().zip(upper).zip(lower).zip(&vf[x0..x1]) {
                *s = ((256 - f) * u16::from(p0) + f * u16::from(p1) + 128) >> 8;
            }
        }
        // Horizontal shear: output x reads the sheared row at x + e, e = t·(y - cy).
        let e = (y as f64 + 0.5 - cy) * t;
        let k = e.floor();
        let f = ((e - k) * 256.0).round() as u16;
        let start = (pad as isize + k as isize).clamp(0, (2 * pad - 1) as isize) as usize;
        let (a, b) = (
            &sheared[start..start + w],
            &sheared[start + 1..start + w + 1],
        );
        for ((o, &p0), &p1) in row.iter_mut().zip(a).zip(b) {
            *o = (((256 - f) * p0 + f * p1 + 128) >> 8) as u8;
        }
    }
    GrayImage::from_raw(w as u32, h as u32, out).unwrap_or_else(|| image.clone())
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
    use proptest::prelude::*;

    /// The vertical shear pixel by pixel, as first written: the reference for the run-wise one.
    fn rotate_reference(image: &GrayImage, deg: f32) -> GrayImage {
        let (w, h) = (image.width() as usize, image.height() as usize);
        if w < 2 || h < 2 || deg == 0.0 || !deg.is_finite() {
            return image.clone();
        }
        let t = f64::from(deg.to_radians().tan());
        let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
        let src = image.as_raw();
        let at = |r: isize, x: usize| -> u16 {
            if (0..h as isize).contains(&r) {
                u16::from(src[r as usize * w + x])
            } else {
                255
            }
        };
        let mut out = vec![255u8; src.len()];
        let pad = (cy * t.abs()).ceil() as usize + 2;
        let mut sheared = vec![255u16; w + 2 * pad];
        for (y, row) in out.chunks_exact_mut(w).enumerate() {
            for (x, s) in sheared[pad..pad + w].iter_mut().enumerate() {
                let v = (x as f64 + 0.5 - cx) * t;
                let k = v.floor();
                let f = ((v - k) * 256.0).round() as u16;
                let r = y as isize - k as isize;
                *s = ((256 - f) * at(r, x) + f * at(r - 1, x) + 128) >> 8;
            }
            let e = (y as f64 + 0.5 - cy) * t;
            let k = e.floor();
            let f = ((e - k) * 256.0).round() as u16;
            let start = (pad as isize + k as isize).clamp(0, (2 * pad - 1) as isize) as usize;
            for (x, o) in row.iter_mut().enumerate() {
                let (p0, p1) = (sheared[start + x], sheared[start + x + 1]);
                *o = (((256 - f) * p0 + f * p1 + 128) >> 8) as u8;
            }
        }
        GrayImage::from_raw(w as u32, h as u32, out).unwrap()
    }

    proptest! {
        #[test]
        fn rotation_matches_the_pixel_by_pixel_reference(
            w in 2u32..90, h in 2u32..90, deg in -3.0f32..3.0, seed in any::<u64>()
        ) {
            let mut x = seed | 1;
            let img = GrayImage::from_fn(w, h, |_, _| {
                x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                image::Luma([(x >> 56) as u8])
            });
            prop_assert_eq!(rotate(&img, deg).into_raw(), rotate_reference(&img, deg).into_raw());
        }
    }

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
    fn points_map_between_the_unprocessed_and_the_prepared_image() {
        // A dark dot on a blank page, rotated by `rotate`: the mapped point is where the dot went.
        let (w, h) = (900u32, 1200u32);
        for deg in [-2.0f32, 0.42, 1.3] {
            for (sx, sy) in [(100u32, 100u32), (800, 150), (450, 600), (120, 1100)] {
                let mut img = GrayImage::from_pixel(w, h, image::Luma([255]));
                for y in sy - 3..sy + 3 {
                    for x in sx - 3..sx + 3 {
                        img.put_pixel(x, y, image::Luma([0]));
                    }
                }
                let out = rotate(&img, deg);
                let (mut n, mut mx, mut my) = (0f32, 0f32, 0f32);
                for (x, y, p) in out.enumerate_pixels() {
                    let ink = 255.0 - f32::from(p[0]);
                    n += ink;
                    mx += ink * (x as f32 + 0.5);
                    my += ink * (y as f32 + 0.5);
                }
                let (cx, cy) = (mx / n, my / n);
                let kept = Unprocessed {
                    image: img,
                    angle: deg,
                };
                let (px, py) = kept.to_prepared(sx as f32, sy as f32);
                assert!(
                    (px - cx).abs() < 1.5 && (py - cy).abs() < 1.5,
                    "{deg}°: ({sx},{sy}) went to ({cx:.1},{cy:.1}), mapped to ({px:.1},{py:.1})"
                );
                let (bx, by) = kept.from_prepared(px, py);
                assert!((bx - sx as f32).abs() < 0.01 && (by - sy as f32).abs() < 0.01);
            }
        }
    }

    #[test]
    fn the_unprocessed_image_is_kept_only_when_asked_and_changed() {
        let page = lined_page(1.0);
        let (out, kept) = Prepare::default().run_keeping(page.clone(), 300, true);
        let kept = kept.expect("a skewed page is rotated");
        assert_eq!(kept.image, page);
        assert!((kept.angle - 1.0).abs() <= 0.1);
        assert_ne!(out, page);
        assert!(Prepare::default()
            .run_keeping(page.clone(), 300, false)
            .1
            .is_none());
        let straight = lined_page(0.0);
        let (out, kept) = Prepare::default().run_keeping(straight.clone(), 300, true);
        assert!(kept.is_none());
        assert_eq!(out, straight);
    }

    #[test]
    fn blank_and_tiny_images_are_left_alone() {
        let blank = GrayImage::from_pixel(50, 50, image::Luma([255]));
        assert_eq!(estimate_skew(&blank, 300), 0.0);
        assert_eq!(prepare(blank.clone(), 300), blank);
        let one = GrayImage::from_pixel(1, 1, image::Luma([0]));
        assert_eq!(prepare(one, 300).dimensions(), (1, 1));
        let empty = GrayImage::new(0, 0);
        assert_eq!(prepare(empty, 300).dimensions(), (0, 0));
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
