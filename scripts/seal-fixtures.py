#!/usr/bin/env python3
"""Draws an official seal over the signature block of scanned fixtures, as archive scans have it.

usage: seal-fixtures.py INPUTS INGESTED OUT

INPUTS holds the fixture scans (PDF or TIFF); INGESTED a `vanban ingest INPUTS` output folder,
whose `<stem>.json` gives the signer's name line (`metadata.evidence.signer`: page and box) and
the page's resolution. For each scanned fixture with a signer, four copies are written, one per
folder of OUT: `a` to `c` bilevel (the seal as black as the print, as on a 200 dpi bilevel archive
scan) with the seal at three places over the block's left part, the name's start and the title
lines; `g` grey with a dark grey seal. The seal: a 36 mm double ring, lettering between the rings
(`ỦY BAN NHÂN DÂN TỈNH …`), a star and an arc inside; the fonts are fonts-liberation2's.
Nothing is random: the same inputs give the same copies.
"""
import glob
import io
import json
import math
import os
import subprocess
import sys
import tempfile

import img2pdf
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"
# (centre's x offset, centre's y offset) in radii from the name line's start, and the seal's grey
PLACES = {"a": (0.0, -0.75, 0), "b": (-0.3, -0.9, 0), "c": (-0.5, -1.0, 0), "g": (0.0, -0.75, 90)}


def seal(img, cx, cy, r, dpi, ink):
    d = ImageDraw.Draw(img)
    mm = dpi / 25.4
    d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=ink, width=int(1.0 * mm))
    r2 = r - 5.5 * mm
    d.ellipse([cx - r2, cy - r2, cx + r2, cy + r2], outline=ink, width=max(2, int(0.4 * mm)))
    font = ImageFont.truetype(FONT, int(3.2 * mm))
    text = "ỦY BAN NHÂN DÂN TỈNH QUẢNG BÌNH * "
    rt = r - 2.9 * mm
    for i, ch in enumerate(text):
        a = math.radians(200 + i * (320 / len(text)))
        x, y = cx + rt * math.cos(a), cy + rt * math.sin(a)
        glyph = Image.new("L", (int(4 * mm), int(4 * mm)), 0)
        ImageDraw.Draw(glyph).text((mm * 0.5, 0), ch, font=font, fill=255)
        glyph = glyph.rotate(-math.degrees(a) - 90, expand=True)
        img.paste(ink, (int(x - glyph.width / 2), int(y - glyph.height / 2)), glyph)
    s = 4 * mm
    star = []
    for k in range(10):
        rr = s if k % 2 == 0 else s * 0.4
        a = math.radians(-90 + k * 36)
        star.append((cx + rr * math.cos(a), cy - 1.5 * mm + rr * math.sin(a)))
    d.polygon(star, fill=ink)
    inner = r2 - 3 * mm
    d.arc([cx - inner, cy - inner, cx + inner, cy + inner], 20, 160, fill=ink,
          width=max(2, int(0.5 * mm)))


def pages(path, dpi):
    if path.endswith(".pdf"):
        with tempfile.TemporaryDirectory() as t:
            subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", path, t + "/p"], check=True)
            return [Image.open(f).convert("L") for f in sorted(glob.glob(t + "/p*.png"))]
    im = Image.open(path)
    out = []
    for i in range(getattr(im, "n_frames", 1)):
        im.seek(i)
        out.append(im.convert("L").copy())
    return out


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.split("\n\n")[1])
    inputs, ingested, out = sys.argv[1:]
    made = 0
    for path in sorted(glob.glob(os.path.join(inputs, "*"))):
        stem, ext = os.path.splitext(os.path.basename(path))
        meta = os.path.join(ingested, stem + ".json")
        if ext not in (".pdf", ".tif") or not os.path.exists(meta):
            continue
        doc = json.load(open(meta, encoding="utf-8"))
        ev = doc["metadata"].get("evidence", {}).get("signer")
        if not ev or not ev.get("bbox") or doc["pages"][0].get("origin") == "text-layer":
            continue
        b, dpi = ev["bbox"], doc["pages"][0]["dpi"]
        for variant, (fx, fy, grey) in PLACES.items():
            imgs = pages(path, dpi)
            page = doc["pages"][ev["page"] - 1]
            if len(imgs) < ev["page"] or abs(imgs[ev["page"] - 1].width - page["width"]) > 3:
                break  # not the page vanban read: no place for the seal
            r = 18 * dpi / 25.4
            cx = b["x0"] + fx * r + 0.1 * (b["x1"] - b["x0"])
            cy = b["y0"] + fy * r
            seal(imgs[ev["page"] - 1], cx, cy, r, dpi, grey)
            bufs = []
            for im in imgs:
                if grey == 0:
                    im = im.point(lambda v: 255 if v > 140 else 0).convert("1")
                bb = io.BytesIO()
                im.save(bb, "PNG", dpi=(dpi, dpi))
                bufs.append(bb.getvalue())
            os.makedirs(os.path.join(out, variant), exist_ok=True)
            with open(os.path.join(out, variant, stem + ".pdf"), "wb") as f:
                f.write(img2pdf.convert(bufs))
            made += 1
    print(f"{made} sealed copies")


if __name__ == "__main__":
    main()
