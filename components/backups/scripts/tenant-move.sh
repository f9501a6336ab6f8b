#!/usr/bin/env bash
# Moves one tenant's data between isolation models (docs/tenants.md, "Changing tier"): from its old home (its schema
# in the shared database, or its own database) into the new home Pulumi created beside it, and verifies the copy.
#
# Usage: tenant-move.sh copy|verify|report|all
#   copy     (postgres image)  check the tenant's writes are held, dump its schema from the old home, restore it into
#                              the (empty) new home as the tenant role, then verify
#   verify   (postgres image)  compare old and new home per table: row count and a content checksum, computed by the
#                              same query on both sides
#   report   (AWS CLI image)   log TENANT_MOVE_OK / TENANT_MOVE_FAILED, write/push metrics, exit 1 on any failure
#   all      copy then report, in one process (local runs and tests)
# copy and verify record failures in $MOVE_WORK_DIR/failures and exit 0, so that report always runs and the failure
# reaches the metrics; report is the step that fails the Job (the backup scripts' convention, verify-restore.sh).
#
# Environment:
#   MOVE_TENANT        the tenant id (log lines, metrics' grouping key)
#   MOVE_ROLE          the tenant's PostgreSQL role, owner of everything moved (tenant_<id>)
#   MOVE_SCHEMA        the tenant's schema, the same name in both homes (tenant_<id>)
#   MOVE_FROM_DATABASE the old home's database      MOVE_TO_DATABASE   the new home's database
#   MOVE_WORK_DIR      scratch directory shared by the steps (required; holds the dump)
#   MOVE_SESSION_WAIT_SECONDS   how long to wait for the tenant's open sessions to end (default 60)
#   PGHOST PGPORT PGUSER PGPASSWORD PGSSLMODE   libpq connection: the operations role, a member of MOVE_ROLE
#   PUSHGATEWAY_URL    Prometheus Pushgateway to push metrics to (optional)
#   PUSHGATEWAY_STACK  `stack` grouping label of the pushed group (the Pulumi stack; stacks share a Pushgateway)
# Log lines: TENANT_MOVE_FAILED tenant=<id> reason=...   TENANT_MOVE_OK tenant=<id> ... digest=<sha256>
#   (the digest is what the move's switch step records as `verified`)
# Metrics (also in $MOVE_WORK_DIR/metrics.prom), grouping key job/platform_tenant_move/stack/<stack>/tenant/<id>:
#   platform_tenant_move_failed (0/1), platform_tenant_move_tables, platform_tenant_move_rows,
#   platform_tenant_move_last_success_timestamp_seconds (only on success).
set -euo pipefail

log() { printf '%s tenant-move: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

require() {
  local name
  for name in "$@"; do
    if [ -z "${!name:-}" ]; then log "TENANT_MOVE_FAILED reason=\"environment variable $name is required\""; exit 1; fi
  done
}

fail() {
  log "TENANT_MOVE_FAILED tenant=${MOVE_TENANT:-?} reason=\"$*\""
  printf '%s\n' "$*" >>"$MOVE_WORK_DIR/failures"
}

# psql reading SQL from stdin, so that :'role' and :'schema' are quoted by psql itself.
sql() {
  local database="$1"
  psql --no-psqlrc --quiet --tuples-only --no-align -v ON_ERROR_STOP=1 \
    -v role="$MOVE_ROLE" -v schema="$MOVE_SCHEMA" --dbname="$database" -f -
}

# The writes are held when the tenant's role cannot log in (the copy step's NOLOGIN) and none of its sessions is left:
# those still open are ended (the operations role is a member of the tenant role, which pg_terminate_backend allows).
hold_writes() {
  local can_login remaining waited=0
  can_login="$(sql "$MOVE_FROM_DATABASE" <<<"SELECT rolcanlogin FROM pg_roles WHERE rolname = :'role'")" || return 1
  if [ "$can_login" != "f" ]; then
    fail "writes are not held: role $MOVE_ROLE can log in (login=${can_login:-missing}); apply the move's copy step (it sets NOLOGIN) before this Job runs"
    return 1
  fi
  sql "$MOVE_FROM_DATABASE" <<<"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = :'role'" >/dev/null
  while :; do
    remaining="$(sql "$MOVE_FROM_DATABASE" <<<"SELECT count(*) FROM pg_stat_activity WHERE usename = :'role'")"
    [ "$remaining" = "0" ] && break
    if [ "$waited" -ge "${MOVE_SESSION_WAIT_SECONDS:-60}" ]; then
      fail "writes are not held: $remaining session(s) of $MOVE_ROLE still open after ${waited}s"
      return 1
    fi
    sleep 2
    waited=$((waited + 2))
  done
  log "writes held: $MOVE_ROLE cannot log in and has no open session"
}

# What the old home holds outside the schema (a dedicated database's other schemas) would be left behind: refuse.
check_homes() {
  local outside objects
  outside="$(sql "$MOVE_FROM_DATABASE" <<'SQL'
SELECT coalesce(string_agg(format('%I.%I', n.nspname, c.relname), ' ' ORDER BY 1), '')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE pg_get_userbyid(c.relowner) = :'role' AND n.nspname <> :'schema' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
SQL
)" || return 1
  if [ -n "$outside" ]; then
    fail "objects of $MOVE_ROLE outside schema $MOVE_SCHEMA in $MOVE_FROM_DATABASE would be left behind: $outside (move them into $MOVE_SCHEMA first)"
    return 1
  fi
  objects="$(sql "$MOVE_TO_DATABASE" <<'SQL'
SELECT (SELECT count(*) FROM pg_namespace WHERE nspname = :'schema') || ' ' ||
  (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :'schema') +
  (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = :'schema')
SQL
)" || return 1
  if [ "${objects%% *}" != "1" ]; then
    fail "the new home has no schema $MOVE_SCHEMA in $MOVE_TO_DATABASE: apply the move's copy step (it creates it) first"
    return 1
  fi
  if [ "${objects#* }" != "0" ]; then
    fail "the new home $MOVE_TO_DATABASE.$MOVE_SCHEMA is not empty (${objects#* } objects): refusing to copy over it"
    return 1
  fi
}

copy() {
  require MOVE_TENANT MOVE_ROLE MOVE_SCHEMA MOVE_FROM_DATABASE MOVE_TO_DATABASE MOVE_WORK_DIR
  mkdir -p "$MOVE_WORK_DIR"
  rm -f "$MOVE_WORK_DIR/failures" "$MOVE_WORK_DIR/result"
  hold_writes || { [ -s "$MOVE_WORK_DIR/failures" ] || fail "could not check that writes are held"; return 0; }
  check_homes || { [ -s "$MOVE_WORK_DIR/failures" ] || fail "could not inspect the old and new homes"; return 0; }
  local dump="$MOVE_WORK_DIR/source.dump"
  log "dumping schema $MOVE_SCHEMA of $MOVE_FROM_DATABASE"
  if ! pg_dump --format=custom --schema="$MOVE_SCHEMA" --dbname="$MOVE_FROM_DATABASE" --file="$dump" 2>"$MOVE_WORK_DIR/pg_dump.log"; then
    fail "pg_dump of $MOVE_FROM_DATABASE.$MOVE_SCHEMA failed: $(tail -n 3 "$MOVE_WORK_DIR/pg_dump.log" | tr '\n' ' ')"
    return 0
  fi
  # The new home's schema exists (Pulumi owns it, with its ACL): restore everything but the schema entry itself.
  pg_restore --list "$dump" | grep -v -E "^[0-9]+; [0-9]+ [0-9]+ (SCHEMA - |(ACL|COMMENT) - SCHEMA )$MOVE_SCHEMA " >"$MOVE_WORK_DIR/restore.list"
  log "restoring into $MOVE_TO_DATABASE.$MOVE_SCHEMA as $MOVE_ROLE"
  if ! pg_restore --exit-on-error --single-transaction --no-owner --role="$MOVE_ROLE" \
    --use-list="$MOVE_WORK_DIR/restore.list" --dbname="$MOVE_TO_DATABASE" "$dump" 2>"$MOVE_WORK_DIR/pg_restore.log"; then
    fail "pg_restore into $MOVE_TO_DATABASE.$MOVE_SCHEMA failed: $(tail -n 3 "$MOVE_WORK_DIR/pg_restore.log" | tr '\n' ' ')"
    return 0
  fi
  verify
}

# Per table: row count and two sums of 64-bit slices of each row's md5 (an order-independent checksum of the rows as
# text), in fixed session settings, so both sides print every value the same way.
fingerprint() {
  local database="$1" out="$2" tables table line
  : >"$out"
  tables="$(sql "$database" <<<"SELECT format('%I.%I', schemaname, tablename) FROM pg_tables WHERE schemaname = :'schema' ORDER BY 1")" || return 1
  while IFS= read -r table; do
    [ -n "$table" ] || continue
    line="$(PGOPTIONS="-c TimeZone=UTC -c DateStyle=ISO,YMD -c IntervalStyle=postgres -c extra_float_digits=3 -c bytea_output=hex" sql "$database" <<SQL
SELECT count(*) || E'\t' || coalesce(sum(('x' || substr(h, 1, 16))::bit(64)::bigint::numeric), 0) || E'\t' ||
  coalesce(sum(('x' || substr(h, 17, 16))::bit(64)::bigint::numeric), 0)
FROM (SELECT md5(t::text) AS h FROM $table t) AS rows
SQL
)" || return 1
    [[ "$line" =~ ^[0-9]+$'\t'-?[0-9]+$'\t'-?[0-9]+$ ]] || return 1
    printf '%s\t%s\n' "$table" "$line" >>"$out"
  done <<<"$tables"
}

verify() {
  require MOVE_TENANT MOVE_SCHEMA MOVE_FROM_DATABASE MOVE_TO_DATABASE MOVE_WORK_DIR
  mkdir -p "$MOVE_WORK_DIR"
  rm -f "$MOVE_WORK_DIR/failures" "$MOVE_WORK_DIR/result"
  local source="$MOVE_WORK_DIR/source.tsv" target="$MOVE_WORK_DIR/target.tsv"
  if ! fingerprint "$MOVE_FROM_DATABASE" "$source" || ! fingerprint "$MOVE_TO_DATABASE" "$target"; then
    fail "could not compute the per-table checksums"
    return 0
  fi
  local mismatches
  mismatches="$(awk -F'\t' '
    NR == FNR { src[$1] = $2 "\t" $3 "\t" $4; next }
    { dst[$1] = $2 "\t" $3 "\t" $4 }
    END {
      for (t in src) {
        if (!(t in dst)) { print "table=" t " missing in the new home"; continue }
        split(src[t], a, "\t"); split(dst[t], b, "\t")
        if (a[1] != b[1]) print "table=" t " rows " a[1] " => " b[1]
        else if (src[t] != dst[t]) print "table=" t " content checksum differs (rows " a[1] ")"
      }
      for (t in dst) if (!(t in src)) print "table=" t " not in the old home"
    }' "$source" "$target" | sort)"
  if [ -n "$mismatches" ]; then
    while IFS= read -r line; do fail "$line"; done <<<"$mismatches"
    return 0
  fi
  local tables rows digest
  tables="$(wc -l <"$source" | tr -d ' ')"
  rows="$(awk -F'\t' '{ s += $2 } END { print s + 0 }' "$source")"
  digest="$(sha256sum "$source" | cut -d' ' -f1)"
  while IFS=$'\t' read -r table count _; do log "verified table=$table rows=$count"; done <"$source"
  printf 'tables=%s rows=%s digest=%s\n' "$tables" "$rows" "$digest" >"$MOVE_WORK_DIR/result"
}

push_metrics() {
  [ -n "${PUSHGATEWAY_URL:-}" ] || return 0
  curl --fail --silent --show-error --max-time 30 --data-binary "@$1" \
    "${PUSHGATEWAY_URL%/}/metrics/job/platform_tenant_move/stack/${PUSHGATEWAY_STACK:-unknown}/tenant/$MOVE_TENANT" \
    || log "warning: could not push metrics to $PUSHGATEWAY_URL"
}

report() {
  require MOVE_TENANT MOVE_FROM_DATABASE MOVE_TO_DATABASE MOVE_SCHEMA MOVE_WORK_DIR
  local metrics="$MOVE_WORK_DIR/metrics.prom"
  if [ ! -s "$MOVE_WORK_DIR/failures" ] && [ ! -s "$MOVE_WORK_DIR/result" ]; then
    fail "no verdict recorded (a step did not run to completion)"
  fi
  if [ -s "$MOVE_WORK_DIR/failures" ]; then
    printf '# TYPE platform_tenant_move_failed gauge\nplatform_tenant_move_failed 1\n' >"$metrics"
    push_metrics "$metrics"
    log "TENANT_MOVE_FAILED tenant=$MOVE_TENANT summary: $(wc -l <"$MOVE_WORK_DIR/failures" | tr -d ' ') problem(s); the tenant stays on $MOVE_FROM_DATABASE.$MOVE_SCHEMA (do not merge the switch)"
    exit 1
  fi
  local result tables rows
  result="$(cat "$MOVE_WORK_DIR/result")"
  tables="$(sed -E 's/.*tables=([0-9]+).*/\1/' <<<"$result")"
  rows="$(sed -E 's/.*rows=([0-9]+).*/\1/' <<<"$result")"
  {
    printf '# TYPE platform_tenant_move_failed gauge\nplatform_tenant_move_failed 0\n'
    printf '# TYPE platform_tenant_move_tables gauge\nplatform_tenant_move_tables %s\n' "$tables"
    printf '# TYPE platform_tenant_move_rows gauge\nplatform_tenant_move_rows %s\n' "$rows"
    printf '# TYPE platform_tenant_move_last_success_timestamp_seconds gauge\nplatform_tenant_move_last_success_timestamp_seconds %s\n' "$(date -u +%s)"
  } >"$metrics"
  push_metrics "$metrics"
  log "TENANT_MOVE_OK tenant=$MOVE_TENANT from=$MOVE_FROM_DATABASE.$MOVE_SCHEMA to=$MOVE_TO_DATABASE.$MOVE_SCHEMA $result"
}

case "${1:-}" in
  copy) copy ;;
  verify) verify ;;
  report) report ;;
  all) copy && report ;;
  *) echo "usage: $0 copy|verify|report|all" >&2; exit 2 ;;
esac
