#!/usr/bin/env bash
# Measures start-up to serving: from spawning section-host on the default configuration to the
# line it prints once health is SERVING ("section-host: serving ADDR"). Runs N times (default
# 20) and prints the median, minimum and maximum in milliseconds. Needs a build (scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
times=()
for _ in $(seq "$runs"); do
  mkfifo "$dir/out"
  start=$(date +%s%N)
  build/bin/section-host --config configs/section-29f.yaml --listen 127.0.0.1:0 >"$dir/out" 2>"$dir/err" &
  host=$!
  read -r line <"$dir/out"
  end=$(date +%s%N)
  kill -TERM "$host"; wait "$host" || true
  rm -f "$dir/out"
  case "$line" in "section-host: serving "*) ;; *) echo "measure-startup: host did not start: $(cat "$dir/err")" >&2; exit 1;; esac
  times+=($(( (end - start) / 1000 )))
done
printf '%s\n' "${times[@]}" | sort -n | awk -v runs="$runs" '
  { t[NR] = $1 }
  END { printf "start-up to SERVING over %d runs: median %.1f ms, min %.1f ms, max %.1f ms\n",
        runs, t[int((NR + 1) / 2)] / 1000, t[1] / 1000, t[NR] / 1000 }'
