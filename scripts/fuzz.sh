#!/usr/bin/env bash
# A short fuzz run: builds the libFuzzer targets of tests/fuzz with clang (address and undefined
# behaviour sanitizers) into a build directory of their own, then fuzzes each target for SECONDS
# from a copy of its seed corpus. Fails when a target crashes, and prints the reproducer.
#
#   scripts/fuzz.sh [SECONDS [TARGET...]]     SECONDS defaults to 60; TARGET: yaml config component queries
#
# SECTION_FUZZ_BUILD_DIR  the clang build (default build-fuzz); new inputs and crashes go to its run/
# SECTION_FUZZ_JOBS       targets fuzzed at once (default: the number of cores)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(yaml config component queries)
build=${SECTION_FUZZ_BUILD_DIR:-build-fuzz}
jobs=${SECTION_FUZZ_JOBS:-$(nproc)}
case $seconds in '' | *[!0-9]*) echo "usage: $0 [SECONDS [TARGET...]]" >&2; exit 2 ;; esac
for target in "${targets[@]}"; do
  [ -d "tests/fuzz/corpus/$target" ] || { echo "fuzz: no target '$target' (tests/fuzz/corpus/$target)" >&2; exit 2; }
done
command -v clang++ >/dev/null || { echo "fuzz: clang++ is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }

mkdir -p "$build"
echo "fuzz: building ${targets[*]} with clang into $build/ (log: $build/build.log)"
if ! { CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSECTION_FUZZ=ON &&
       cmake --build "$build" -j "$(nproc)" --target "${targets[@]/#/fuzz_}"; } >"$build/build.log" 2>&1; then
  tail -n 40 "$build/build.log" >&2
  echo "fuzz: the build failed; the whole log is $build/build.log" >&2
  exit 1
fi

# Each target fuzzes a copy of its corpus: what libFuzzer adds never lands in the repository.
run=$build/run
rm -rf "$run"
fuzz_one() {
  local target=$1 dir=$run/$1 dict=()
  mkdir -p "$dir/corpus" "$dir/crashes"
  cp tests/fuzz/corpus/"$target"/* "$dir/corpus/"
  [ "$target" = queries ] || dict=(-dict=tests/fuzz/yaml.dict)
  # -timeout: an input that takes 10 s is a bug; -rss_limit_mb: so is one that takes 2 GB.
  if "$build/bin/fuzz_$target" "$dir/corpus" "${dict[@]}" -max_total_time="$seconds" -timeout=10 \
       -rss_limit_mb=2048 -artifact_prefix="$dir/crashes/" -print_final_stats=1 >"$dir/log" 2>&1; then
    echo ok >"$dir/result"
  else
    echo failed >"$dir/result"
  fi
}
echo "fuzz: fuzzing ${targets[*]} for ${seconds} s each, $jobs at a time (logs: $run/<target>/log)"
for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  fuzz_one "$target" &
done
wait

failed=0
for target in "${targets[@]}"; do
  dir=$run/$target
  stats=$(grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$dir/log" | sed 's/stat:://; s/://' | tr -s ' \n' ' ' || true)
  coverage=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$dir/log" | tail -n 1 || true)
  if [ "$(cat "$dir/result")" = ok ]; then
    echo "fuzz: $target: ok ($coverage, ${stats% })"
  else
    failed=1
    echo "fuzz: $target: FAILED  (log: $dir/log)" >&2
    grep -E 'ERROR|SUMMARY|fuzz: bug|==[0-9]+==|error' "$dir/log" | head -n 20 >&2 || tail -n 20 "$dir/log" >&2
    for crash in "$dir"/crashes/*; do
      [ -e "$crash" ] || continue
      echo "fuzz: reproducer: $crash" >&2
      echo "fuzz:   replay it: $build/bin/fuzz_$target $crash   (or replay_$target in the normal build)" >&2
    done
  fi
done
exit $failed
