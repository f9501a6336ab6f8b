#!/usr/bin/env bash
# Proves the newest backups restore: for every database, fetch the newest dump from S3, check its SHA-256 and age,
# restore it into a scratch PostgreSQL started inside this pod, and run sanity queries on the result.
#
# Usage: verify-restore.sh fetch|restore|report|all
#   fetch    (AWS CLI image)   download the newest <timestamp>.dump and its .sha256 for each database
#   restore  (postgres image)  check checksums, restore into a scratch server, run sanity queries
#   report   (AWS CLI image)   log the verdict, write/push metrics, exit 1 when anything failed
#   all      the three in one process (local runs and tests)
# fetch and restore record failures in $VERIFY_WORK_DIR/failures and exit 0, so that report always runs and the
# failure reaches the metrics; report is the step that fails the Job.
#
# Environment:
#   VERIFY_DATABASES   space-separated database names (required)
#   VERIFY_WORK_DIR    scratch directory shared by the steps (required; holds the dumps and the scratch cluster)
#   BACKUP_BUCKET BACKUP_PREFIX   where backup.sh put the dumps (fetch)
#   AWS_ENDPOINT_URL   S3-compatible endpoint instead of AWS (optional, tests)
#   VERIFY_MAX_DUMP_AGE_HOURS   the newest dump must be younger than this (default 48)
#   VERIFY_MIN_TABLES  a restored database must have at least this many user tables (default 1)
#   VERIFY_SANITY_SQL  an extra query that must return "t" in every restored database (optional)
#   PUSHGATEWAY_URL    Prometheus Pushgateway to push metrics to (optional)
#   PUSHGATEWAY_STACK  `stack` grouping label of the pushed group (the Pulumi stack; stacks share a Pushgateway)
# Log lines: RESTORE_VERIFY_FAILED database=<db> reason=...   RESTORE_VERIFY_OK database=<db> ...
# Metrics (also in $VERIFY_WORK_DIR/metrics.prom): platform_restore_verify_failed (0/1),
#   platform_restore_verify_last_success_timestamp_seconds (only on success).
set -euo pipefail

log() { printf '%s verify-restore: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

require() {
  local name
  for name in "$@"; do
    if [ -z "${!name:-}" ]; then log "RESTORE_VERIFY_FAILED reason=\"environment variable $name is required\""; exit 1; fi
  done
}

fail() {
  local database="$1"
  shift
  log "RESTORE_VERIFY_FAILED database=$database reason=\"$*\""
  printf '%s\t%s\n' "$database" "$*" >>"$VERIFY_WORK_DIR/failures"
}

failed_already() { [ -f "$VERIFY_WORK_DIR/failures" ] && cut -f1 "$VERIFY_WORK_DIR/failures" | grep -qx -- "$1"; }

aws_s3() {
  if [ -n "${AWS_ENDPOINT_URL:-}" ]; then aws --endpoint-url "$AWS_ENDPOINT_URL" "$@"; else aws "$@"; fi
}

# 20261122T020000Z -> seconds since the epoch (GNU date).
timestamp_epoch() {
  local t="$1"
  date -u -d "${t:0:4}-${t:4:2}-${t:6:2}T${t:9:2}:${t:11:2}:${t:13:2}Z" +%s
}

fetch_one() {
  local database="$1" dir="$VERIFY_WORK_DIR/restore/$1"
  local listing newest
  mkdir -p "$dir"
  if ! listing="$(aws_s3 s3api list-objects-v2 --bucket "$BACKUP_BUCKET" --prefix "$BACKUP_PREFIX/$database/" --query 'Contents[].Key' --output text)"; then
    fail "$database" "cannot list s3://$BACKUP_BUCKET/$BACKUP_PREFIX/$database/"
    return 0
  fi
  newest="$(printf '%s\n' "$listing" | tr '\t' '\n' | grep -E '/[0-9]{8}T[0-9]{6}Z\.dump$' | sort | tail -n 1 || true)"
  if [ -z "$newest" ]; then
    fail "$database" "no dump under s3://$BACKUP_BUCKET/$BACKUP_PREFIX/$database/"
    return 0
  fi
  local name="${newest##*/}"
  local age_hours=$(( ($(date -u +%s) - $(timestamp_epoch "${name%.dump}")) / 3600 ))
  if [ "$age_hours" -ge "${VERIFY_MAX_DUMP_AGE_HOURS:-48}" ]; then
    fail "$database" "newest dump $newest is ${age_hours}h old (limit ${VERIFY_MAX_DUMP_AGE_HOURS:-48}h): backups have stopped"
  fi
  if ! aws_s3 s3 cp --only-show-errors "s3://$BACKUP_BUCKET/$newest" "$dir/$name" \
    || ! aws_s3 s3 cp --only-show-errors "s3://$BACKUP_BUCKET/$newest.sha256" "$dir/$name.sha256"; then
    fail "$database" "cannot download s3://$BACKUP_BUCKET/$newest and its .sha256"
    return 0
  fi
  printf '%s\n' "$name" >"$dir/dump-name"
  log "fetched $database: s3://$BACKUP_BUCKET/$newest"
}

fetch_all() {
  require VERIFY_DATABASES VERIFY_WORK_DIR BACKUP_BUCKET BACKUP_PREFIX
  local database
  for database in $VERIFY_DATABASES; do fetch_one "$database"; done
}

psql_scratch() { psql --no-psqlrc --quiet --tuples-only --no-align -v ON_ERROR_STOP=1 -h "$SOCKET_DIR" -U verify "$@"; }

start_scratch_server() {
  SCRATCH_DATA="$VERIFY_WORK_DIR/scratch-pgdata"
  SOCKET_DIR="$VERIFY_WORK_DIR/scratch-socket"
  rm -rf "$SCRATCH_DATA" && mkdir -p "$SOCKET_DIR"
  initdb --pgdata="$SCRATCH_DATA" --username=verify --auth=trust --encoding=UTF8 --locale=C >"$VERIFY_WORK_DIR/initdb.log" 2>&1 \
    || { cat "$VERIFY_WORK_DIR/initdb.log" >&2; return 1; }
  pg_ctl --pgdata="$SCRATCH_DATA" --log="$VERIFY_WORK_DIR/scratch-postgres.log" --wait --timeout=120 \
    -o "-c listen_addresses='' -c unix_socket_directories='$SOCKET_DIR' -c fsync=off -c full_page_writes=off" start >/dev/null \
    || { cat "$VERIFY_WORK_DIR/scratch-postgres.log" >&2; return 1; }
  trap stop_scratch_server EXIT
}

stop_scratch_server() { pg_ctl --pgdata="$SCRATCH_DATA" --mode=fast --wait stop >/dev/null 2>&1 || true; }

# Row count of every user table, one "schema.table<TAB>count" line each: reading every row proves the heap restored.
ROW_COUNTS_SQL="SELECT format('%I.%I', schemaname, tablename) || E'\t' ||
  (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', schemaname, tablename), false, true, '')))[1]::text
  FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"

restore_one() {
  local database="$1" dir="$VERIFY_WORK_DIR/restore/$1"
  local name tables
  name="$(cat "$dir/dump-name")"
  if ! (cd "$dir" && sha256sum --check --quiet "$name.sha256"); then
    fail "$database" "checksum mismatch: $name does not match its .sha256"
    return 0
  fi
  if ! psql_scratch -d postgres -c "CREATE DATABASE \"verify_$database\"" \
    || ! pg_restore --exit-on-error --no-owner --no-acl -h "$SOCKET_DIR" -U verify -d "verify_$database" "$dir/$name" 2>"$dir/pg_restore.log"; then
    fail "$database" "pg_restore of $name failed: $(tail -n 3 "$dir/pg_restore.log" | tr '\n' ' ')"
    return 0
  fi
  if ! psql_scratch -d "verify_$database" -c "$ROW_COUNTS_SQL" >"$dir/row-counts.tsv"; then
    fail "$database" "sanity query (row counts) failed on the restored database"
    return 0
  fi
  tables="$(wc -l <"$dir/row-counts.tsv")"
  if [ "$tables" -lt "${VERIFY_MIN_TABLES:-1}" ]; then
    fail "$database" "restored database has $tables user tables, expected at least ${VERIFY_MIN_TABLES:-1}"
    return 0
  fi
  if [ -n "${VERIFY_SANITY_SQL:-}" ] && [ "$(psql_scratch -d "verify_$database" -c "$VERIFY_SANITY_SQL" || true)" != "t" ]; then
    fail "$database" "VERIFY_SANITY_SQL did not return true"
    return 0
  fi
  log "RESTORE_VERIFY_OK database=$database dump=$name tables=$tables rows=$(awk -F'\t' '{s+=$2} END {print s+0}' "$dir/row-counts.tsv")"
  psql_scratch -d postgres -c "DROP DATABASE \"verify_$database\"" || true
}

restore_all() {
  require VERIFY_DATABASES VERIFY_WORK_DIR
  local database pending=""
  for database in $VERIFY_DATABASES; do
    failed_already "$database" || pending="$pending $database"
  done
  [ -n "$pending" ] || return 0
  if ! start_scratch_server; then
    for database in $pending; do fail "$database" "could not start the scratch PostgreSQL server"; done
    return 0
  fi
  for database in $pending; do restore_one "$database"; done
}

push_metrics() {
  [ -n "${PUSHGATEWAY_URL:-}" ] || return 0
  # POST replaces only the metrics pushed, so a failure keeps the previous last-success timestamp.
  curl --fail --silent --show-error --max-time 30 --data-binary "@$1" \
    "${PUSHGATEWAY_URL%/}/metrics/job/platform_restore_verify/stack/${PUSHGATEWAY_STACK:-unknown}" \
    || log "warning: could not push metrics to $PUSHGATEWAY_URL"
}

report() {
  require VERIFY_DATABASES VERIFY_WORK_DIR
  local metrics="$VERIFY_WORK_DIR/metrics.prom" database
  for database in $VERIFY_DATABASES; do
    # A database that no step recorded (a step died) is a failure too.
    if ! failed_already "$database" && [ ! -f "$VERIFY_WORK_DIR/restore/$database/row-counts.tsv" ]; then
      fail "$database" "no verdict recorded (a step did not run to completion)"
    fi
  done
  if [ -s "$VERIFY_WORK_DIR/failures" ]; then
    printf '# TYPE platform_restore_verify_failed gauge\nplatform_restore_verify_failed 1\n' >"$metrics"
    push_metrics "$metrics"
    log "RESTORE_VERIFY_FAILED summary: $(cut -f1 "$VERIFY_WORK_DIR/failures" | sort -u | tr '\n' ' ')"
    exit 1
  fi
  printf '# TYPE platform_restore_verify_failed gauge\nplatform_restore_verify_failed 0\n# TYPE platform_restore_verify_last_success_timestamp_seconds gauge\nplatform_restore_verify_last_success_timestamp_seconds %s\n' \
    "$(date -u +%s)" >"$metrics"
  push_metrics "$metrics"
  log "RESTORE_VERIFY_OK all databases restored and passed the sanity queries: $VERIFY_DATABASES"
}

case "${1:-}" in
  fetch) fetch_all ;;
  restore) restore_all ;;
  report) report ;;
  all) fetch_all && restore_all && report ;;
  *) echo "usage: $0 fetch|restore|report|all" >&2; exit 2 ;;
esac
