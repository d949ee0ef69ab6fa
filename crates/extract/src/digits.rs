//! The handwritten-digit recogniser: a small convolutional network (two 5×5 convolutions with
//! pooling, 8 and 16 filters, then 256 → 64 → 11) trained on MNIST digits with printed digits added and the templates' printed letters as an eleventh class,
//! "not a digit" (`dictionaries/digits/train.py`; weights in `dictionaries/digits/digits.bin`,
//! compiled into the binary). This module owns the model, the image normalisation it was trained
//! with (slant correction, a 20-pixel box, centre of mass in the middle of 28×28) and the
//! classification of one digit image; cutting a blank into digits is [`crate::handwriting`]'s.

use std::sync::LazyLock;

/// The weights, as `train.py` writes them.
const WEIGHTS: &[u8] = include_bytes!("../../../dictionaries/digits/digits.bin");

/// Side of the recogniser's input image.
pub(crate) const SIDE: usize = 28;
/// Classes: the digits 0–9, then "not a digit".
pub(crate) const CLASSES: usize = 11;
/// The class of printed letters and marks.
pub(crate) const NOT_DIGIT: usize = 10;

/// The recogniser's layers (see `train.py` for their layout).
pub(crate) struct Model {
    c1: usize,
    c2: usize,
    hidden: usize,
    conv1: Vec<f32>,
    bias1: Vec<f32>,
    conv2: Vec<f32>,
    bias2: Vec<f32>,
    fc1: Vec<f32>,
    fbias1: Vec<f32>,
    fc2: Vec<f32>,
    fbias2: Vec<f32>,
}

/// The model compiled into the binary.
pub(crate) static MODEL: LazyLock<Model> =
    LazyLock::new(|| Model::parse(WEIGHTS).expect("the committed digits.bin is well formed"));

fn f16_to_f32(h: u16) -> f32 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((h >> 10) & 0x1f);
    let frac = f32::from(h & 0x3ff);
    match exp {
        0 => sign * frac * 2f32.powi(-24),
        31 => {
            if frac == 0.0 {
                sign * f32::INFINITY
            } else {
                f32::NAN
            }
        }
        e => sign * (1.0 + frac / 1024.0) * 2f32.powi(e - 15),
    }
}

/// A 5×5 convolution (valid), ReLU, then 2×2 max pooling, on a `side`×`side`×`cin` image laid out
/// (y, x, c); weights rows `(ky*5+kx)*cin+c`, one column per filter.
fn conv_pool(x: &[f32], side: usize, cin: usize, w: &[f32], b: &[f32], cout: usize) -> Vec<f32> {
    let o = side - 4;
    let mut z = vec![0f32; o * o * cout];
    for y in 0..o {
        for xx in 0..o {
            let out = &mut z[(y * o + xx) * cout..(y * o + xx + 1) * cout];
            out.copy_from_slice(b);
            for ky in 0..5 {
                for kx in 0..5 {
                    let px = &x[((y + ky) * side + xx + kx) * cin..][..cin];
                    for (c, &v) in px.iter().enumerate() {
                        if v == 0.0 {
                            continue;
                        }
                        let row = &w[((ky * 5 + kx) * cin + c) * cout..][..cout];
                        for (acc, wv) in out.iter_mut().zip(row) {
                            *acc += v * wv;
                        }
                    }
                }
            }
        }
    }
    let p = o / 2;
    let mut pooled = vec![0f32; p * p * cout];
    for y in 0..p {
        for xx in 0..p {
            for c in 0..cout {
                let at = |dy: usize, dx: usize| z[((2 * y + dy) * o + 2 * xx + dx) * cout + c];
                let m = at(0, 0).max(at(0, 1)).max(at(1, 0)).max(at(1, 1));
                pooled[(y * p + xx) * cout + c] = m.max(0.0);
            }
        }
    }
    pooled
}

/// `x` times a matrix with `x.len()` rows and `cols` columns, plus a bias.
fn dense(x: &[f32], w: &[f32], b: &[f32], cols: usize) -> Vec<f32> {
    let mut out = b.to_vec();
    for (i, &v) in x.iter().enumerate() {
        if v == 0.0 {
            continue;
        }
        for (acc, wv) in out.iter_mut().zip(&w[i * cols..(i + 1) * cols]) {
            *acc += v * wv;
        }
    }
    out
}

impl Model {
    /// Reads the `VBDG` version 2 layout: header, then the layers as little-endian half floats.
    pub(crate) fn parse(bytes: &[u8]) -> Option<Model> {
        let u32_at = |i: usize| -> Option<usize> {
            let b = bytes.get(i..i + 4)?;
            Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
        };
        if bytes.get(..4)? != b"VBDG" || u32_at(4)? != 2 {
            return None;
        }
        let (c1, c2, hidden, out) = (u32_at(8)?, u32_at(12)?, u32_at(16)?, u32_at(20)?);
        if out != CLASSES || c1 == 0 || c2 == 0 || hidden == 0 || c1 * c2 * hidden > 1 << 24 {
            return None;
        }
        let mut at = 24;
        let mut take = |n: usize| -> Option<Vec<f32>> {
            let b = bytes.get(at..at + 2 * n)?;
            at += 2 * n;
            Some(
                b.chunks_exact(2)
                    .map(|c| f16_to_f32(u16::from_le_bytes([c[0], c[1]])))
                    .collect(),
            )
        };
        let m = Model {
            c1,
            c2,
            hidden,
            conv1: take(25 * c1)?,
            bias1: take(c1)?,
            conv2: take(25 * c1 * c2)?,
            bias2: take(c2)?,
            fc1: take(16 * c2 * hidden)?,
            fbias1: take(hidden)?,
            fc2: take(hidden * out)?,
            fbias2: take(out)?,
        };
        (at == bytes.len()).then_some(m)
    }

    /// Class probabilities (calibrated softmax) of a normalised 28×28 image.
    pub(crate) fn probs(&self, x: &[f32]) -> [f32; CLASSES] {
        let p1 = conv_pool(x, SIDE, 1, &self.conv1, &self.bias1, self.c1);
        let p2 = conv_pool(&p1, 12, self.c1, &self.conv2, &self.bias2, self.c2);
        let h: Vec<f32> = dense(&p2, &self.fc1, &self.fbias1, self.hidden)
            .into_iter()
            .map(|v| v.max(0.0))
            .collect();
        let logits = dense(&h, &self.fc2, &self.fbias2, CLASSES);
        let mut z = [0f32; CLASSES];
        z.copy_from_slice(&logits);
        let max = z.iter().copied().fold(f32::MIN, f32::max);
        let mut sum = 0.0;
        for v in &mut z {
            *v = (*v - max).exp();
            sum += *v;
        }
        z.map(|v| v / sum)
    }
}

/// An ink image: values 0..1, ink high, row by row.
#[derive(Clone, Debug)]
pub(crate) struct Ink {
    /// Width.
    pub w: usize,
    /// Height.
    pub h: usize,
    /// The values.
    pub px: Vec<f32>,
}

impl Ink {
    fn at(&self, x: usize, y: usize) -> f32 {
        self.px[y * self.w + x]
    }

    /// The part inside the box of the pixels above 0.1 (None when there is none).
    fn trimmed(&self) -> Option<Ink> {
        let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
        for y in 0..self.h {
            for x in 0..self.w {
                if self.at(x, y) > 0.1 {
                    x0 = x0.min(x);
                    y0 = y0.min(y);
                    x1 = x1.max(x);
                    y1 = y1.max(y);
                }
            }
        }
        if x0 == usize::MAX {
            return None;
        }
        let (w, h) = (x1 - x0 + 1, y1 - y0 + 1);
        let mut px = Vec::with_capacity(w * h);
        for y in y0..=y1 {
            px.extend_from_slice(&self.px[y * self.w + x0..y * self.w + x1 + 1]);
        }
        Some(Ink { w, h, px })
    }

    /// Bilinear sample (0 outside).
    fn sample(&self, x: f32, y: f32) -> f32 {
        let (fx, fy) = (x.floor(), y.floor());
        let (ax, ay) = (x - fx, y - fy);
        let get = |xi: f32, yi: f32| {
            if xi < 0.0 || yi < 0.0 || xi >= self.w as f32 || yi >= self.h as f32 {
                0.0
            } else {
                self.at(xi as usize, yi as usize)
            }
        };
        get(fx, fy) * (1.0 - ax) * (1.0 - ay)
            + get(fx + 1.0, fy) * ax * (1.0 - ay)
            + get(fx, fy + 1.0) * (1.0 - ax) * ay
            + get(fx + 1.0, fy + 1.0) * ax * ay
    }
}

/// The image as the recogniser was trained on it (`normalize` in `train.py`): slant corrected by
/// the ink's second moments, longest side scaled to 20 pixels, centre of mass at the middle of a
/// 28×28 image.
pub(crate) fn normalize(ink: &Ink) -> Vec<f32> {
    let mut out = vec![0f32; SIDE * SIDE];
    let Some(ink) = ink.trimmed() else {
        return out;
    };
    // Slant: shear so that the ink's axis stands upright.
    let (mut tot, mut sy, mut sx) = (0f64, 0f64, 0f64);
    for y in 0..ink.h {
        for x in 0..ink.w {
            let v = f64::from(ink.at(x, y));
            tot += v;
            sy += v * y as f64;
            sx += v * x as f64;
        }
    }
    if tot <= 0.0 {
        return out;
    }
    let (yc, xc) = (sy / tot, sx / tot);
    let (mut vy, mut cxy) = (0f64, 0f64);
    for y in 0..ink.h {
        for x in 0..ink.w {
            let v = f64::from(ink.at(x, y));
            vy += v * (y as f64 - yc).powi(2);
            cxy += v * (y as f64 - yc) * (x as f64 - xc);
        }
    }
    let s = if vy / tot < 1e-6 {
        0.0
    } else {
        (cxy / vy).clamp(-0.6, 0.6)
    };
    let pad = (s.abs() * ink.h as f64 / 2.0).ceil() as usize + 1;
    let sw = ink.w + 2 * pad;
    let mut sheared = Ink {
        w: sw,
        h: ink.h,
        px: vec![0.0; sw * ink.h],
    };
    for y in 0..ink.h {
        for x in 0..sw {
            let src_x = x as f64 + s * (y as f64 + 0.5 - yc) - pad as f64;
            sheared.px[y * sw + x] = ink.sample(src_x as f32, y as f32);
        }
    }
    let Some(ink) = sheared.trimmed() else {
        return out;
    };
    // Longest side to 20 pixels, by area averaging.
    let k = 20.0 / ink.w.max(ink.h) as f32;
    let nw = ((ink.w as f32 * k).round() as usize).clamp(1, 20);
    let nh = ((ink.h as f32 * k).round() as usize).clamp(1, 20);
    let small = box_resize(&ink, nw, nh);
    let (mut tot, mut cy, mut cx) = (0f32, 0f32, 0f32);
    for y in 0..nh {
        for x in 0..nw {
            let v = small[y * nw + x];
            tot += v;
            cy += v * y as f32;
            cx += v * x as f32;
        }
    }
    if tot <= 0.0 {
        return out;
    }
    let oy = (14.0 - cy / tot - 0.5).round() as i32;
    let ox = (14.0 - cx / tot - 0.5).round() as i32;
    for y in 0..nh {
        let ty = y as i32 + oy;
        if !(0..SIDE as i32).contains(&ty) {
            continue;
        }
        for x in 0..nw {
            let tx = x as i32 + ox;
            if (0..SIDE as i32).contains(&tx) {
                out[ty as usize * SIDE + tx as usize] = small[y * nw + x];
            }
        }
    }
    out
}

/// Area-averaging resize.
fn box_resize(ink: &Ink, nw: usize, nh: usize) -> Vec<f32> {
    let (fx, fy) = (ink.w as f32 / nw as f32, ink.h as f32 / nh as f32);
    let mut out = vec![0f32; nw * nh];
    for oy in 0..nh {
        let (y0, y1) = (oy as f32 * fy, (oy + 1) as f32 * fy);
        for ox in 0..nw {
            let (x0, x1) = (ox as f32 * fx, (ox + 1) as f32 * fx);
            let (mut sum, mut area) = (0f32, 0f32);
            let mut y = y0.floor() as usize;
            while (y as f32) < y1 && y < ink.h {
                let wy = (y1.min(y as f32 + 1.0) - y0.max(y as f32)).max(0.0);
                let mut x = x0.floor() as usize;
                while (x as f32) < x1 && x < ink.w {
                    let wx = (x1.min(x as f32 + 1.0) - x0.max(x as f32)).max(0.0);
                    sum += ink.at(x, y) * wx * wy;
                    area += wx * wy;
                    x += 1;
                }
                y += 1;
            }
            out[oy * nw + ox] = if area > 0.0 { sum / area } else { 0.0 };
        }
    }
    out
}

/// Class probabilities of one digit's ink.
pub(crate) fn classify(ink: &Ink) -> [f32; CLASSES] {
    MODEL.probs(&normalize(ink))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 1,000 held-out MNIST digits `train.py` saved (never trained on): 40 per row, a
    /// hundred of each digit in order.
    fn heldout() -> Vec<(usize, Ink)> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../dictionaries/digits/heldout.png"
        );
        let img = image::open(path).expect("heldout.png").to_luma8();
        (0..1000)
            .map(|k| {
                let (r, c) = (k / 40, k % 40);
                let mut px = Vec::with_capacity(SIDE * SIDE);
                for y in 0..SIDE {
                    for x in 0..SIDE {
                        let v = img.get_pixel((c * SIDE + x) as u32, (r * SIDE + y) as u32)[0];
                        px.push(f32::from(v) / 255.0);
                    }
                }
                (
                    k / 100,
                    Ink {
                        w: SIDE,
                        h: SIDE,
                        px,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn half_floats_decode() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x3555), 0.333_251_95);
        assert_eq!(f16_to_f32(0), 0.0);
    }

    #[test]
    fn a_damaged_weights_file_is_refused() {
        assert!(Model::parse(b"VBDG").is_none());
        assert!(Model::parse(&WEIGHTS[..WEIGHTS.len() - 2]).is_none());
        assert!(Model::parse(WEIGHTS).is_some());
    }

    #[test]
    fn held_out_mnist_digits_read_at_the_measured_accuracy() {
        let digits = heldout();
        let mut right = 0;
        let (mut sure, mut sure_right) = (0, 0);
        for (label, ink) in &digits {
            let p = classify(ink);
            let (best, conf) = p
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map(|(i, c)| (i, *c))
                .unwrap();
            right += usize::from(best == *label);
            if conf >= 0.9 {
                sure += 1;
                sure_right += usize::from(best == *label);
            }
        }
        // Measured: see dictionaries/README.md (train.py prints the same figures in Python).
        assert!(right >= 960, "{right} of 1000 held-out digits right");
        assert!(sure >= 850, "{sure} of 1000 read at 0.9 or more");
        assert!(
            sure_right as f32 / sure as f32 >= 0.99,
            "{sure_right} of {sure} sure readings right"
        );
    }

    #[test]
    fn normalised_digits_are_centred_in_a_twenty_pixel_box() {
        // A tall bar, 10 × 60: scaled to 20 high, centred.
        let ink = Ink {
            w: 10,
            h: 60,
            px: vec![1.0; 600],
        };
        let n = normalize(&ink);
        let rows: Vec<usize> = (0..SIDE)
            .filter(|y| (0..SIDE).any(|x| n[y * SIDE + x] > 0.5))
            .collect();
        assert_eq!(rows.len(), 20);
        assert_eq!(rows[0], 4);
    }
}
