"""Render text lines as a scanned page, one text line per image line (no wrapping), and OCR it with Tesseract.

Shared by channel.py (the OCR channel model) and fixtures/eval/make.py (evaluation texts). Because every
truth line is drawn on its own image line and the page is as wide as the longest line, Tesseract's output
line i corresponds to truth line i (as long as it keeps the lines, which --psm 6 does for such pages).
"""
import io
import os
import subprocess
import tempfile
import unicodedata

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIR = "/usr/share/fonts/truetype"
FONTS = {
    "serif": f"{FONT_DIR}/liberation2/LiberationSerif-Regular.ttf",
    "serif-bold": f"{FONT_DIR}/liberation2/LiberationSerif-Bold.ttf",
    "serif-italic": f"{FONT_DIR}/liberation2/LiberationSerif-Italic.ttf",
    "dejavu-serif": f"{FONT_DIR}/dejavu/DejaVuSerif.ttf",
    "sans": f"{FONT_DIR}/liberation2/LiberationSans-Regular.ttf",
    "dejavu-sans": f"{FONT_DIR}/dejavu/DejaVuSans.ttf",
}


def render(lines, font="serif", pt=13.0, dpi=300, noise=0.0, blur=0.0, rotate=0.0, jpeg=0, seed=1):
    """Draw the lines (one per image line) on a white page; return a PIL grayscale image.

    noise: 0..1 Gaussian noise and specks; blur: Gaussian radius in pixels at this dpi; rotate: degrees;
    jpeg: JPEG quality (0 = none)."""
    rng = np.random.default_rng(seed)
    f = ImageFont.truetype(FONTS.get(font, font), max(6, int(round(pt * dpi / 72))))
    lines = [unicodedata.normalize("NFC", ln) for ln in lines]
    line_h = int(pt * 1.5 * dpi / 72)
    margin = int(0.5 * dpi)
    width = int(max([f.getlength(ln) for ln in lines] + [dpi])) + 2 * margin
    height = line_h * len(lines) + 2 * margin
    img = Image.new("L", (width, height), 255)
    d = ImageDraw.Draw(img)
    y = margin
    for ln in lines:
        d.text((margin, y), ln, font=f, fill=15)
        y += line_h
    if rotate:
        img = img.rotate(rotate, fillcolor=255, resample=Image.BICUBIC, expand=False)
    if blur > 0:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    if noise > 0:
        arr = np.asarray(img).astype(np.float32)
        arr += rng.normal(0, 30 * noise, arr.shape)
        arr[rng.random(arr.shape) < 0.001 * noise] = 0
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    if jpeg:
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=jpeg)
        img = Image.open(io.BytesIO(buf.getvalue())).convert("L")
    return img


def ocr(img, model, dpi=300, psm=6):
    """OCR a PIL image with the tesseract command-line program; return its text lines (NFC)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "page.png")
        img.save(path, dpi=(dpi, dpi))
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        out = subprocess.run(
            ["tesseract", path, "stdout", "-l", model, "--psm", str(psm), "--dpi", str(dpi),
             "-c", "preserve_interword_spaces=0"],
            capture_output=True, env=env, check=False)
        if out.returncode != 0:
            raise RuntimeError(f"tesseract {model} failed on {path}: {out.stderr.decode(errors='replace')}")
    text = unicodedata.normalize("NFC", out.stdout.decode("utf-8", errors="replace"))
    return [ln for ln in text.split("\n") if ln.strip()]
