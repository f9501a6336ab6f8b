#!/usr/bin/env bash
# Writes the offline plan's pull-request comment body for one stack (fork pull requests, preview.yml): a status
# line first (diff against the merge base, or why there is no diff: a new stack, or a merge base whose plan
# failed), then the plan's summary.md (counts, the changes' totals, policy results: the summary comes first), else
# the plan's output. Length is bounded by the comment job (post-plan-comments.sh), which trusts nothing it receives.
# Usage: offline-plan-body.sh <stack> <plans dir> > comment/<stack>.md   (env HEAD_SHA)
set -euo pipefail
stack="$1"
plans="$2"
short() { printf '%.12s' "$1"; }

base_status="$(cat "$plans/base-status" 2>/dev/null || echo "failed (not run)")"
echo "## Offline plan: \`$stack\` (exit $(cat "$plans/exit-code" 2>/dev/null || echo '?'))"
echo
case "$base_status" in
  ok) echo "Head \`$(short "${HEAD_SHA:-?}")\` against the merge base \`$(short "$(cat "$plans/merge-base")")\`." ;;
  new) echo "**New stack**: \`Pulumi.$stack.yaml\` does not exist at the merge base: no base plan, the whole plan of head follows." ;;
  *) echo "**The merge base's plan $base_status**: no diff, the whole plan of head \`$(short "${HEAD_SHA:-?}")\` follows." ;;
esac
echo
if [ -f "$plans/head/summary.md" ]; then
  cat "$plans/head/summary.md"
else
  echo '```'
  # The closing fence on its own line even when the output has no final newline.
  [ -f "$plans/stdout.txt" ] && printf '%s\n' "$(cat "$plans/stdout.txt")"
  echo '```'
fi
echo
echo "_Pull requests from forks have no cloud credentials: this is the offline plan (\`npm run plan\`)._"
