#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the test suite. initdb refuses root, so as root the server runs as
# `nobody`; its folder is under /tmp (which every user can traverse), one per checkout.
# Usage: scripts/postgres.sh start|stop|dir. `dir` prints the folder; the socket is in DIR/socket.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${TERRITOIRES_PG_DIR:-/tmp/territoires-pg-$(printf '%s' "$root" | md5sum | cut -c1-10)}"
bin="$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")"
run_as=()
[ "$(id -u)" -eq 0 ] && run_as=(runuser -u nobody --)
case "${1:-start}" in
  dir)
    echo "$dir"
    ;;
  start)
    mkdir -p "$dir/socket"
    chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown -R nobody "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      "${run_as[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync >/dev/null
    fi
    if ! "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      # fsync off: a test cluster, thrown away; it halves the suite's database time.
      "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -w -l "$dir/server.log" \
        -o "-k $dir/socket -c listen_addresses='' -c fsync=off -c full_page_writes=off" start >/dev/null
    fi
    ;;
  stop)
    "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -w stop >/dev/null 2>&1 || true
    ;;
esac
