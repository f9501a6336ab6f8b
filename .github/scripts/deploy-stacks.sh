#!/usr/bin/env bash
# Decides what one deploy run applies, before its single approval: the commit (the run's own SHA, which must be on
# main: only merged commits are deployed) and the stacks (workflow_dispatch: the one stack asked for; push: every
# stack in .github/stacks.json), split into platform stacks and tenant shards (a shard applies after its platform
# stack, which it reads through a StackReference). Writes GitHub step outputs:
#   sha, platform (JSON list of .github/stacks.json entries), shards (same), environment (production if any stack
#   of the run is production, else staging: the environment whose reviewers approve the run once).
# Inputs (env): EVENT_NAME, STACK_INPUT (dispatch), SHA, MAIN_REF (default origin/main), STACKS_FILE, GITHUB_OUTPUT.
set -euo pipefail

STACKS_FILE="${STACKS_FILE:-.github/stacks.json}"
MAIN_REF="${MAIN_REF:-origin/main}"
: "${SHA:?SHA is required}" "${EVENT_NAME:?EVENT_NAME is required}" "${GITHUB_OUTPUT:?GITHUB_OUTPUT is required}"

fail() {
  echo "::error::$*" >&2
  exit 1
}

if ! git merge-base --is-ancestor "$SHA" "$MAIN_REF" 2>/dev/null; then
  fail "commit $SHA is not on $MAIN_REF: deploy applies merged commits only (dispatch the workflow from main)"
fi

case "$EVENT_NAME" in
  workflow_dispatch)
    [ -n "${STACK_INPUT:-}" ] || fail "workflow_dispatch needs the stack input"
    selected="$(jq -c --arg stack "$STACK_INPUT" '[.[] | select(.stack == $stack)]' "$STACKS_FILE")"
    [ "$selected" != "[]" ] || fail "unknown stack \"$STACK_INPUT\" (known: $(jq -r '[.[].stack] | join(", ")' "$STACKS_FILE"))"
    ;;
  push) selected="$(jq -c '.' "$STACKS_FILE")" ;;
  *) fail "deploy runs on push to main or workflow_dispatch, not $EVENT_NAME" ;;
esac

{
  echo "sha=$SHA"
  echo "platform=$(jq -c '[.[] | select(.role == "platform")]' <<<"$selected")"
  echo "shards=$(jq -c '[.[] | select(.role == "shard")]' <<<"$selected")"
  echo "environment=$(jq -r 'if any(.[]; .environment == "production") then "production" else "staging" end' <<<"$selected")"
} >>"$GITHUB_OUTPUT"
echo "deploying $(jq -r '[.[].stack] | join(", ")' <<<"$selected") at $SHA"
