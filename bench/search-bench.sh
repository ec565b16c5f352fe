#!/usr/bin/env bash
# `npm run bench:search`: a throwaway PostgreSQL 15 cluster (scripts/pg-cluster.sh) filled with
# bench/fill-search.sql (about 1.05 M skewed activity rows; the posting list built as its
# migration does), then bench/db-search.ts prints, for activity_feed searches and filters, the
# first page and the next older page (p50/p95 at the client and the server's execution time),
# now and with the trigram-only function of 20261201210000 on the same data; entity_detail; and
# what the posting list, the trigram index and the search column cost writers, per activity row.
# About 20 minutes on 2 cores.
# BENCH_KEEP=1 leaves the cluster running; BENCH_ITERATIONS (30) sets calls per query.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PG_CLUSTER_PORT="${BENCH_PORT:-54359}"
export PG_CLUSTER_DIR="${BENCH_DIR:-/tmp/repair-shop-pg-search-bench}"
if [[ "${BENCH_KEEP:-0}" != 1 ]]; then
  trap '"$ROOT/scripts/pg-cluster.sh" stop' EXIT
fi

"$ROOT/scripts/pg-cluster.sh" start >/dev/null
URL="$("$ROOT/scripts/pg-cluster.sh" url)"
# The fill switches row triggers off (session_replication_role), which needs the superuser.
ADMIN_URL="$("$ROOT/scripts/pg-cluster.sh" admin-url)"
echo "filling $URL ..."
PGPASSWORD=postgres psql "$ADMIN_URL" -X -q -f "$ROOT/bench/fill-search.sql" | grep -E '^(Time|-|[ 0-9|a-zA-Z_]+$)' || true
DATABASE_URL="$URL" npx --no-install tsx "$ROOT/bench/db-search.ts" "${BENCH_ITERATIONS:-30}"
