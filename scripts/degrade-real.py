#!/usr/bin/env python3
"""Makes a harder copy of the real development scans, the way archives often hold them: every page
rendered grey at 150 dpi (no colour: red seals stay over the text), turned by a small angle, and
saved as JPEG at quality 55, one image-only PDF per document with the same file name. The truth of
`../shared/real/truth` scores the copy, so `vanban eval-docs` shows what a poorer scan costs.

    .venv/bin/python scripts/degrade-real.py [--dpi N] [--colour] [--quality Q] [--no-turn] [--photo] [SHARED_DIR] OUT_DIR
    vanban ingest OUT_DIR --out OUT && vanban eval-docs OUT ../shared/real/truth

The defaults make the grey 150 dpi copy that tests/real_degraded.rs scores; `--dpi 100 --colour
--quality 70 --no-turn` makes a re-shared low-resolution colour copy; `--photo --dpi 200 --quality 85`
makes every page a phone photo of it (the sheet on a desk, tilted, turned, lit unevenly), put in a
PDF as a phone's scanning app does, at 72 dpi. Deterministic (fixed angles and seeds by page).
Needs pdftoppm (poppler-utils), Pillow, NumPy and img2pdf.
"""

import argparse

import io
import subprocess
import sys
import tempfile
from pathlib import Path

import img2pdf
import numpy as np
from PIL import Image, ImageFilter

ANGLES = [-0.8, 0.6, 0.9, -0.5]


def main() -> None:
    ap = argparse.ArgumentParser(usage=__doc__)
    ap.add_argument("--dpi", type=int, default=150)
    ap.add_argument("--colour", action="store_true")
    ap.add_argument("--quality", type=int, default=55)
    ap.add_argument("--no-turn", action="store_true")
    ap.add_argument("--photo", action="store_true", help="each page a phone photo (implies --colour)")
    ap.add_argument("dirs", nargs="+")
    a = ap.parse_args()
    if len(a.dirs) == 1:
        shared, out = Path(__file__).resolve().parent.parent.parent / "shared", Path(a.dirs[0])
    elif len(a.dirs) == 2:
        shared, out = Path(a.dirs[0]), Path(a.dirs[1])
    else:
        sys.exit(__doc__)
    out.mkdir(parents=True, exist_ok=True)
    for n, pdf in enumerate(sorted((shared / "real" / "scans").glob("*.pdf"))):
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(
                ["pdftoppm", "-r", str(a.dpi)]
                + ([] if a.colour else ["-gray"])
                + ["-png", str(pdf), f"{tmp}/p"],
                check=True,
            )
            pages = []
            for i, png in enumerate(sorted(Path(tmp).glob("p-*.png"))):
                im = Image.open(png).convert("RGB" if a.colour or a.photo else "L")
                if a.photo:
                    buf = io.BytesIO()
                    # a phone's JPEG says 72 dpi, whatever the page's size
                    photo(im, n * 31 + i).save(buf, "JPEG", quality=a.quality, dpi=(72, 72))
                    pages.append(buf.getvalue())
                    continue
                if not a.no_turn:
                    angle = ANGLES[(n + i) % len(ANGLES)]
                    white = (255, 255, 255) if a.colour else 255
                    im = im.rotate(angle, resample=Image.BICUBIC, fillcolor=white)
                buf = io.BytesIO()
                im.save(buf, "JPEG", quality=a.quality, dpi=(a.dpi, a.dpi))
                pages.append(buf.getvalue())
        (out / pdf.name).write_bytes(img2pdf.convert(pages))
        print(f"{pdf.name}: {len(pages)} pages", file=sys.stderr)


def photo(page: Image.Image, seed: int) -> Image.Image:
    """The page photographed on a desk: a brown margin around it, the top edge narrower than the
    bottom (the phone tilted), turned by about 2°, lit unevenly from the upper left with a warm
    cast, sensor noise and a slight blur. Deterministic by `seed`."""
    rng = np.random.default_rng(seed)
    w, h = page.size
    desk = (110, 90, 70)
    cw, ch = int(w * 1.25), int(h * 1.18)
    canvas = Image.new("RGB", (cw, ch), desk)
    ox, oy = (cw - w) // 2, (ch - h) // 2
    canvas.paste(page, (ox, oy))
    d = (0.03 + 0.02 * rng.random()) * w
    seen = [(ox + d, oy), (ox + w - d * 0.6, oy + d * 0.3), (ox + w, oy + h), (ox, oy + h - d * 0.2)]
    flat = [(ox, oy), (ox + w, oy), (ox + w, oy + h), (ox, oy + h)]
    rows = []
    for (x, y), (u, v) in zip(flat, seen):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    coeffs = np.linalg.solve(np.array(rows, float), np.array(seen, float).reshape(8))
    im = canvas.transform(canvas.size, Image.PERSPECTIVE, tuple(coeffs), Image.BICUBIC)
    im = im.rotate(1.5 + rng.random(), resample=Image.BICUBIC, fillcolor=desk)
    a = np.asarray(im).astype(float)
    yy, xx = np.mgrid[0 : a.shape[0], 0 : a.shape[1]]
    light = 0.75 + 0.25 * np.exp(
        -(((xx - a.shape[1] * 0.3) / (a.shape[1] * 0.8)) ** 2)
        - ((yy - a.shape[0] * 0.35) / (a.shape[0] * 0.9)) ** 2
    )
    a = a * light[..., None]
    a[..., 2] *= 0.93
    a += rng.normal(0, 4, a.shape)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.8))


if __name__ == "__main__":
    main()
