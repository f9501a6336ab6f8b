#!/bin/sh
# Deletes the Pushgateway groups of this stack's backups whose database the stack no longer backs up (an offboarded
# tenant's dedicated database): a pushed value stays until its group is deleted (prometheus/pushgateway README,
# "DELETE method"), and a stale last-success timestamp would read as a stale backup forever.
#
# Environment:
#   PUSHGATEWAY_URL      base URL of the Pushgateway (e.g. http://prometheus-pushgateway.monitoring.svc:9091)
#   PUSHGATEWAY_STACK    the `stack` grouping label of this stack's groups
#   BACKUP_JOB           the `job` grouping label of the backup groups (platform_backup)
#   EXPECTED_DATABASES   the databases the stack backs up, separated by spaces
#
# The groups are read from the Pushgateway's own /metrics: each group exposes push_time_seconds with its grouping
# labels. An unreachable Pushgateway is logged and skipped: the alert rules only watch the expected databases anyway.
set -eu

base="${PUSHGATEWAY_URL%/}"
if ! metrics="$(curl --fail --silent --show-error --max-time 30 "$base/metrics")"; then
  echo "pushgateway-cleanup: warning: cannot read $base/metrics; nothing deleted" >&2
  exit 0
fi

stale="$(printf '%s\n' "$metrics" \
  | grep '^push_time_seconds{' \
  | grep "job=\"$BACKUP_JOB\"" \
  | grep "stack=\"$PUSHGATEWAY_STACK\"" \
  | sed -n 's/.*[{,]database="\([^"]*\)".*/\1/p' \
  | sort -u)" || true

deleted=0
for database in $stale; do
  case " $EXPECTED_DATABASES " in
    *" $database "*) continue ;;
  esac
  curl --fail --silent --show-error --max-time 30 -X DELETE \
    "$base/metrics/job/$BACKUP_JOB/stack/$PUSHGATEWAY_STACK/database/$database"
  echo "pushgateway-cleanup: deleted group job=$BACKUP_JOB stack=$PUSHGATEWAY_STACK database=$database"
  deleted=$((deleted + 1))
done
echo "pushgateway-cleanup: $deleted group(s) deleted; kept: $EXPECTED_DATABASES"
