#!/usr/bin/env bash
# Installs the build into a temporary prefix and starts the installed section-host on the
# installed default configuration: the plugins must be found without any editing.
set -euo pipefail
build=$1
prefix=$(mktemp -d)
host=""
trap '[ -n "$host" ] && kill -TERM "$host" 2>/dev/null; rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
mkfifo "$prefix/out"
"$prefix/bin/section-host" --config "$prefix/share/section-host/configs/section-29f.yaml" --listen 127.0.0.1:0 \
  >"$prefix/out" 2>"$prefix/err" &
host=$!
read -r -t 20 line <"$prefix/out" || { echo "installed host did not start:"; cat "$prefix/err"; exit 1; }
case "$line" in "section-host: serving "*) ;; *) echo "unexpected: $line"; cat "$prefix/err"; exit 1;; esac
address=${line#section-host: serving }
status=$("$prefix/bin/section-ctl" --host "$address" status)
grep -q "ict       serving" <<<"$status" || { echo "$status"; echo "ict is not serving"; exit 1; }
kill -TERM "$host"
wait "$host"
host=""
echo "installed tree: section-host served on $address and stopped cleanly"
