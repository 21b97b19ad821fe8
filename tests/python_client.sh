#!/usr/bin/env bash
# The Python client example (examples/python-client) against a real host: stubs generated from
# the installed .proto files, a table read, versions watched, errors reported, and the API
# learned by server reflection alone.
#   python_client.sh <build dir> <source dir> <fixture dir>
set -euo pipefail
build=$1
source=$2
fixtures=$3
python=/usr/bin/python3   # Debian's, which has python3-grpcio
work=$(mktemp -d)
host=""
trap '[ -n "$host" ] && kill -TERM "$host" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "python_client: $*" >&2; [ -f "$work/err" ] && tail -20 "$work/err" >&2; exit 1; }

prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
"$source/examples/python-client/generate.sh" "$prefix/share/section-host/proto" "$work/stubs"
export PYTHONPATH=$work/stubs
client=$source/examples/python-client/section_client.py
reflect=$source/examples/python-client/reflect.py

# The default section plus a plugin that republishes every 200 ms, so that versions change.
configs=$prefix/share/section-host/configs
cp "$configs/section-29f.yaml" "$configs/watched.yaml"
printf '  - id: republisher\n    library: %s\n    settings: {interval_ms: 200, count: 100, subprogramme: 7}\n' \
  "$fixtures/republishing_plugin.so" >>"$configs/watched.yaml"
mkfifo "$work/out"
"$prefix/bin/section-host" --config "$configs/watched.yaml" --listen 127.0.0.1:0 >"$work/out" 2>"$work/err" &
host=$!
read -r -t 20 line <"$work/out" || fail "the host did not start"
address=${line#section-host: serving }

table=$("$python" "$client" --host "$address" table financial-by-component-rb) || fail "table failed"
grep -q $'^A. Executive direction and management\t379900\t421800\t0\t0\t-4300\t-4300\t-1.0\t417500$' <<<"$table" ||
  { echo "$table"; fail "the table does not hold the EDM row as served"; }

watched=$(timeout 30 "$python" "$client" --host "$address" watch --count 3) || fail "watch failed or timed out"
[ "$(grep -c '^version [0-9]*: ' <<<"$watched")" -eq 3 ] || { echo "$watched"; fail "watch did not print 3 versions"; }
sort -n -k2 -c <<<"$(sed 's/:.*//' <<<"$watched")" 2>/dev/null || { echo "$watched"; fail "versions are not increasing"; }
[ "$(sed 's/:.*//' <<<"$watched" | sort -u | wc -l)" -eq 3 ] || { echo "$watched"; fail "a version was printed twice"; }

if "$python" "$client" --host "$address" table no-such-table >"$work/o" 2>"$work/e"; then fail "an unknown table succeeded"; fi
grep -q "NOT_FOUND: no table 'no-such-table'" "$work/e" || { cat "$work/e"; fail "no NOT_FOUND for an unknown table"; }

services=$("$python" "$reflect" --host "$address" list) || fail "reflection list failed"
grep -qx "section.v1.SectionService" <<<"$services" || { echo "$services"; fail "reflection does not list SectionService"; }
# Outputs are captured whole: grep -q would close the pipe early under pipefail.
described=$("$python" "$reflect" --host "$address" describe section.v1.SectionService) || fail "reflection describe failed"
grep -q "^rpc Watch(section.v1.WatchRequest) returns (stream section.v1.WatchEvent)$" <<<"$described" ||
  { echo "$described"; fail "reflection does not describe Watch"; }
called=$("$python" "$reflect" --host "$address" call section.v1.SectionService/GetTable '{"id": "evolution"}') ||
  fail "a call built from reflection alone failed"
grep -q '"id": "evolution"' <<<"$called" || { echo "$called"; fail "the reflected call returned something else"; }

kill -TERM "$host"
wait "$host" || fail "the host did not stop cleanly"
host=""
if "$python" "$client" --host "$address" table evolution >"$work/o" 2>"$work/e"; then fail "a stopped host answered"; fi
grep -q "UNAVAILABLE" "$work/e" || { cat "$work/e"; fail "no UNAVAILABLE once the host is gone"; }
echo "python_client: table, watch, errors and reflection work from Python against $address"
