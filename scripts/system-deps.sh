#!/usr/bin/env bash
# Installs the Debian packages the full test suite needs: Chromium for the end-to-end tests,
# PostgreSQL 15 with pgTAP and pg_prove for the database tests. Idempotent; needs root and apt-get.
set -euo pipefail

packages=(chromium postgresql-15 postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl)

missing() {
  command -v chromium >/dev/null 2>&1 || return 0
  command -v pg_prove >/dev/null 2>&1 || return 0
  [ -x /usr/lib/postgresql/15/bin/initdb ] || return 0
  [ -f /usr/share/postgresql/15/extension/pgtap.control ] || return 0
  return 1
}

if ! missing; then
  echo "system-deps: chromium, PostgreSQL 15, pgTAP and pg_prove are installed"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: missing packages; install them with: sudo apt-get install -y ${packages[*]}" >&2
  exit 1
fi
echo "system-deps: installing ${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
# Debian creates and starts a default cluster; the tests use their own throwaway cluster instead.
if command -v pg_lsclusters >/dev/null 2>&1; then
  pg_lsclusters -h 2>/dev/null | while read -r ver name _; do pg_ctlcluster "$ver" "$name" stop 2>/dev/null || true; done
fi
echo "system-deps: done"
