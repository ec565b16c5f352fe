#!/usr/bin/env bash
# `npm run bench:db`: a throwaway PostgreSQL 15 cluster (scripts/pg-cluster.sh), filled with
# bench/fill-large.sql (1 M orders, 300 k tickets, 200 k customers, 5 k products), then
# bench/db-kpis.ts prints median and p95 per query. Takes about 3 minutes on 2 cores.
# BENCH_KEEP=1 leaves the cluster running; BENCH_ITERATIONS (50) sets calls per query.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PG_CLUSTER_PORT="${BENCH_PORT:-54349}"
export PG_CLUSTER_DIR="${BENCH_DIR:-/tmp/repair-shop-pg-bench}"
if [[ "${BENCH_KEEP:-0}" != 1 ]]; then
  trap '"$ROOT/scripts/pg-cluster.sh" stop' EXIT
fi

"$ROOT/scripts/pg-cluster.sh" start >/dev/null
URL="$("$ROOT/scripts/pg-cluster.sh" url)"
# The fill switches row triggers off (session_replication_role), which needs the superuser.
ADMIN_URL="$("$ROOT/scripts/pg-cluster.sh" admin-url)"
echo "filling $URL ..."
PGPASSWORD=postgres psql "$ADMIN_URL" -X -q -f "$ROOT/bench/fill-large.sql" | grep -E '^(Time|INSERT|-|[ 0-9|]+$)' || true
DATABASE_URL="$URL" npx --no-install tsx "$ROOT/bench/db-kpis.ts" "${BENCH_ITERATIONS:-50}"
