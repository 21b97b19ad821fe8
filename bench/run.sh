#!/usr/bin/env bash
# The benchmark suite, one command: builds, runs every measurement with the server pinned to
# CPU 0 and the client to CPU 1, repeats each, and writes the report:
#   docs/performance.json   every figure, machine-readable
#   docs/performance.md     the figures section (between its markers), beside the design notes
#
#   bench/run.sh            the full run (about 6 minutes on two cores)
#   bench/run.sh --smoke    a tiny run that only proves the suite works; writes to a temporary
#                           directory unless --out DIR is given (CTest runs it as bench_smoke)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

mode=full
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) mode=smoke ;;
    --out) out=$2; shift ;;
    *) echo "usage: bench/run.sh [--smoke] [--out DIR]" >&2; exit 2 ;;
  esac
  shift
done
if [ "$mode" = full ]; then
  repeats=3 duration=3000 warmup=500 streams=1000 versions=20 generated=1000 startup_runs=20 big_runs=5
  counts=10,100,1000,5000
  out=${out:-docs}
else
  repeats=1 duration=200 warmup=50 streams=20 versions=3 generated=20 startup_runs=2 big_runs=1 counts=10,20
fi
work=$(mktemp -d)
out=${out:-$work/report}
mkdir -p "$out"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

[ "${SECTION_BENCH_NO_BUILD:-}" = 1 ] || { ./scripts/install-deps.sh && ./scripts/build.sh; }
bin=$root/build/bin
plugin=$root/build/bench/bench_plugin.so
server_cpu=0
client_cpu=1
[ "$(nproc)" -ge 2 ] || client_cpu=0
results=$work/results.jsonl
: >"$results"
record() { echo "{\"kind\": \"$1\", \"name\": \"$2\", \"data\": $3}" >>"$results"; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
response_bytes() { sed 's/.*"response_bytes": \([0-9]*\).*/\1/'; }

# A configuration in $work: the default section, no drain, plus the plugin blocks on stdin.
config() {
  local file=$work/$1.yaml
  sed -e "s|section: section-29f.section.yaml|section: $root/configs/section-29f.section.yaml|" \
      -e "s|^shutdown_grace_ms: 5000|shutdown_grace_ms: 2000\ndrain_ms: 0|" "$root/configs/section-29f.yaml" >"$file"
  cat >>"$file"
  echo "$file"
}

# Starts section-host pinned to the server CPU; sets host_pid and host_address.
start_host() {
  rm -f "$work/host.out"
  mkfifo "$work/host.out"
  taskset -c "$server_cpu" "$bin/section-host" --config "$1" --listen 127.0.0.1:0 >"$work/host.out" 2>"$work/host.err" &
  host_pid=$!
  pids+=("$host_pid")
  local line=""
  # "section-host: http ADDRESS" comes first when http_listen is set.
  exec 3<"$work/host.out"
  while [ "${line#section-host: serving }" = "$line" ]; do
    read -r -t 300 line <&3 || { tail "$work/host.err" >&2; echo "bench: the host did not start" >&2; exit 1; }
  done
  exec 3<&-
  host_address=${line#section-host: serving }
}
stop_host() { kill -TERM "$host_pid"; wait "$host_pid" || true; }

load() {
  taskset -c "$client_cpu" "$bin/section-bench-load" --target "$1" --call "$2" --concurrency "${3:-16}" \
    --duration-ms "${4:-$duration}" --warmup-ms "${5:-$warmup}"
}

echo "bench: queries against section-host, the same-size floor and Health/Check (${repeats}x ${duration} ms each)" >&2
# With the HTTP listener, so that /metrics can be read: every call is counted, as in production.
start_host "$(echo "http_listen: 127.0.0.1:0" | config default)"
largest="" largest_bytes=0
for id in $("$bin/section-ctl" --host "$host_address" tables | awk '{print $1}'); do
  bytes=$(load "$host_address" "get_table:$id" 1 20 0 | response_bytes)
  if [ "$bytes" -gt "$largest_bytes" ]; then largest=$id largest_bytes=$bytes; fi
done
for call in "get_table:financial-by-component-rb" "get_table:$largest" "list_measures:support:0" "list_deliverables:support:2022"; do
  size=$(load "$host_address" "$call" 1 20 0 | response_bytes)
  rm -f "$work/floor.out"
  mkfifo "$work/floor.out"
  taskset -c "$server_cpu" "$bin/section-bench-floor" --listen 127.0.0.1:0 --bytes "$size" >"$work/floor.out" &
  floor_pid=$!
  pids+=("$floor_pid")
  read -r line <"$work/floor.out"
  floor_address=${line#serving }
  # Interleaved, so that drift in the machine touches all three alike.
  for _ in $(seq "$repeats"); do
    record query "$call" "$(load "$host_address" "$call")"
    record floor "$call" "$(load "$floor_address" "$call")"
    record health "$call" "$(load "$host_address" health)"
  done
  kill -TERM "$floor_pid"
  wait "$floor_pid" || true
done
record memory default "{\"rss_kb_after_queries\": $(rss_kb "$host_pid")}"
stop_host

echo "bench: Watch fan-out to $streams streams" >&2
sed -e 's/^  id: finance/  id: ticker/' -e 's/^  subprogramme: 1$/  subprogramme: 90/' "$root/plugins/finance/component.yaml" >"$work/ticker.yaml"
printf '  - id: ticker\n    library: %s\n    settings: {data: %s, republish_every_ms: 250, watch_ms: 0}\n' \
  "$plugin" "$work/ticker.yaml" >"$work/ticker.block"
start_host "$(config watch <"$work/ticker.block")"
for _ in $(seq "$repeats"); do
  record watch "streams_$streams" "$(taskset -c "$client_cpu" "$bin/section-bench-watch" --target "$host_address" \
                                      --streams "$streams" --versions "$versions")"
done
stop_host

echo "bench: start-up to SERVING" >&2
# section-bench-startup times each start from posix_spawn to the server's first line on standard
# output (section-host's "serving" line, printed once health is SERVING; the floor's once it
# listens) with the monotonic clock, no shell in between. With --floor, the bench floor server
# (gRPC and its health service, no plugins) and the host alternate round by round. The host's
# "ready in" line gives its own phases.
startup() {  # config file, runs, [with-floor] → JSON
  local floor=()
  [ -n "${3:-}" ] && floor=(--floor "$bin/section-bench-floor" --listen 127.0.0.1:0 --bytes 64)
  "$bin/section-bench-startup" --rounds "$2" --rss-after "start-up memory returned" --keep-line "ready in" \
    "${floor[@]}" -- "$bin/section-host" --config "$1" --listen 127.0.0.1:0
}
record startup default "$(startup "$(config startup </dev/null)" "$startup_runs" with-floor)"

# Generated components: each its own data file (a copy of a Section 29F subprogramme's, with
# its own id and number), all served by the one bench plugin library.
mkdir -p "$work/generated"
names=(finance hr support ict)
generated_config=$work/generated.yaml
sed -e "s|section: section-29f.section.yaml|section: $root/configs/section-29f.section.yaml|" \
    -e "s|^shutdown_grace_ms: 5000|shutdown_grace_ms: 2000\ndrain_ms: 0|" -e '/^plugins:/,$d' "$root/configs/section-29f.yaml" >"$generated_config"
echo "plugins:" >>"$generated_config"
for i in $(seq "$generated"); do
  sed -e "s/^  id: .*/  id: g$i/" -e "s/^  subprogramme: .*/  subprogramme: $i/" -e "s/^  title: .*/  title: Generated component $i/" \
    "$root/plugins/${names[$(( i % 4 ))]}/component.yaml" >"$work/generated/g$i.yaml"
  printf '  - id: g%d\n    library: %s\n    settings: {data: %s, watch_ms: 0}\n' "$i" "$plugin" "$work/generated/g$i.yaml" >>"$generated_config"
done
record startup "generated_$generated" "$(startup "$generated_config" "$big_runs")"
# The same with malloc asking for transparent huge pages: most of this start-up is page faults.
record startup "generated_${generated}_hugetlb" "$(GLIBC_TUNABLES=glibc.malloc.hugetlb=1 startup "$generated_config" "$big_runs")"

echo "bench: aggregation time by number of components" >&2
record aggregate curve "$(taskset -c "$server_cpu" "$bin/section-bench-aggregate" --source "$root" --counts "$counts" --repeats "$repeats")"

echo "bench: reports on SQLite and PostgreSQL beside their floors, and cross-host visibility" >&2
if [ "$mode" = full ]; then
  bash "$root/bench/reports.sh" --duration-ms "$duration" --repeats "$repeats" --warmup-ms "$warmup" --visibility-reports 300 >>"$results"
else
  bash "$root/bench/reports.sh" --duration-ms 300 --repeats 1 --warmup-ms 50 --visibility-reports 10 >>"$results"
fi

/usr/bin/python3 "$root/bench/report.py" --results "$results" --out "$out" --mode "$mode" \
  --largest "$largest" --generated "$generated" --streams "$streams"
echo "bench: report written to $out" >&2
