#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test (CTest, Catch2) but the
# fuzzing run, which CI adds after this (ctest -L fuzz; scripts/fuzz.sh runs it by hand).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)" -LE fuzz
