#!/usr/bin/env bash
# Weekly database maintenance: VACUUM (ANALYZE) every user table of every database in MAINTENANCE_DATABASES
# (space-separated). Connection from libpq's environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGSSLMODE).
#
# On RDS nobody is a superuser, and before PostgreSQL 17 only a table's owner (or the database's owner) may vacuum
# it: for any other table VACUUM does nothing but print "WARNING:  skipping "<table>" --- only table or database
# owner can vacuum it" and still succeed. So the tables are vacuumed one by one, by name (system catalogs are left to
# autovacuum: the shared ones only a superuser may vacuum), and any skip fails the database: MAINTENANCE_FAILED and a
# non-zero exit, never a silent success. Every database is tried before the script exits.
set -euo pipefail

log() { printf '%s vacuum-analyze: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

[ -n "${MAINTENANCE_DATABASES:-}" ] || { log "MAINTENANCE_FAILED environment variable MAINTENANCE_DATABASES is required"; exit 1; }

# One VACUUM statement per user table (plain and materialized; partitions are tables of their own), run by \gexec.
VACUUM_SQL="SELECT format('VACUUM (ANALYZE) %I.%I', n.nspname, c.relname)
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'm') AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
 ORDER BY 1"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0
for database in $MAINTENANCE_DATABASES; do
  started=$(date -u +%s)
  output="$work/$database.log"
  if ! printf '%s\n\\gexec\n' "$VACUUM_SQL" \
    | psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 --dbname="$database" >"$output" 2>&1; then
    cat "$output" >&2
    log "MAINTENANCE_FAILED database=$database reason=\"psql failed\""
    failed=1
    continue
  fi
  cat "$output" >&2
  skipped="$(sed -n 's/^WARNING:  skipping "\([^"]*\)".*/\1/p' "$output" | sort -u | tr '\n' ' ')"
  if [ -n "$skipped" ]; then
    log "MAINTENANCE_FAILED database=$database reason=\"PostgreSQL skipped tables this role may not vacuum\" skipped=\"${skipped% }\""
    failed=1
    continue
  fi
  tables="$(psql --no-psqlrc --quiet --tuples-only --no-align -v ON_ERROR_STOP=1 --dbname="$database" \
    -c "SELECT count(*) FROM ($VACUUM_SQL) AS t")"
  log "MAINTENANCE_OK database=$database tables=$tables seconds=$(( $(date -u +%s) - started ))"
done
exit "$failed"
