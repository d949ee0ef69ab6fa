//! A seal's ring on a page: the outer circle of an official seal (Decree 30: round, 32–42 mm
//! across) found by a circle vote (a Hough transform over the ink of a window, on cells of about
//! half a millimetre), so that the ring's ink can be told from the print it touches. On a bilevel
//! or grey scan a seal is as dark as the print: where its ring runs into the signer's name
//! (`Lê Minh Hưng` with the ring against the `L`), the name's line read with the seal's disc made
//! paper reads whole.

use image::{GrayImage, Luma};
use vanban_doc::BBox;

/// Darker than this is ink (a seal on a grey copy is 0–150 of 255).
const INK: u8 = 150;
/// Radii looked for, in millimetres (seals 28–46 mm across, with room for a scan's scale).
const RADIUS_MM: (f32, f32) = (14.0, 23.0);
/// A ring is taken when at least this share of its circumference is ink.
const MIN_COVER: f32 = 0.55;

/// A seal's outer ring, in page pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ring {
    /// Centre, x.
    pub cx: f32,
    /// Centre, y.
    pub cy: f32,
    /// Radius of the ring's middle.
    pub r: f32,
    /// Half the width of the band around the radius that holds the ring's ink.
    pub half_width: f32,
}

impl Ring {
    /// Makes the seal's disc, up to the ring's outer edge, paper in `crop`, cut at `(x0, y0)` of
    /// the page: the print outside it stays (the seal's ring, emblem and lettering read as junk).
    pub fn blank_disc(&self, crop: &mut GrayImage, (x0, y0): (u32, u32)) {
        let outer = self.r + self.half_width;
        let o2 = outer * outer;
        for (x, y, p) in crop.enumerate_pixels_mut() {
            let dx = (x0 + x) as f32 - self.cx;
            let dy = (y0 + y) as f32 - self.cy;
            if dx * dx + dy * dy <= o2 {
                *p = Luma([255]);
            }
        }
    }
}

/// Finds the most complete seal ring whose centre lies in `window` of the page (at `dpi`), if
/// one covers at least [`MIN_COVER`] of its circumference with ink.
pub fn find_ring(image: &GrayImage, window: BBox, dpi: u32) -> Option<Ring> {
    let (w, h) = image.dimensions();
    let dpi = dpi.max(50);
    // cells of about half a millimetre
    let cell = (dpi / 50).max(1);
    let mm = dpi as f32 / 25.4;
    let (r_min, r_max) = (
        (RADIUS_MM.0 * mm / cell as f32).floor() as i32,
        (RADIUS_MM.1 * mm / cell as f32).ceil() as i32,
    );
    // The ink looked at: the window, widened by the largest radius.
    let pad = r_max as u32 * cell;
    let x0 = window.x0.saturating_sub(pad);
    let y0 = window.y0.saturating_sub(pad);
    let x1 = (window.x1 + pad).min(w);
    let y1 = (window.y1 + pad).min(h);
    if x1 <= x0 + cell || y1 <= y0 + cell {
        return None;
    }
    let (cw, ch) = (((x1 - x0) / cell) as i32, ((y1 - y0) / cell) as i32);
    let mut ink: Vec<(i32, i32)> = Vec::new();
    for cy in 0..ch {
        for cx in 0..cw {
            let (px, py) = (x0 + cx as u32 * cell, y0 + cy as u32 * cell);
            let dark = (0..cell)
                .flat_map(|dy| (0..cell).map(move |dx| (dx, dy)))
                .filter(|&(dx, dy)| image.get_pixel(px + dx, py + dy).0[0] < INK)
                .count();
            if dark * 4 >= (cell * cell) as usize {
                ink.push((cx, cy));
            }
        }
    }
    // a page of ink is no seal's place (and would cost too much)
    if ink.len() > (cw * ch) as usize / 3 {
        return None;
    }
    // centres only inside the window
    let (wx0, wy0) = (
        ((window.x0.max(x0) - x0) / cell) as i32,
        ((window.y0.max(y0) - y0) / cell) as i32,
    );
    let (wx1, wy1) = (
        ((window.x1.min(x1) - x0) / cell) as i32,
        ((window.y1.min(y1) - y0) / cell) as i32,
    );
    let (aw, ah) = (wx1 - wx0, wy1 - wy0);
    if aw <= 0 || ah <= 0 {
        return None;
    }
    let mut acc = vec![0u16; (aw * ah) as usize];
    // per radius: (cover, x, y) of its best centre, in cells
    let mut by_r: Vec<(f32, i32, i32)> = Vec::with_capacity((r_max - r_min + 1).max(0) as usize);
    for r in r_min..=r_max {
        // the circle's cells, each once
        let n = (2.0 * std::f32::consts::PI * r as f32).ceil() as usize;
        let mut offs: Vec<(i32, i32)> = (0..n)
            .map(|k| {
                let t = k as f32 * 2.0 * std::f32::consts::PI / n as f32;
                (
                    (r as f32 * t.cos()).round() as i32,
                    (r as f32 * t.sin()).round() as i32,
                )
            })
            .collect();
        offs.sort_unstable();
        offs.dedup();
        acc.fill(0);
        for &(ix, iy) in &ink {
            for &(dx, dy) in &offs {
                let (ax, ay) = (ix - dx - wx0, iy - dy - wy0);
                if ax >= 0 && ay >= 0 && ax < aw && ay < ah {
                    let a = &mut acc[(ay * aw + ax) as usize];
                    *a = a.saturating_add(1);
                }
            }
        }
        let (i, &v) = acc.iter().enumerate().max_by_key(|(_, v)| **v)?;
        by_r.push((
            v as f32 / offs.len() as f32,
            i as i32 % aw + wx0,
            i as i32 / aw + wy0,
        ));
    }
    let (b, &(cover, cx, cy)) = by_r
        .iter()
        .enumerate()
        .max_by(|a, b| a.1 .0.total_cmp(&b.1 .0))?;
    if cover < MIN_COVER {
        return None;
    }
    // The ring's band: the radii next to the best whose circles about the same centre are ink
    // too (a seal's outer ring is 1–2 mm wide).
    let same = |k: usize| {
        let (c, x, y) = by_r[k];
        c >= cover * 0.8 && (x - cx).abs() <= 2 && (y - cy).abs() <= 2
    };
    let hi = (b..by_r.len()).take_while(|&k| same(k)).last().unwrap_or(b);
    let lo = (0..=b).rev().take_while(|&k| same(k)).last().unwrap_or(b);
    let c = cell as f32;
    let coarse = Ring {
        cx: x0 as f32 + (cx as f32 + 0.5) * c,
        cy: y0 as f32 + (cy as f32 + 0.5) * c,
        r: (r_min + (lo + hi) as i32 / 2) as f32 * c,
        half_width: ((hi - lo) as f32 / 2.0 + 1.0) * c,
    };
    tracing::debug!(cover, ring = ?coarse, "seal ring");
    Some(coarse)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page with a ring of radius `r` and width `wd` at `(cx, cy)`, and a bar of print.
    fn page(cx: f32, cy: f32, r: f32, wd: f32) -> GrayImage {
        let mut img = GrayImage::from_pixel(900, 700, Luma([250]));
        for (x, y, p) in img.enumerate_pixels_mut() {
            let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
            // a ring with a gap (a seal's ring is broken by the print over it)
            if (d - r).abs() <= wd / 2.0 && !(x as f32 > cx && y as f32 > cy) {
                *p = Luma([20]);
            }
            if (500..520).contains(&y) && (600..880).contains(&x) {
                *p = Luma([10]);
            }
        }
        img
    }

    #[test]
    fn a_seal_ring_is_found_where_it_is_and_print_alone_has_none() {
        // 200 dpi: a 40 mm seal is 315 px across
        let img = page(400.0, 350.0, 157.0, 8.0);
        let window = BBox {
            x0: 200,
            y0: 150,
            x1: 700,
            y1: 550,
        };
        let ring = find_ring(&img, window, 200).expect("a ring");
        assert!((ring.cx - 400.0).abs() <= 6.0, "{ring:?}");
        assert!((ring.cy - 350.0).abs() <= 6.0, "{ring:?}");
        assert!((ring.r - 157.0).abs() <= 6.0, "{ring:?}");
        // the disc made paper, the print beside it kept
        let mut crop = img.clone();
        ring.blank_disc(&mut crop, (0, 0));
        assert_eq!(crop.get_pixel(243, 350).0[0], 255);
        assert_eq!(crop.get_pixel(700, 510).0[0], 10);
        // print without a ring
        let plain = page(-1000.0, -1000.0, 157.0, 8.0);
        assert_eq!(find_ring(&plain, window, 200), None);
    }
}
