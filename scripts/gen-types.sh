#!/usr/bin/env bash
# Regenerates src/types/database.ts from supabase/migrations with the real CLI
# (`supabase gen types typescript`), against a throwaway PostgreSQL 15 cluster of its own
# (platform.sql + `supabase db push`, no seed), so no Docker is needed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PG_CLUSTER_PORT="${GEN_TYPES_PORT:-54339}"
export PG_CLUSTER_DIR="${GEN_TYPES_DIR:-/tmp/repair-shop-pg-types}"
export PG_CLUSTER_SEED=0
trap '"$ROOT/scripts/pg-cluster.sh" stop' EXIT

"$ROOT/scripts/pg-cluster.sh" start >/dev/null
URL="$("$ROOT/scripts/pg-cluster.sh" url)"
OUT="$ROOT/src/types/database.ts"
mkdir -p "$(dirname "$OUT")"
(cd "$ROOT" && PGSSLMODE=disable npx --no-install supabase gen types typescript --remote="$URL" --schema public) \
  2>/dev/null | sed '/./,$!d' >"$OUT.tmp"
grep -q '^export type Database' "$OUT.tmp" || { echo "gen-types: unexpected output" >&2; cat "$OUT.tmp" >&2; exit 1; }
mv "$OUT.tmp" "$OUT"
echo "wrote ${OUT#"$ROOT"/}"
