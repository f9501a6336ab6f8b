#!/usr/bin/env bash
# Logical backup of PostgreSQL databases to S3: pg_dump -Fc of each database, its SHA-256 beside it, uploaded to
#   s3://$BACKUP_BUCKET/$BACKUP_PREFIX/<database>/<timestamp>.dump (+ .dump.sha256)
#
# Usage: backup.sh dump|upload|all
#   dump    (postgres image)  dump every database in BACKUP_DATABASES into BACKUP_WORK_DIR and checksum it
#   upload  (AWS CLI image)   upload the dumps and checksums, then record/push the success metrics
#   all     both, in one process (local runs and tests)
#
# Environment:
#   BACKUP_DATABASES   space-separated database names (required)
#   BACKUP_WORK_DIR    scratch directory shared by the steps (required)
#   PGHOST PGPORT PGUSER PGPASSWORD PGSSLMODE   libpq connection of the source server (dump)
#   BACKUP_BUCKET      S3 bucket (upload)           BACKUP_PREFIX   key prefix, the environment name (upload)
#   AWS_ENDPOINT_URL   S3-compatible endpoint instead of AWS (optional, tests)
#   PUSHGATEWAY_URL    Prometheus Pushgateway to push metrics to (optional)
#   PUSHGATEWAY_STACK  `stack` grouping label of the pushed groups (the Pulumi stack; stacks share a Pushgateway)
#   BACKUP_TIMESTAMP   timestamp used in the keys (optional; defaults to now, UTC, e.g. 20261122T020000Z)
#   BACKUP_KIND        backup (default) or export: an offboarded tenant's one-off export, which records no backup
#                      metrics and logs EXPORT_OK / EXPORT_FAILED (an export is not a backup of the database)
#   BACKUP_SCHEMA      dump only this schema (a pooled tenant's export; one database only)
# Metrics of a backup (also written to $BACKUP_WORK_DIR/metrics/<database>.prom):
#   platform_backup_last_success_timestamp_seconds{database}   platform_backup_size_bytes{database}
set -euo pipefail

KIND="${BACKUP_KIND:-backup}"
case "$KIND" in backup) TAG=BACKUP ;; export) TAG=EXPORT ;; *) echo "BACKUP_KIND must be backup or export, not $KIND" >&2; exit 2 ;; esac

log() { printf '%s %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$KIND" "$*" >&2; }
die() { log "${TAG}_FAILED $*"; exit 1; }

require() {
  local name
  for name in "$@"; do
    [ -n "${!name:-}" ] || die "environment variable $name is required"
  done
}

aws_s3() {
  if [ -n "${AWS_ENDPOINT_URL:-}" ]; then aws --endpoint-url "$AWS_ENDPOINT_URL" "$@"; else aws "$@"; fi
}

dump_all() {
  require BACKUP_DATABASES BACKUP_WORK_DIR
  local -a schema=()
  if [ -n "${BACKUP_SCHEMA:-}" ]; then
    [ "$(wc -w <<<"$BACKUP_DATABASES")" -eq 1 ] || die "BACKUP_SCHEMA needs exactly one database in BACKUP_DATABASES"
    schema=(--schema="$BACKUP_SCHEMA")
  fi
  local timestamp="${BACKUP_TIMESTAMP:-$(date -u +%Y%m%dT%H%M%SZ)}"
  mkdir -p "$BACKUP_WORK_DIR"
  printf '%s\n' "$timestamp" >"$BACKUP_WORK_DIR/timestamp"
  local database
  for database in $BACKUP_DATABASES; do
    local dir="$BACKUP_WORK_DIR/dumps/$database"
    mkdir -p "$dir"
    log "dumping $database${BACKUP_SCHEMA:+ (schema $BACKUP_SCHEMA)}"
    pg_dump --format=custom --compress=6 "${schema[@]}" --dbname="$database" --file="$dir/$timestamp.dump" \
      || die "database=$database pg_dump failed"
    [ -s "$dir/$timestamp.dump" ] || die "database=$database dump is empty"
    # A dump whose table of contents cannot be read cannot be restored: fail now, not on the day it is needed.
    pg_restore --list "$dir/$timestamp.dump" >/dev/null || die "database=$database dump is unreadable"
    (cd "$dir" && sha256sum "$timestamp.dump" >"$timestamp.dump.sha256")
    log "dumped $database ($(wc -c <"$dir/$timestamp.dump") bytes, sha256 $(cut -d' ' -f1 "$dir/$timestamp.dump.sha256"))"
  done
}

push_metrics() {
  local file="$1" group="$2"
  [ -n "${PUSHGATEWAY_URL:-}" ] || return 0
  curl --fail --silent --show-error --max-time 30 --data-binary "@$file" "${PUSHGATEWAY_URL%/}/metrics/$group" \
    || log "warning: could not push metrics to $PUSHGATEWAY_URL"
}

upload_all() {
  require BACKUP_DATABASES BACKUP_WORK_DIR BACKUP_BUCKET BACKUP_PREFIX
  [ -f "$BACKUP_WORK_DIR/timestamp" ] || die "no dumps in $BACKUP_WORK_DIR (did the dump step run?)"
  local timestamp failed=0 database
  timestamp="$(cat "$BACKUP_WORK_DIR/timestamp")"
  mkdir -p "$BACKUP_WORK_DIR/metrics"
  for database in $BACKUP_DATABASES; do
    local dir="$BACKUP_WORK_DIR/dumps/$database"
    local key="$BACKUP_PREFIX/$database/$timestamp.dump"
    if ! (cd "$dir" && sha256sum --check --quiet "$timestamp.dump.sha256"); then
      log "${TAG}_FAILED database=$database checksum mismatch before upload"
      failed=1
      continue
    fi
    if aws_s3 s3 cp --only-show-errors "$dir/$timestamp.dump" "s3://$BACKUP_BUCKET/$key" \
      && aws_s3 s3 cp --only-show-errors "$dir/$timestamp.dump.sha256" "s3://$BACKUP_BUCKET/$key.sha256"; then
      if [ "$KIND" = export ]; then
        log "EXPORT_OK database=$database${BACKUP_SCHEMA:+ schema=$BACKUP_SCHEMA} key=s3://$BACKUP_BUCKET/$key"
        continue
      fi
      local metrics="$BACKUP_WORK_DIR/metrics/$database.prom"
      {
        echo "# TYPE platform_backup_last_success_timestamp_seconds gauge"
        echo "platform_backup_last_success_timestamp_seconds{database=\"$database\"} $(date -u +%s)"
        echo "# TYPE platform_backup_size_bytes gauge"
        echo "platform_backup_size_bytes{database=\"$database\"} $(wc -c <"$dir/$timestamp.dump")"
      } >"$metrics"
      push_metrics "$metrics" "job/platform_backup/stack/${PUSHGATEWAY_STACK:-unknown}/database/$database"
      log "BACKUP_OK database=$database key=s3://$BACKUP_BUCKET/$key"
    else
      log "${TAG}_FAILED database=$database upload to s3://$BACKUP_BUCKET/$key failed"
      failed=1
    fi
  done
  [ "$failed" -eq 0 ] || die "one or more databases were not uploaded"
}

case "${1:-}" in
  dump) dump_all ;;
  upload) upload_all ;;
  all) dump_all && upload_all ;;
  *) echo "usage: $0 dump|upload|all" >&2; exit 2 ;;
esac
