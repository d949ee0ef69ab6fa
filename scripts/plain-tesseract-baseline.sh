#!/usr/bin/env bash
# The baseline of issue 11's text target: plain `tesseract -l vie` on page 1 of each real document
# (rendered at 300 dpi grey by pdftoppm), scored by ../shared/tools/score.py against its truth.
#   scripts/plain-tesseract-baseline.sh [SHARED_DIR]   (default ../shared)
set -euo pipefail
shared="${1:-$(dirname "$0")/../../shared}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for gt in "$shared"/real/truth/*.gt.txt; do
  s="$(basename "$gt" .gt.txt)"
  pdftoppm -r 300 -gray -png -f 1 -l 1 "$shared/real/scans/$s.pdf" "$tmp/$s"
  OMP_THREAD_LIMIT=1 tesseract "$(ls "$tmp/$s"-*.png | head -1)" "$tmp/$s" -l vie >/dev/null 2>&1
  echo "$s $(python3 "$shared/tools/score.py" "$gt" "$tmp/$s.txt" | tail -1)"
done
