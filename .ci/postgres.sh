#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests of the postgres state backend.
#
#   eval "$(bash .ci/postgres.sh start)"   # installs it if missing (Debian, as root),
#                                          # starts it, exports WOLKVOX_TEST_POSTGRES_URL
#   bash .ci/postgres.sh stop              # stops it and removes its files
#
# The server listens on 127.0.0.1 only (port $WOLKVOX_PG_PORT, default 54329), trusts
# local connections and keeps its files in $WOLKVOX_PG_DIR (default /tmp/wolkvox-pg).
set -euo pipefail
command=${1:-start}
dir=${WOLKVOX_PG_DIR:-/tmp/wolkvox-pg}
port=${WOLKVOX_PG_PORT:-54329}

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

as_owner() {  # initdb and postgres refuse to run as root
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

case "$command" in
start)
  bin=$(find_bin)
  if [ -z "$bin" ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "no PostgreSQL server installed: apt-get install postgresql (as root)" >&2
      exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq postgresql >/dev/null
    bin=$(find_bin)
  fi
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "'$bin/pg_ctl' -D '$dir/data' -m immediate stop" >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  as_owner "'$bin/initdb' -D '$dir/data' -A trust -U postgres --no-sync" >/dev/null
  as_owner "'$bin/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -t 60 \
    -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200\" \
    start" >/dev/null
  echo "export WOLKVOX_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$port/postgres"
  ;;
stop)
  bin=$(find_bin)
  if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "'$bin/pg_ctl' -D '$dir/data' -m fast -w stop" >/dev/null
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop" >&2
  exit 2
  ;;
esac
