#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), then runs every test: unit, property and end-to-end tests on the
# bundled fixtures through the real binary, real Tesseract and real pdfium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export VANBAN_PDFIUM="$PWD/vendor/pdfium/libpdfium.so"
export OMP_THREAD_LIMIT=1
cargo test --release --locked --workspace --no-fail-fast
