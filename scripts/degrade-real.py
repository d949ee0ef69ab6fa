#!/usr/bin/env python3
"""Makes a harder copy of the real development scans, the way archives often hold them: every page
rendered grey at 150 dpi (no colour: red seals stay over the text), turned by a small angle, and
saved as JPEG at quality 55, one image-only PDF per document with the same file name. The truth of
`../shared/real/truth` scores the copy, so `vanban eval-docs` shows what a poorer scan costs.

    .venv/bin/python scripts/degrade-real.py [SHARED_DIR] OUT_DIR
    vanban ingest OUT_DIR --out OUT && vanban eval-docs OUT ../shared/real/truth

Deterministic (fixed angles by page). Needs pdftoppm (poppler-utils), Pillow and img2pdf.
"""

import io
import subprocess
import sys
import tempfile
from pathlib import Path

import img2pdf
from PIL import Image

ANGLES = [-0.8, 0.6, 0.9, -0.5]


def main() -> None:
    args = sys.argv[1:]
    if len(args) == 1:
        shared, out = Path(__file__).resolve().parent.parent.parent / "shared", Path(args[0])
    elif len(args) == 2:
        shared, out = Path(args[0]), Path(args[1])
    else:
        sys.exit(__doc__)
    out.mkdir(parents=True, exist_ok=True)
    for n, pdf in enumerate(sorted((shared / "real" / "scans").glob("*.pdf"))):
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(
                ["pdftoppm", "-r", "150", "-gray", "-png", str(pdf), f"{tmp}/p"], check=True
            )
            pages = []
            for i, png in enumerate(sorted(Path(tmp).glob("p-*.png"))):
                im = Image.open(png).convert("L")
                angle = ANGLES[(n + i) % len(ANGLES)]
                im = im.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
                buf = io.BytesIO()
                im.save(buf, "JPEG", quality=55, dpi=(150, 150))
                pages.append(buf.getvalue())
        (out / pdf.name).write_bytes(img2pdf.convert(pages))
        print(f"{pdf.name}: {len(pages)} pages", file=sys.stderr)


if __name__ == "__main__":
    main()
