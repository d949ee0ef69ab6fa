#!/usr/bin/env bash
# Sets up everything vanban needs on a fresh Debian machine, then builds it:
#   1. Debian packages (Tesseract with the Vietnamese and English models, the libraries the Rust bindings
#      build against, Chromium and poppler for the review-page tests and the fixture script, qpdf);
#   2. libpdfium.so, which no Debian package ships, from the PyPI wheel pypdfium2 (pinned, sha256-checked)
#      into vendor/pdfium/;
#   3. the release build of the `vanban` binary and the compiled dictionary.
# Idempotent: what is already there is kept. Needs root (or sudo) for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

APT_PACKAGES=(
  tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng libtesseract-dev libleptonica-dev
  clang libclang-dev pkg-config
  chromium chromium-driver poppler-utils fonts-liberation2 qpdf python3-venv
)
PYPDFIUM_VERSION=5.15.2
PYPDFIUM_WHEEL=pypdfium2-5.15.2-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
PYPDFIUM_SHA256=dc31aea5b0fb9fefc9b537a65f4113980b2c40798445736a7e6565bc85161e37

log() { printf 'setup: %s\n' "$*" >&2; }
sudo_() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  sudo_ apt-get update -qq
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Python environment for the fixture and dictionary scripts (not needed by the binary itself).
if [[ ! -x .venv/bin/python ]]; then
  log "creating .venv"
  python3 -m venv .venv
fi
.venv/bin/python -c 'import PIL, numpy, img2pdf' 2>/dev/null || .venv/bin/pip install -q -r scripts/requirements.txt

PDFIUM=vendor/pdfium/libpdfium.so
if [[ ! -f $PDFIUM ]]; then
  log "fetching libpdfium.so from the PyPI wheel pypdfium2==$PYPDFIUM_VERSION"
  tmp=$(mktemp -d)
  .venv/bin/pip download -q --no-deps --only-binary=:all: --platform manylinux_2_17_x86_64 \
    "pypdfium2==$PYPDFIUM_VERSION" -d "$tmp"
  echo "$PYPDFIUM_SHA256  $tmp/$PYPDFIUM_WHEEL" | sha256sum -c --quiet -
  mkdir -p vendor/pdfium
  .venv/bin/python - "$tmp/$PYPDFIUM_WHEEL" vendor/pdfium <<'PY'
import sys, zipfile, shutil, os
with zipfile.ZipFile(sys.argv[1]) as z, z.open("pypdfium2_raw/libpdfium.so") as src:
    dst = os.path.join(sys.argv[2], "libpdfium.so")
    with open(dst + ".tmp", "wb") as out:
        shutil.copyfileobj(src, out)
    os.replace(dst + ".tmp", dst)
PY
  rm -rf "$tmp"
fi

log "building vanban (release)"
cargo build --release --locked -p vanban
# The compiled dictionary is derived from the committed tables in a few seconds: always rebuilt, so it
# can never be stale against the binary's format or the tables.
log "compiling the dictionary"
target/release/vanban dict build --data dictionaries/data --out dictionaries/vanban.dict
log "ready: target/release/vanban (pdfium: $ROOT/$PDFIUM)"
