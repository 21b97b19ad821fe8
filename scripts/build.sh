#!/usr/bin/env bash
# Configures and builds section-host, its plugins, section-ctl and the tests into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSECTION_WARNINGS_AS_ERRORS=ON >/dev/null
cmake --build build -j "$(nproc)"
