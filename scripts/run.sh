#!/usr/bin/env bash
# The main job: installs what is missing, builds, starts section-host on the default
# configuration (configs/section-29f.yaml) and prints the section overview. The host keeps
# serving until Ctrl-C; with --once it stops after the overview.
#   SECTION_LISTEN   the address to serve on (default 127.0.0.1:50051)
set -euo pipefail
cd "$(dirname "$0")/.."
once=false
[ "${1:-}" = "--once" ] && once=true

./scripts/install-deps.sh
./scripts/build.sh

listen=${SECTION_LISTEN:-127.0.0.1:50051}
log=$(mktemp -t section-host.XXXXXX.log)
build/bin/section-host --config configs/section-29f.yaml --listen "$listen" >/dev/null 2>"$log" &
host=$!
trap 'kill -TERM "$host" 2>/dev/null; wait "$host" 2>/dev/null || true' EXIT

if ! build/bin/section-ctl --host "$listen" --timeout 20 wait >/dev/null; then
  echo "run: section-host did not start; its log ($log):" >&2
  cat "$log" >&2
  exit 1
fi
build/bin/section-ctl --host "$listen" overview
echo
echo "section-host is serving on $listen (pid $host, log $log)."
$once && exit 0
echo "Try: build/bin/section-ctl --host $listen tables    — Ctrl-C stops the host."
wait "$host"
