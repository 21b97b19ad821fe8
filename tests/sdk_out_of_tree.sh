#!/usr/bin/env bash
# What docs/writing-a-plugin.md tells a team to do, run from a clean slate: install section-host
# and its SDK, build the template plugin (examples/template-plugin) out of tree against the
# installed SDK in a separate build directory, run its tests, install it beside the host's
# plugins, add one YAML block to the default configuration, and see it in every table.
#   sdk_out_of_tree.sh <build dir> <source dir>
set -euo pipefail
build=$1
source=$2
work=$(mktemp -d)
host=""
trap '[ -n "$host" ] && kill -TERM "$host" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "sdk_out_of_tree: $*" >&2; [ -f "$work/err" ] && tail -20 "$work/err" >&2; exit 1; }

prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null

# The team's copy of the template, outside the section-host tree.
cp -r "$source/examples/template-plugin" "$work/example"
cmake -S "$work/example" -B "$work/example-build" -DCMAKE_PREFIX_PATH="$prefix" >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log"; fail "the template does not configure against the installed SDK"; }
cmake --build "$work/example-build" -j "$(nproc)" >"$work/build.log" 2>&1 ||
  { tail -40 "$work/build.log"; fail "the template does not build against the installed SDK"; }
ctest --test-dir "$work/example-build" --output-on-failure >"$work/test.log" 2>&1 ||
  { cat "$work/test.log"; fail "the template's own tests fail"; }
grep -q "100% tests passed, 0 tests failed out of [1-9]" "$work/test.log" || { cat "$work/test.log"; fail "the template ran no test"; }
cmake --install "$work/example-build" --prefix "$prefix" >/dev/null
[ -f "$prefix/lib/section-host/plugins/example/example.so" ] || fail "the plugin was not installed beside the host's"

# One YAML block in the default configuration.
configs=$prefix/share/section-host/configs
cp "$configs/section-29f.yaml" "$configs/with-example.yaml"
printf '  - id: example\n    library: example\n' >>"$configs/with-example.yaml"

"$prefix/bin/section-host" --check --config "$configs/with-example.yaml" >"$work/check" 2>&1 ||
  { cat "$work/check"; fail "section-host --check refuses the configuration with the example"; }
grep -q "check ok: section-host would serve 6 component(s)" "$work/check" || { cat "$work/check"; fail "--check does not count 6 components"; }

mkfifo "$work/out"
"$prefix/bin/section-host" --config "$configs/with-example.yaml" --listen 127.0.0.1:0 >"$work/out" 2>"$work/err" &
host=$!
read -r -t 20 line <"$work/out" || fail "the host did not start"
address=${line#section-host: serving }
ctl() { "$prefix/bin/section-ctl" --host "$address" "$@"; }

# Outputs are captured whole: grep -q would close a pipe early under pipefail.
status=$(ctl status)
grep -q "example  *serving" <<<"$status" || { echo "$status"; fail "the example component is not serving"; }
tables=$(ctl tables)
for id in component-evolution/example deliverables/example measures/example; do
  grep -q "^$id " <<<"$tables" || fail "no table $id"
done
# The regular-budget table has the example's row, and the section's total includes it:
# 19 762 900 (the five components) + 316 500 (the example's 2022 estimate).
rb=$(ctl table financial-by-component-rb --format csv)
grep -q '^example,5. Records and archives management (template),' <<<"$rb" || { echo "$rb"; fail "no example row in financial-by-component-rb"; }
grep -q '^subtotal,.*,20079400$' <<<"$rb" || { echo "$rb"; fail "the regular-budget total does not include the example"; }
posts=$(ctl table posts-by-component-rb --format csv)
grep -q '^example,' <<<"$posts" || fail "no example row in posts-by-component-rb"
deliverables=$(ctl deliverables example)
grep -q "Training of records focal points" <<<"$deliverables" || fail "the example's deliverables are not served"
measures=$(ctl measures example)
grep -q "Percentage of new records kept" <<<"$measures" || fail "the example's measures are not served"

kill -TERM "$host"
wait "$host" || fail "the host did not stop cleanly"
host=""
echo "sdk_out_of_tree: the template plugin built against the installed SDK, passed its tests and serves in every table"
