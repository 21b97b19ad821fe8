#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for the tests (Debian's postgresql package):
#   postgres.sh start DIR   initdb a cluster in DIR/data and start it, listening only on the
#                           Unix socket DIR/.s.PGSQL.5432 (listen_addresses=''); trust auth,
#                           superuser "postgres". Connection string: host=DIR dbname=postgres user=postgres
#   postgres.sh stop DIR    stop it (fast, then immediate) and remove DIR
#   postgres.sh pause DIR   stop the server but keep DIR (a test of PostgreSQL going away)
#   postgres.sh resume DIR  start the stopped server again
# PostgreSQL refuses to run as root: as root, the server runs as the postgres user (runuser).
set -euo pipefail

bin=/usr/lib/postgresql/15/bin
action=${1:?usage: postgres.sh start|stop|pause|resume DIR}
dir=${2:?usage: postgres.sh start|stop|pause|resume DIR}

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

server_stop() {
  [ -f "$dir/data/postmaster.pid" ] || return 0
  as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 10 stop >/dev/null 2>&1 ||
    as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
}

case "$action" in
  start)
    [ -x "$bin/initdb" ] || { echo "postgres.sh: $bin/initdb is missing (install the postgresql package: scripts/install-deps.sh)" >&2; exit 1; }
    server_stop
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    as_postgres "$bin/initdb" -D "$dir/data" -N -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    server_start || { cat "$dir/server.log" >&2; exit 1; }
    ;;
  stop)
    server_stop
    rm -rf "$dir"
    ;;
  pause) server_stop ;;
  resume) server_start || { cat "$dir/server.log" >&2; exit 1; } ;;
  *) echo "postgres.sh: unknown action $action" >&2; exit 2 ;;
esac
