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

# The guide's own CMakeLists.txt and test, as printed in docs/writing-a-plugin.md, around the
# template's plugin named "records": they configure without a CMake warning, build and pass.
guide=$work/guide
mkdir -p "$guide/tests"
code_block() {  # the first fenced block of language $1 after the line that starts with $2
  awk -v lang="$1" -v after="$2" 'index($0, after) == 1 {seen = 1}
    seen && $0 == "```" lang {inside = 1; next}
    inside && $0 == "```" {exit}
    inside {print}' "$source/docs/writing-a-plugin.md"
}
code_block cmake '`CMakeLists.txt` needs only:' >"$guide/CMakeLists.txt"
code_block cpp '`#include <section/testkit/plugin_test_kit.h>` loads' >"$guide/tests/records_plugin_test.cc"
[ -s "$guide/CMakeLists.txt" ] && [ -s "$guide/tests/records_plugin_test.cc" ] || fail "the guide's CMakeLists.txt or test was not found"
cp "$source/examples/template-plugin/example_plugin.cc" "$guide/records_plugin.cc"
sed 's/^  id: example /  id: records /' "$source/examples/template-plugin/component.yaml" >"$guide/component.yaml"
cmake -S "$guide" -B "$guide/build" -DCMAKE_PREFIX_PATH="$prefix" -Wdev >"$work/guide-configure.log" 2>&1 ||
  { cat "$work/guide-configure.log"; fail "the guide's CMakeLists.txt does not configure"; }
if grep -q "CMake Warning" "$work/guide-configure.log"; then cat "$work/guide-configure.log"; fail "the guide's project configures with warnings"; fi
cmake --build "$guide/build" -j "$(nproc)" >"$work/guide-build.log" 2>&1 ||
  { tail -40 "$work/guide-build.log"; fail "the guide's test does not compile as printed"; }
ctest --test-dir "$guide/build" --output-on-failure >"$work/guide-test.log" 2>&1 ||
  { cat "$work/guide-test.log"; fail "the guide's test fails"; }
grep -q "100% tests passed, 0 tests failed out of 2" "$work/guide-test.log" || { cat "$work/guide-test.log"; fail "the guide's two tests did not run"; }
echo "sdk_out_of_tree: the template plugin built against the installed SDK, passed its tests and serves in every table; the guide's example builds and passes as printed"
