#!/usr/bin/env bash
# A throw-away PostgreSQL cluster under var/pg for the test suite (initdb refuses root: run as nobody).
# Usage: scripts/postgres.sh start|stop. Prints nothing on success; the socket is var/pg/socket.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/var/pg"
bin="$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")"
run_as=()
[ "$(id -u)" -eq 0 ] && run_as=(runuser -u nobody --)
case "${1:-start}" in
  start)
    mkdir -p "$dir/socket"
    [ "$(id -u)" -eq 0 ] && chown -R nobody "$dir"
    chmod 755 "$root/var" "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      "${run_as[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync >/dev/null
    fi
    if ! "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -w -l "$dir/server.log" \
        -o "-k $dir/socket -c listen_addresses='' -c fsync=off -c full_page_writes=off" start >/dev/null
    fi
    ;;
  stop)
    "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -w stop >/dev/null 2>&1 || true
    ;;
esac
