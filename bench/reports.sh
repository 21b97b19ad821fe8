#!/usr/bin/env bash
# The report benchmarks, one JSON line each on standard output (bench/run.sh records them):
#   ReportValue with 1 and 16 concurrent reporters on each store (SQLite, PostgreSQL), each beside
#   its floor (section-bench-store-floor: the same row inserted and committed with the same
#   durability settings, without section-host) measured in the same run; and the cross-host
#   visibility (section-bench-visibility: report on host A, until host B's Watch announces it);
#   and a bare gRPC round trip (section-bench-floor, one call at a time), which with the floor's
#   commit bounds what one reporter can reach through any gRPC server.
# PostgreSQL is a throwaway server (tests/support/postgres.sh) in a directory under /tmp.
#
#   bench/reports.sh [--duration-ms 3000] [--repeats 3] [--visibility-reports 300]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
duration=3000 repeats=3 visibility_reports=300 warmup=500
while [ $# -gt 0 ]; do
  case "$1" in
    --duration-ms) duration=$2; shift ;;
    --repeats) repeats=$2; shift ;;
    --visibility-reports) visibility_reports=$2; shift ;;
    --warmup-ms) warmup=$2; shift ;;
    *) echo "usage: bench/reports.sh [--duration-ms N] [--repeats N] [--visibility-reports N] [--warmup-ms N]" >&2; exit 2 ;;
  esac
  shift
done
bin=$root/build/bin
server_cpu=0
client_cpu=1
[ "$(nproc)" -ge 2 ] || client_cpu=0
work=$(mktemp -d)
pg_dir=/tmp/section-bench-pg-$$
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash "$root/tests/support/postgres.sh" stop "$pg_dir" || true
  rm -rf "$work"
}
trap cleanup EXIT

bash "$root/tests/support/postgres.sh" start "$pg_dir"
server="host=$pg_dir user=postgres"
psql_() { psql -X -q -v ON_ERROR_STOP=1 "$server dbname=postgres" -c "$1" >/dev/null; }

"$bin/section-ctl" token new --name hr-team --role reporter --components hr >"$work/token.txt"
sed -n 's/^token: //p' "$work/token.txt" >"$work/token"
entry=$(sed -n '/^    - name:/,$p' "$work/token.txt")

# A host configuration in $work with this storage block.
config() {  # name, storage lines
  local file=$work/$1.yaml
  sed -e "s|section: section-29f.section.yaml|section: $root/configs/section-29f.section.yaml|" \
      -e "s|^shutdown_grace_ms: 5000|shutdown_grace_ms: 2000\ndrain_ms: 0|" "$root/configs/section-29f.yaml" >"$file"
  printf 'storage:\n%s\nauth:\n  tokens:\n%s\n' "$2" "$entry" >>"$file"
  echo "$file"
}

# Starts section-host pinned to the server CPU; prints its address, appends its pid to $work/pids.
start_host() {  # config file, name
  local out=$work/$2.out
  rm -f "$out"
  mkfifo "$out"
  taskset -c "$server_cpu" "$bin/section-host" --config "$1" --listen 127.0.0.1:0 --log-level warning >"$out" 2>"$work/$2.err" &
  echo $! >"$work/$2.pid"
  local line
  read -r -t 120 line <"$out" || { tail "$work/$2.err" >&2; echo "bench: the host did not start" >&2; exit 1; }
  echo "${line#section-host: serving }"
}
stop_host() { local pid; pid=$(cat "$work/$1.pid"); kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; }

reporters() {  # address, concurrency
  taskset -c "$client_cpu" "$bin/section-bench-reports" --target "$1" --token-file "$work/token" --concurrency "$2" \
    --duration-ms "$duration" --warmup-ms "$warmup"
}
floor() {  # --sqlite DIR | --postgres CONNINFO, concurrency
  taskset -c "$server_cpu" "$bin/section-bench-store-floor" "$1" "$2" --concurrency "$3" --duration-ms "$duration" --warmup-ms "$warmup"
}
line() { echo "{\"kind\": \"$1\", \"name\": \"$2\", \"data\": $3}"; }

# The bare gRPC round trip of one call at a time (the query floor's server, an answer of a
# ReportValueResponse's size): with the floor's commit, what no host can beat for one reporter.
echo "bench: a bare gRPC round trip, one call at a time (${repeats}x ${duration} ms)" >&2
rm -f "$work/rpc-floor.out"
mkfifo "$work/rpc-floor.out"
taskset -c "$server_cpu" "$bin/section-bench-floor" --listen 127.0.0.1:0 --bytes 256 >"$work/rpc-floor.out" &
rpc_floor_pid=$!
pids+=("$rpc_floor_pid")
read -r rpc_floor_line <"$work/rpc-floor.out"
for _ in $(seq "$repeats"); do
  line report_rpc_floor grpc "$(taskset -c "$client_cpu" "$bin/section-bench-load" --target "${rpc_floor_line#serving }" \
                                 --call health --concurrency 1 --duration-ms "$duration" --warmup-ms "$warmup")"
done
kill -TERM "$rpc_floor_pid"
wait "$rpc_floor_pid" || true

for store in sqlite postgres; do
  echo "bench: ReportValue on $store, 1 and 16 reporters, beside the floor (${repeats}x ${duration} ms each)" >&2
  for r in $(seq "$repeats"); do
    if [ "$store" = sqlite ]; then
      mkdir -p "$work/data-$r" "$work/floor-$r"
      storage="  data_dir: $work/data-$r"
      floor_target=(--sqlite "$work/floor-$r")
    else
      psql_ "CREATE DATABASE bench_$r"
      psql_ "CREATE DATABASE floor_$r"
      storage="  postgres: \"$server dbname=bench_$r\""
      floor_target=(--postgres "$server dbname=floor_$r")
    fi
    address=$(start_host "$(config "$store-$r" "$storage")" "$store-$r")
    # Interleaved, so that drift in the machine touches the host and its floor alike.
    for n in 1 16; do
      line report_value "${store}_$n" "$(reporters "$address" "$n")"
      line report_floor "${store}_$n" "$(floor "${floor_target[@]}" "$n")"
    done
    stop_host "$store-$r"
  done
done

echo "bench: cross-host visibility, $visibility_reports reports on A watched on B" >&2
psql_ "CREATE DATABASE visibility"
shared=$(config shared "  postgres: \"$server dbname=visibility\"")
a=$(start_host "$shared" host-a)
b=$(start_host "$shared" host-b)
line visibility postgres "$(taskset -c "$client_cpu" "$bin/section-bench-visibility" --a "$a" --b "$b" --token-file "$work/token" \
                             --reports "$visibility_reports")"
stop_host host-a
stop_host host-b
