#!/usr/bin/env python3
"""Makes a harder copy of the real development scans, the way archives often hold them: every page
rendered grey at 150 dpi (no colour: red seals stay over the text), turned by a small angle, and
saved as JPEG at quality 55, one image-only PDF per document with the same file name. The truth of
`../shared/real/truth` scores the copy, so `vanban eval-docs` shows what a poorer scan costs.

    .venv/bin/python scripts/degrade-real.py [--dpi N] [--colour] [--quality Q] [--no-turn] [SHARED_DIR] OUT_DIR
    vanban ingest OUT_DIR --out OUT && vanban eval-docs OUT ../shared/real/truth

The defaults make the grey 150 dpi copy that tests/real_degraded.rs scores; `--dpi 100 --colour
--quality 70 --no-turn` makes a re-shared low-resolution colour copy. Deterministic (fixed angles
by page). Needs pdftoppm (poppler-utils), Pillow and img2pdf.
"""

import argparse

import io
import subprocess
import sys
import tempfile
from pathlib import Path

import img2pdf
from PIL import Image

ANGLES = [-0.8, 0.6, 0.9, -0.5]


def main() -> None:
    ap = argparse.ArgumentParser(usage=__doc__)
    ap.add_argument("--dpi", type=int, default=150)
    ap.add_argument("--colour", action="store_true")
    ap.add_argument("--quality", type=int, default=55)
    ap.add_argument("--no-turn", action="store_true")
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
                im = Image.open(png).convert("RGB" if a.colour else "L")
                if not a.no_turn:
                    angle = ANGLES[(n + i) % len(ANGLES)]
                    white = (255, 255, 255) if a.colour else 255
                    im = im.rotate(angle, resample=Image.BICUBIC, fillcolor=white)
                buf = io.BytesIO()
                im.save(buf, "JPEG", quality=a.quality, dpi=(a.dpi, a.dpi))
                pages.append(buf.getvalue())
        (out / pdf.name).write_bytes(img2pdf.convert(pages))
        print(f"{pdf.name}: {len(pages)} pages", file=sys.stderr)


if __name__ == "__main__":
    main()
