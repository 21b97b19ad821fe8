#!/usr/bin/env bash
# An external plugin in another language (examples/python-plugin, Python with Debian's
# python3-grpcio) attached with `endpoint:`: it serves, republishes when its data changes, goes
# stale when killed, and serves again when it comes back.
#   python_plugin.sh <build dir> <source dir>
set -euo pipefail
build=$1
source=$2
python=/usr/bin/python3
work=$(mktemp -d)
host=""
plugin=""
cleanup() {
  [ -n "$host" ] && kill -TERM "$host" 2>/dev/null
  [ -n "$plugin" ] && kill -TERM "$plugin" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "python_plugin: $*" >&2; for f in "$work"/*.err; do echo "--- $f"; tail -15 "$f"; done >&2; exit 1; }

"$source/examples/python-client/generate.sh" "$source/proto" "$work/stubs" 2>/dev/null
export PYTHONPATH=$work/stubs
cp "$source/examples/python-plugin/component.json" "$work/component.json"
socket=unix:$work/visitors.sock

start_plugin() {
  "$python" "$source/examples/python-plugin/plugin_server.py" --listen "$socket" --component "$work/component.json" \
    >"$work/plugin.out" 2>"$work/plugin.err" &
  plugin=$!
  for _ in $(seq 100); do grep -q "serving" "$work/plugin.out" && return 0; sleep 0.1; done
  fail "the Python plugin did not start"
}
start_plugin

sed "s|section: section-29f.section.yaml|section: $source/configs/section-29f.section.yaml|" "$source/configs/section-29f.yaml" >"$work/host.yaml"
sed -i "s|^shutdown_grace_ms: 5000|shutdown_grace_ms: 5000\ndrain_ms: 0\nsupervision: {backoff_initial_ms: 100, backoff_max_ms: 400}|" "$work/host.yaml"
printf '  - id: visitors\n    endpoint: %s\n' "$socket" >>"$work/host.yaml"
mkfifo "$work/host.out"
"$build/bin/section-host" --config "$work/host.yaml" --listen 127.0.0.1:0 >"$work/host.out" 2>"$work/host.err" &
host=$!
read -r -t 20 line <"$work/host.out" || fail "the host did not start"
address=${line#section-host: serving }
ctl() { "$build/bin/section-ctl" --host "$address" "$@"; }
row() { ctl table financial-by-component-rb --format csv | grep "^visitors," || true; }
eventually() { for _ in $(seq 100); do eval "$1" && return 0; sleep 0.1; done; return 1; }

status=$(ctl status)
grep -q "visitors  *serving  Visitor services (Python example)  \[endpoint\]" <<<"$status" || { echo "$status"; fail "visitors is not serving"; }
[[ "$(row)" == visitors,*,120000,125000,* ]] || fail "no visitors row in financial-by-component-rb: $(row)"
grep -q "\[plugin visitors\] started for the 2022 budget" "$work/host.err" || fail "the plugin's log lines are not forwarded"

# An edit to the plugin's data reaches the host through the plugin's Events stream.
sed -i 's/"amount_usd": "125000"/"amount_usd": "135000"/' "$work/component.json"
eventually '[[ "$(row)" == visitors,*,120000,135000,* ]]' || fail "the edit was not republished: $(row)"

# Killed: its last snapshot serves on, marked stale, and the host tries to reconnect.
kill -KILL "$plugin"
wait "$plugin" 2>/dev/null || true
plugin=""
eventually 'ctl status | grep -q "visitors  *STALE"' || { ctl status; fail "visitors is not stale after its plugin died"; }
[[ "$(row)" == visitors,*,135000,* ]] || fail "the stale snapshot is not served: $(row)"
ctl table evolution --format json | grep -q "Component 'visitors' is STALE" || fail "the tables do not say visitors is stale"

# Back: the host reattaches and serves it fresh again.
start_plugin
eventually 'ctl status | grep -q "visitors  *serving"' || { ctl status; fail "visitors did not serve again"; }
ctl status | grep -q "restarted [1-9][0-9]* time(s)" || fail "the reconnection is not counted"

kill -TERM "$host"
wait "$host" || fail "the host did not stop cleanly"
host=""
echo "python_plugin: an external Python plugin served, republished, went stale and came back"
