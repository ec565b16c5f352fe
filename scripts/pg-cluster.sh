#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster with the Supabase platform pieces, the migrations applied by
# the real Supabase CLI (`supabase db push`), and the seed.
#
#   scripts/pg-cluster.sh start   create + start, print DATABASE_URL=...
#   scripts/pg-cluster.sh test    run the pgTAP suite (supabase/tests/database) with pg_prove
#   scripts/pg-cluster.sh url     print the DATABASE_URL
#   scripts/pg-cluster.sh admin-url  print the superuser's URL (bench loads, extensions)
#   scripts/pg-cluster.sh stop    stop and delete the cluster
#   scripts/pg-cluster.sh ci      start, test, stop; exits with the test result
#
# Env: PG_CLUSTER_PORT (54329), PG_CLUSTER_DIR (/tmp/repair-shop-pg), PG_CLUSTER_SEED (1; 0 = skip).
# Needs (Debian): postgresql-15 postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl.
# Runs the server as OS user postgres when started as root (initdb refuses root).
#
# Like a hosted Supabase project, `postgres` is NOT a superuser here: the bootstrap superuser is
# supabase_admin, and postgres (createrole, createdb, replication, bypassrls, owner of the database,
# the publication and schema extensions) applies the migrations and the seed and runs the tests.
# So a migration that needs superuser rights fails here as it would on `supabase db push`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${PG_CLUSTER_PORT:-54329}"
DIR="${PG_CLUSTER_DIR:-/tmp/repair-shop-pg}"
PASSWORD=postgres
URL="postgresql://postgres:${PASSWORD}@127.0.0.1:${PORT}/postgres"
ADMIN_URL="postgresql://supabase_admin:${PASSWORD}@127.0.0.1:${PORT}/postgres"

find_bindir() {
  local candidate
  for candidate in /usr/lib/postgresql/15/bin "$(pg_config --bindir 2>/dev/null || true)"; do
    if [[ -n "$candidate" && -x "$candidate/initdb" ]]; then
      echo "$candidate"
      return
    fi
  done
  echo "pg-cluster: initdb not found; install postgresql-15" >&2
  exit 1
}
BIN="$(find_bindir)"

as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

psql_url() {
  PGPASSWORD="$PASSWORD" "$BIN/psql" "$URL" -X -q -v ON_ERROR_STOP=1 "$@"
}

psql_admin() {
  PGPASSWORD="$PASSWORD" "$BIN/psql" "$ADMIN_URL" -X -q -v ON_ERROR_STOP=1 "$@"
}

stop_cluster() {
  if [[ -f "$DIR/data/postmaster.pid" ]]; then
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$DIR"
}

start_cluster() {
  stop_cluster
  mkdir -p "$DIR"
  printf '%s\n' "$PASSWORD" >"$DIR/pwfile"
  if [[ "$(id -u)" == 0 ]]; then
    chown -R postgres:postgres "$DIR"
  fi
  as_owner "$BIN/initdb" -D "$DIR/data" -U supabase_admin --pwfile="$DIR/pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log"
  as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start -o \
    "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$DIR -c wal_level=logical \
     -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=512MB \
     -c max_wal_size=4GB -c timezone=UTC" >/dev/null

  psql_admin -c "create role postgres login createrole createdb replication bypassrls password '$PASSWORD'" \
    -c 'alter database postgres owner to postgres'
  psql_admin -f "$ROOT/local-supabase/platform.sql"
  # Owned by postgres on Supabase projects (migrations add tables to the publication). CREATE on
  # auth is for the local stack only (its session tables, local-supabase/auth/schema.sql, when it
  # runs here through DATABASE_URL); the migrations never create anything in auth.
  psql_admin -c 'alter publication supabase_realtime owner to postgres' \
    -c 'alter schema extensions owner to postgres' \
    -c 'grant create on schema auth to postgres' \
    -c 'alter role postgres set search_path to "$user", public, extensions' \
    -c 'grant set on parameter pgrst.db_aggregates_enabled to postgres'
  # The last: on Supabase, supautils lets postgres run `alter role authenticator set
  # pgrst.db_aggregates_enabled = 'true'` (how a project turns PostgREST's aggregates on).
  # pgTAP for the suite, dblink for its two-writer test (Supabase allows both through supautils).
  PGOPTIONS='-c client_min_messages=warning' psql_admin \
    -c 'create extension if not exists pgtap with schema extensions' \
    -c 'create extension if not exists dblink with schema extensions'

  (cd "$ROOT" && npx --no-install supabase db push --remote="$URL" --yes) >"$DIR/db-push.log" 2>&1 || {
    cat "$DIR/db-push.log" >&2
    exit 1
  }
  if [[ "${PG_CLUSTER_SEED:-1}" != 0 ]]; then
    psql_url -f "$ROOT/supabase/seed.sql"
  fi
  echo "DATABASE_URL=$URL"
}

run_tests() {
  if [[ ! -f "$DIR/data/postmaster.pid" ]]; then
    echo "pg-cluster: no cluster in $DIR; run '$0 start' first" >&2
    exit 1
  fi
  PGPASSWORD="$PASSWORD" pg_prove -h 127.0.0.1 -p "$PORT" -U postgres -d postgres \
    --ext .sql -r "$ROOT/supabase/tests/database"
}

case "${1:-}" in
  start) start_cluster ;;
  test) run_tests ;;
  url) echo "$URL" ;;
  admin-url) echo "$ADMIN_URL" ;;
  stop) stop_cluster ;;
  ci)
    trap stop_cluster EXIT
    start_cluster
    run_tests
    ;;
  *)
    echo "usage: $0 start|test|url|admin-url|stop|ci" >&2
    exit 2
    ;;
esac
