#!/usr/bin/env bash
# Debian packages the tests and the server need: chromium (browser tests), postgresql (the scale path),
# pango (PDF rendering), redis-server (the optional shared cache, docs/deploiement.md; its tests are
# skipped without it). Installs only what is missing; as root here, else prints the command to run.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -x /usr/lib/postgresql/15/bin/initdb ] || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installation des paquets système : ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts the service it installs: the tests start their own redis-server on a loopback port.
else
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "apt-get indisponible (système autre que Debian ?) : installez vous-même ${missing[*]}." >&2
  fi
  echo "Paquets système manquants : ${missing[*]}" >&2
  echo "Installez-les : sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
