#!/usr/bin/env bash
# Weekly database maintenance: VACUUM (ANALYZE) every database in MAINTENANCE_DATABASES (space-separated).
# Connection from libpq's environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGSSLMODE). Exits non-zero when any
# database fails, after trying all of them.
set -euo pipefail

log() { printf '%s vacuum-analyze: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

[ -n "${MAINTENANCE_DATABASES:-}" ] || { log "MAINTENANCE_FAILED environment variable MAINTENANCE_DATABASES is required"; exit 1; }
failed=0
for database in $MAINTENANCE_DATABASES; do
  started=$(date -u +%s)
  if psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 --dbname="$database" -c "VACUUM (ANALYZE)"; then
    log "MAINTENANCE_OK database=$database seconds=$(( $(date -u +%s) - started ))"
  else
    log "MAINTENANCE_FAILED database=$database"
    failed=1
  fi
done
exit "$failed"
