#!/usr/bin/env bash
# Installs the build into a temporary prefix and starts the installed section-host on the
# installed default configuration: the plugins must be found without any editing. Checks the
# YAML library the installed programs link.
set -euo pipefail
build=$1
prefix=$(mktemp -d)
host=""
trap '[ -n "$host" ] && kill -TERM "$host" 2>/dev/null; rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null

# The plugin author's documentation and the template plugin are installed with the SDK.
for doc in writing-a-plugin.md component-data.md api.md architecture.md examples/template-plugin/CMakeLists.txt; do
  [ -f "$prefix/share/doc/section-host/$doc" ] || { echo "not installed: share/doc/section-host/$doc"; exit 1; }
done

# YAML is read through yaml-cpp alone: the host and every plugin link it, and nothing links
# libyaml. (section-plugin-runner reads no YAML itself; the plugin it loads brings yaml-cpp.)
for binary in "$prefix/bin/section-host" "$prefix"/lib/section-host/plugins/*/*.so; do
  libraries=$(ldd "$binary")
  grep -q 'libyaml-cpp\.so' <<<"$libraries" || { echo "$binary does not link yaml-cpp"; exit 1; }
done
for binary in "$prefix/bin/section-host" "$prefix/bin/section-plugin-runner" "$prefix"/lib/section-host/plugins/*/*.so; do
  libraries=$(ldd "$binary")
  if grep -q 'libyaml-0' <<<"$libraries"; then echo "$binary links libyaml"; exit 1; fi
done
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
