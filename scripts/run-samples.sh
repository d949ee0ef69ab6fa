#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), then runs the main job on the bundled sample scans (fixtures/inputs):
# every fixture document is OCRed, restored and extracted into out/samples/ (text, JSON, review pages,
# tables as CSV, summary.json, failures.jsonl, index.html). The bad inputs among the fixtures are meant
# to fail: they show up in failures.jsonl and make the exit code 1.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 2
target/release/vanban ingest fixtures/inputs --out out/samples "$@"
code=$?
echo "outputs in out/samples (open out/samples/index.html); exit code $code"
exit $code
