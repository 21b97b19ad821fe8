#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test (CTest, Catch2).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
