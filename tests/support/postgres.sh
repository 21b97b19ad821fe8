#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests (Debian's postgresql package; the newest version
# installed under /usr/lib/postgresql, or $SECTION_PG_BINDIR):
#   postgres.sh start DIR   initdb a cluster in DIR/data and start it, listening only on the
#                           Unix socket DIR/.s.PGSQL.5432 (listen_addresses=''); trust auth,
#                           superuser "postgres". Connection string: host=DIR dbname=postgres user=postgres
#   postgres.sh stop DIR    stop it (fast, then immediate), and every server a test started under
#                           DIR/servers (tests/support/postgres_support.cc) that is still running
#                           (its test crashed or was killed), and remove DIR
#   postgres.sh pause DIR   stop the server but keep DIR (a test of PostgreSQL going away)
#   postgres.sh resume DIR  start the stopped server again
#   postgres.sh freeze DIR  SIGSTOP the server and its backends (a server that no longer answers,
#                           as behind a network partition); stop and thaw end it
#   postgres.sh thaw DIR    SIGCONT them
# PostgreSQL refuses to run as root: as root, the server runs as the postgres user (runuser).
set -euo pipefail

bin=${SECTION_PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
action=${1:?usage: postgres.sh start|stop|pause|resume|freeze|thaw DIR}
dir=${2:?usage: postgres.sh start|stop|pause|resume|freeze|thaw DIR}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

server_start() {
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-c listen_addresses='' -k $dir -c fsync=on -c synchronous_commit=on -c max_connections=200" start >/dev/null
}

# The postmaster (its pid file's first line) and its children, by process id.
server_pids() {
  [ -f "$dir/data/postmaster.pid" ] || return 0
  local postmaster
  postmaster=$(head -n 1 "$dir/data/postmaster.pid")
  [ -n "$postmaster" ] && kill -0 "$postmaster" 2>/dev/null || return 0
  echo "$postmaster"
  pgrep -P "$postmaster" || true
}

signal_server() {
  local pid
  for pid in $(server_pids); do kill "-$1" "$pid" 2>/dev/null || true; done
}

server_stop() {
  [ -f "$dir/data/postmaster.pid" ] || return 0
  signal_server CONT  # a frozen server cannot stop
  as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 10 stop >/dev/null 2>&1 ||
    as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
}

# This server and those of the tests under it.
stop_all() {
  local sub
  for sub in "$dir"/servers/*/; do
    [ -d "$sub" ] || continue
    (dir=${sub%/}; server_stop)
  done
  server_stop
}

case "$action" in
  start)
    [ -n "$bin" ] && [ -x "$bin/initdb" ] ||
      { echo "postgres.sh: no PostgreSQL server found under /usr/lib/postgresql/*/bin (install the postgresql package: scripts/install-deps.sh, or set SECTION_PG_BINDIR)" >&2; exit 1; }
    stop_all
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    as_postgres "$bin/initdb" -D "$dir/data" -N -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    server_start || { cat "$dir/server.log" >&2; exit 1; }
    ;;
  stop)
    stop_all
    rm -rf "$dir"
    ;;
  pause) server_stop ;;
  resume) server_start || { cat "$dir/server.log" >&2; exit 1; } ;;
  freeze) signal_server STOP ;;
  thaw) signal_server CONT ;;
  *) echo "postgres.sh: unknown action $action" >&2; exit 2 ;;
esac
