//! Phone photos of a page: the sheet is found against the desk around it and its perspective is
//! undone, so that OCR gets straight, parallel lines. A photo taken at an angle shows the sheet as
//! a quadrilateral (the far edge narrower); Tesseract's layout then cuts lines that fan out into
//! pieces (`Căn cứ Luật Tổ chức…` read as `Tả` and `Cá`).
//!
//! The sheet is the largest bright region of the image (Otsu's threshold on a copy reduced to
//! about 800 pixels), when the image's border is mostly not bright (a scan's paper reaches its
//! edges: nothing to do). Its corners are the region's extreme points along the two diagonals;
//! the region must fill the quadrilateral they make (a sheet, not a blob) and the quadrilateral
//! must differ from the image's own frame. The output is the sheet mapped onto a rectangle as wide
//! and as high as its longer edges, by the homography of the four corners, sampled bilinearly.

use image::GrayImage;

/// Long side of the reduced copy the sheet is looked for on.
const SEARCH_SIDE: u32 = 800;
/// Share of the image's border that may be bright before the image counts as all sheet.
const MAX_BRIGHT_BORDER: f32 = 0.5;
/// Smallest share of the image the sheet covers.
const MIN_SHEET: f32 = 0.3;
/// Smallest share of the corners' quadrilateral the bright region fills.
const MIN_FILL: f32 = 0.9;

/// A point in image pixels.
type Pt = (f32, f32);

/// The sheet's corners in a photo (top left, top right, bottom right, bottom left), in the image's
/// pixels, if the image is a photo of a sheet on a darker ground.
pub fn find_sheet(image: &GrayImage) -> Option<[Pt; 4]> {
    let (w, h) = image.dimensions();
    if w < 64 || h < 64 {
        return None;
    }
    let small = crate::downscale(image, SEARCH_SIDE);
    let k = w as f32 / small.width() as f32;
    let (sw, sh) = (small.width() as usize, small.height() as usize);
    let mut hist = [0u64; 256];
    for p in small.as_raw() {
        hist[*p as usize] += 1;
    }
    let t = crate::prepare::otsu_of_histogram(&hist);
    let px = small.as_raw();
    let bright = |x: usize, y: usize| px[y * sw + x] > t;
    let border: Vec<(usize, usize)> = (0..sw)
        .flat_map(|x| [(x, 0), (x, sh - 1)])
        .chain((0..sh).flat_map(|y| [(0, y), (sw - 1, y)]))
        .collect();
    let lit = border.iter().filter(|&&(x, y)| bright(x, y)).count();
    if lit as f32 > MAX_BRIGHT_BORDER * border.len() as f32 {
        return None;
    }
    // The largest 4-connected bright region.
    let mut label = vec![0u32; sw * sh];
    let (mut best, mut best_n, mut next) = (0u32, 0usize, 0u32);
    let mut stack = Vec::new();
    for start in 0..sw * sh {
        if label[start] != 0 || px[start] <= t {
            continue;
        }
        next += 1;
        label[start] = next;
        stack.push(start);
        let mut n = 0usize;
        while let Some(i) = stack.pop() {
            n += 1;
            let (x, y) = (i % sw, i / sw);
            let mut visit = |j: usize| {
                if label[j] == 0 && px[j] > t {
                    label[j] = next;
                    stack.push(j);
                }
            };
            if x > 0 {
                visit(i - 1);
            }
            if x + 1 < sw {
                visit(i + 1);
            }
            if y > 0 {
                visit(i - sw);
            }
            if y + 1 < sh {
                visit(i + sw);
            }
        }
        if n > best_n {
            (best, best_n) = (next, n);
        }
    }
    if (best_n as f32) < MIN_SHEET * (sw * sh) as f32 {
        return None;
    }
    // Extreme points along the diagonals; the region's filled area (its rows' spans) for the check.
    let (mut tl, mut tr, mut br, mut bl) =
        ((0, i64::MAX), (0, i64::MIN), (0, i64::MIN), (0, i64::MAX));
    let mut filled = 0usize;
    for y in 0..sh {
        let row = &label[y * sw..(y + 1) * sw];
        let (Some(x0), Some(x1)) = (
            row.iter().position(|&l| l == best),
            row.iter().rposition(|&l| l == best),
        ) else {
            continue;
        };
        filled += x1 - x0 + 1;
        for x in [x0, x1] {
            let i = y * sw + x;
            let (s, d) = ((x + y) as i64, x as i64 - y as i64);
            if s < tl.1 {
                tl = (i, s);
            }
            if s > br.1 {
                br = (i, s);
            }
            if d > tr.1 {
                tr = (i, d);
            }
            if d < bl.1 {
                bl = (i, d);
            }
        }
    }
    let at = |i: usize| ((i % sw) as f32 + 0.5, (i / sw) as f32 + 0.5);
    let quad = [at(tl.0), at(tr.0), at(br.0), at(bl.0)];
    let area = quad_area(&quad);
    // the region fills its corners' quadrilateral, no less and no more (a sheet, not a blob)
    if area < MIN_SHEET * (sw * sh) as f32 || (area - filled as f32).abs() > (1.0 - MIN_FILL) * area
    {
        return None;
    }
    // Already the image's frame (within 2 % of each corner): nothing to undo.
    let frame = rect(sw as f32, sh as f32);
    let near = quad
        .iter()
        .zip(frame)
        .all(|(a, b)| (a.0 - b.0).abs() < 0.02 * sw as f32 && (a.1 - b.1).abs() < 0.02 * sh as f32);
    if near {
        return None;
    }
    Some(quad.map(|(x, y)| (x * k, y * k)))
}

/// The corners of a `w` × `h` rectangle at the origin (top left, top right, bottom right, bottom
/// left).
fn rect(w: f32, h: f32) -> [Pt; 4] {
    [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)]
}

/// Area of a quadrilateral (shoelace formula).
fn quad_area(q: &[Pt; 4]) -> f32 {
    let s: f32 = (0..4)
        .map(|i| {
            let (a, b) = (q[i], q[(i + 1) % 4]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum();
    s.abs() / 2.0
}

fn dist(a: Pt, b: Pt) -> f32 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// The homography (8 coefficients, the ninth 1) that maps each `from` point onto its `to` point,
/// if the points are in general position.
fn homography(from: &[Pt; 4], to: &[Pt; 4]) -> Option<[f64; 8]> {
    let mut m = [[0f64; 9]; 8];
    for i in 0..4 {
        let (x, y) = (f64::from(from[i].0), f64::from(from[i].1));
        let (u, v) = (f64::from(to[i].0), f64::from(to[i].1));
        m[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
        m[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
    }
    // Gaussian elimination with partial pivoting.
    for c in 0..8 {
        let p = (c..8).max_by(|&a, &b| m[a][c].abs().total_cmp(&m[b][c].abs()))?;
        if m[p][c].abs() < 1e-9 {
            return None;
        }
        m.swap(c, p);
        for r in 0..8 {
            if r != c {
                let f = m[r][c] / m[c][c];
                let pivot = m[c];
                for (x, p) in m[r][c..].iter_mut().zip(&pivot[c..]) {
                    *x -= f * p;
                }
            }
        }
    }
    let mut out = [0f64; 8];
    for (i, o) in out.iter_mut().enumerate() {
        *o = m[i][8] / m[i][i];
    }
    Some(out)
}

/// The photographed sheet straightened: the quadrilateral `corners` (top left, top right, bottom
/// right, bottom left) mapped onto a rectangle as wide and as high as its longer edges.
pub fn flatten(image: &GrayImage, corners: &[Pt; 4]) -> Option<GrayImage> {
    let [tl, tr, br, bl] = *corners;
    let w = dist(tl, tr).max(dist(bl, br)).round() as u32;
    let h = dist(tl, bl).max(dist(tr, br)).round() as u32;
    if w < 16 || h < 16 {
        return None;
    }
    let c = homography(&rect(w as f32, h as f32), corners)?;
    let (iw, ih) = image.dimensions();
    let src = image.as_raw();
    let mut out = vec![255u8; (w * h) as usize];
    for (y, row) in out.chunks_exact_mut(w as usize).enumerate() {
        let yf = y as f64 + 0.5;
        for (x, o) in row.iter_mut().enumerate() {
            let xf = x as f64 + 0.5;
            let d = c[6] * xf + c[7] * yf + 1.0;
            let sx = (c[0] * xf + c[1] * yf + c[2]) / d - 0.5;
            let sy = (c[3] * xf + c[4] * yf + c[5]) / d - 0.5;
            if sx < 0.0 || sy < 0.0 || sx >= (iw - 1) as f64 || sy >= (ih - 1) as f64 {
                continue;
            }
            let (x0, y0) = (sx as usize, sy as usize);
            let (fx, fy) = (sx - x0 as f64, sy - y0 as f64);
            let i = y0 * iw as usize + x0;
            let (a, b) = (f64::from(src[i]), f64::from(src[i + 1]));
            let (cc, dd) = (
                f64::from(src[i + iw as usize]),
                f64::from(src[i + iw as usize + 1]),
            );
            let top = a + (b - a) * fx;
            let bottom = cc + (dd - cc) * fx;
            *o = (top + (bottom - top) * fy).round().clamp(0.0, 255.0) as u8;
        }
    }
    GrayImage::from_raw(w, h, out)
}

/// The image with a photographed sheet straightened, or the image as it is when it is no photo
/// of a sheet on a darker ground (every scan).
pub fn straighten_photo(image: GrayImage) -> GrayImage {
    match find_sheet(&image).and_then(|q| flatten(&image, &q)) {
        Some(flat) => {
            tracing::debug!(
                from = ?image.dimensions(),
                to = ?flat.dimensions(),
                "a photographed sheet straightened"
            );
            flat
        }
        None => image,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    /// A grey desk with a white sheet whose corners are `q`, and dark text-like bars inside its
    /// margins.
    fn photo(w: u32, h: u32, q: [Pt; 4]) -> GrayImage {
        let inside = |x: f32, y: f32| {
            (0..4).all(|i| {
                let (a, b) = (q[i], q[(i + 1) % 4]);
                (b.0 - a.0) * (y - a.1) - (b.1 - a.1) * (x - a.0) >= 0.0
            })
        };
        GrayImage::from_fn(w, h, |x, y| {
            let (xf, yf) = (x as f32, y as f32);
            if !inside(xf, yf) {
                Luma([90])
            } else if y % 40 < 8
                && x % 60 < 45
                && (200..800).contains(&x)
                && (200..1100).contains(&y)
            {
                Luma([20])
            } else {
                Luma([235])
            }
        })
    }

    #[test]
    fn a_sheet_photographed_at_an_angle_is_found_and_made_straight() {
        let q = [
            (120.0, 80.0),
            (860.0, 110.0),
            (930.0, 1250.0),
            (60.0, 1220.0),
        ];
        let img = photo(1000, 1330, q);
        let found = find_sheet(&img).expect("sheet");
        for (a, b) in found.iter().zip(q) {
            assert!(dist(*a, b) < 8.0, "{found:?} against {q:?}");
        }
        let flat = flatten(&img, &found).expect("flat");
        // as wide and high as the longer edges; no desk left at the corners
        assert!(
            (flat.width() as i32 - 870).abs() < 12,
            "{:?}",
            flat.dimensions()
        );
        assert!(
            (flat.height() as i32 - 1142).abs() < 12,
            "{:?}",
            flat.dimensions()
        );
        for (x, y) in [(6, 6), (flat.width() - 6, 6), (6, flat.height() - 6)] {
            assert!(flat.get_pixel(x, y)[0] > 150, "desk at {x},{y}");
        }
    }

    #[test]
    fn a_scan_whose_paper_reaches_its_edges_is_left_alone() {
        let q = [(0.0, 0.0), (1000.0, 0.0), (1000.0, 1330.0), (0.0, 1330.0)];
        let img = photo(1000, 1330, q);
        assert_eq!(find_sheet(&img), None);
        let same = straighten_photo(img.clone());
        assert_eq!(same, img);
        // and a blank or tiny image
        assert_eq!(find_sheet(&GrayImage::new(10, 10)), None);
        assert_eq!(
            find_sheet(&GrayImage::from_pixel(500, 700, Luma([255]))),
            None
        );
    }

    #[test]
    fn a_bright_blob_that_is_no_sheet_is_left_alone() {
        // a white disc on the desk: its corners' quadrilateral is not filled
        let img = GrayImage::from_fn(800, 800, |x, y| {
            let (dx, dy) = (x as f32 - 400.0, y as f32 - 400.0);
            Luma(if dx * dx + dy * dy < 300.0 * 300.0 {
                [240]
            } else {
                [80]
            })
        });
        assert_eq!(find_sheet(&img), None);
    }

    proptest::proptest! {
        #[test]
        fn any_image_is_straightened_or_left_without_panicking(
            w in 1u32..200, h in 1u32..200, seed in 0u64..1000,
        ) {
            let img = GrayImage::from_fn(w, h, |x, y| {
                let v = (x as u64 * 31 + y as u64 * 17 + seed * 7) % 256;
                Luma([if (x + y) % 7 == 0 { 255 } else { v as u8 }])
            });
            let out = straighten_photo(img.clone());
            proptest::prop_assert!(out.width() > 0 && out.height() > 0);
        }
    }

    #[test]
    fn the_homography_maps_the_corners() {
        let a = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)];
        let b = [(1.0, 2.0), (12.0, 1.0), (13.0, 14.0), (0.0, 11.0)];
        let c = homography(&a, &b).expect("h");
        for (p, q) in a.iter().zip(b) {
            let (x, y) = (f64::from(p.0), f64::from(p.1));
            let d = c[6] * x + c[7] * y + 1.0;
            let u = (c[0] * x + c[1] * y + c[2]) / d;
            let v = (c[3] * x + c[4] * y + c[5]) / d;
            assert!((u - f64::from(q.0)).abs() < 1e-6 && (v - f64::from(q.1)).abs() < 1e-6);
        }
    }
}
