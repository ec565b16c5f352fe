#!/usr/bin/env bash
# `npm run bench:db`: a throwaway PostgreSQL 15 cluster (scripts/pg-cluster.sh, hosted-like), then
#   1. the kind fill, bench/fill-large.sql (triggers off, few open tickets, each closed two days
#      after it was opened), and bench/db-kpis.ts on it;
#   2. the adversarial fill, bench/fill-adversarial.sql, written through the triggers as postgres
#      (150 k open tickets, 150 k closed by one bulk update, 1 M orders over a year), and db-kpis.ts;
#   3. both side by side (bench/db-compare.ts);
#   4. write throughput with concurrent writers before and after the counters, and without and with
#      the dashboard delta at 1 and BENCH_WRITERS writers, side by side with the ratio
#      (bench/db-writers.ts; BENCH_WRITERS_ARGS=--delta-only for the delta alone; the writers need a
#      fill's customers and products, so BENCH_ONLY=kind or adversarial, not neither).
# About 10 minutes on 2 cores. Env: BENCH_KEEP=1 leaves the cluster running; BENCH_ITERATIONS (50)
# calls per query; BENCH_WRITE_SECONDS (4) per writer run, 3 rounds; BENCH_WRITERS (8); BENCH_ONLY=kind|adversarial.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PG_CLUSTER_PORT="${BENCH_PORT:-54349}"
export PG_CLUSTER_DIR="${BENCH_DIR:-/tmp/repair-shop-pg-bench}"
OUT="$PG_CLUSTER_DIR-results"
if [[ "${BENCH_KEEP:-0}" != 1 ]]; then
  trap '"$ROOT/scripts/pg-cluster.sh" stop; rm -rf "$OUT"' EXIT
fi
mkdir -p "$OUT"

"$ROOT/scripts/pg-cluster.sh" start >/dev/null
URL="$("$ROOT/scripts/pg-cluster.sh" url)"
# The kind fill switches row triggers off (session_replication_role), which needs the superuser.
ADMIN_URL="$("$ROOT/scripts/pg-cluster.sh" admin-url)"
ITER="${BENCH_ITERATIONS:-50}"
ONLY="${BENCH_ONLY:-}"
kpis() { DATABASE_URL="$URL" npx --no-install tsx "$ROOT/bench/db-kpis.ts" "$ITER" --json "$OUT/$1.json"; }
timed() { local start=$SECONDS; "$@"; echo "($((SECONDS - start)) s)"; }

if [[ -z "$ONLY" || "$ONLY" == kind ]]; then
  echo "kind fill (triggers off) ..."
  timed bash -c "PGPASSWORD=postgres psql '$ADMIN_URL' -X -q -f '$ROOT/bench/fill-large.sql' >/dev/null"
  kpis kind
fi
if [[ -z "$ONLY" || "$ONLY" == adversarial ]]; then
  echo "adversarial fill (through the triggers, as postgres) ..."
  timed bash -c "PGPASSWORD=postgres psql '$URL' -X -q -f '$ROOT/bench/fill-adversarial.sql' >/dev/null"
  kpis adversarial
fi
if [[ -z "$ONLY" ]]; then
  npx --no-install tsx "$ROOT/bench/db-compare.ts" "kind=$OUT/kind.json" "adversarial=$OUT/adversarial.json"
fi
DATABASE_URL="$URL" npx --no-install tsx "$ROOT/bench/db-writers.ts" "${BENCH_WRITE_SECONDS:-4}" "${BENCH_WRITERS:-8}" ${BENCH_WRITERS_ARGS:-}
