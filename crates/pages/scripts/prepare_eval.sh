#!/usr/bin/env bash
# Measures the OCR clean-up steps of vanban-pages (see examples/prepare_eval.rs):
# renders a page of the seed plan with shared/tools/mkscan.py at several resolutions, skews and
# noise levels, OCRs each page without and with each step, and prints token accuracy per case
# and on average, scored by shared/tools/score.py.
# usage: crates/pages/scripts/prepare_eval.sh [OUTDIR]   (from the project root)
# env: DPIS ROTS NOISES SEEDS (the grid), VARIANTS (steps compared), CARGO_PROFILE
set -euo pipefail
SHARED=${SHARED:-../shared}; [ -d "$SHARED" ] || SHARED=/work/shared
PY=${PY:-/work/venv/bin/python}
OUT=${1:-target/prepare_eval}
mkdir -p "$OUT/scans"
# Truth: the plan's prose paragraphs (no tables), enough for one page.
"$PY" - "$SHARED/seeds/003_65c036455d06f696.txt" "$OUT/truth.txt" <<'PYEOF'
import sys, unicodedata
text = unicodedata.normalize("NFC", open(sys.argv[1], encoding="utf-8").read())
paras = [p.strip() for p in text.split("\n") if len(p.strip()) > 40 and "\t" not in p]
out, n = [], 0
for p in paras[2:]:
    if n + len(p) > 2000: break
    out.append(p); n += len(p)
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(out) + "\n")
PYEOF
# The grid; mkscan.py draws each page's skew uniformly in ±ROT with the page's seed.
DPIS=${DPIS:-150 200 300}; ROTS=${ROTS:-0 0.7 1.5}; NOISES=${NOISES:-0 0.4 0.8}; SEEDS=${SEEDS:-7}
export VARIANTS=${VARIANTS:-none deskew stretch deskew+stretch}
pages=()
for dpi in $DPIS; do
  for rot in $ROTS; do
    for noise in $NOISES; do
      for seed in $SEEDS; do
        name="d${dpi}_r${rot}_n${noise}_s${seed}"
        "$PY" "$SHARED/tools/mkscan.py" "$OUT/truth.txt" "$OUT/scans/$name" --dpi $dpi --rotate $rot --noise $noise --seed $seed >/dev/null
        pages+=("$OUT/scans/$name-1.png")
      done
    done
  done
done
cargo run ${CARGO_PROFILE:+--profile $CARGO_PROFILE} -q -p vanban-pages --example prepare_eval -- "$OUT/ocr" "${pages[@]}" 2>"$OUT/prepare.log"
printf '%-22s' case; for v in $VARIANTS; do printf '%16s' "$v"; done; echo
declare -A sum
for p in "${pages[@]}"; do
  stem=$(basename "$p" .png); printf '%-22s' "${stem%-1}"
  for v in $VARIANTS; do
    acc=$(python3 "$SHARED/tools/score.py" "$OUT/truth.txt" "$OUT/ocr/$v/$stem.txt" | sed 's/acc=\([0-9.]*\).*/\1/')
    sum[$v]=$(echo "${sum[$v]:-0} + $acc" | bc -l); printf '%16s' "$acc"
  done; echo
done
printf '%-22s' mean; for v in $VARIANTS; do printf '%16.4f' "$(echo "${sum[$v]} / ${#pages[@]}" | bc -l)"; done; echo
