#!/usr/bin/env bash
# Configures and builds section-host, its plugins, section-ctl and the tests into build/. The
# compiler's output goes to build/build.log; on failure its end is shown.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
echo "build: compiling into build/ (a few minutes the first time; log: build/build.log)" >&2
if ! { cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSECTION_WARNINGS_AS_ERRORS=ON &&
       cmake --build build -j "$(nproc)"; } >build/build.log 2>&1; then
  tail -n 60 build/build.log >&2
  echo "build: failed; the whole log is build/build.log" >&2
  exit 1
fi
