#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), then runs the main job on the bundled sample documents
# (fixtures/inputs, the good ones): every document is OCRed, restored and extracted into out/samples/
# (text, JSON, searchable PDF, ALTO, hOCR, Markdown, review pages, tables as CSV, summary.json,
# documents.jsonl, failures.jsonl, index.html). Exit code 0 when every document converted.
#
# The deliberately broken inputs of fixtures/inputs/bad are shown apart, in out/bad-inputs/: each fails
# with a one-line reason naming the file (recorded in out/bad-inputs/failures.jsonl), the batch goes
# on, and that run's exit code 1 is the expected one; it does not change this script's exit code.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 2
inputs=()
for f in fixtures/inputs/*; do
  [[ $(basename "$f") == bad ]] || inputs+=("$f")
done
target/release/vanban ingest "${inputs[@]}" --out out/samples "$@"
code=$?
echo "outputs in out/samples (open out/samples/index.html); exit code $code"
echo "bad-input handling (expected to end with exit code 1):"
target/release/vanban ingest fixtures/inputs/bad --out out/bad-inputs "$@"
echo "bad inputs: exit code $? (1 expected); reasons in out/bad-inputs/failures.jsonl"
exit $code
