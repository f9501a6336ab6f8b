#!/usr/bin/env bash
# Posts the offline plans of a fork's pull request (offline-plan-comment.yml, a workflow_run job with write access
# that must trust nothing the fork produced): one comment per stack, found again by the hidden marker
# `<!-- platform-plan:<stack> -->` at the start of a comment of ours and edited in place. The pull request comes
# from the GitHub API: the open pull request whose head is the run's head commit in the run's head repository
# (workflow_run.head_sha / head_repository); a pr-number file in the artifact, if any, is never read. Bodies are
# bounded (GitHub refuses comments over 65,536 characters) by cutting the end, so the summary that opens each body
# stays.
# Usage: post-plan-comments.sh <dir with <stack>.md files>
# Env: GH_REPO (owner/name of this repository), HEAD_SHA, HEAD_REPO (owner/name), HEAD_BRANCH, GH_TOKEN (for gh);
#      BOT_LOGIN (default github-actions[bot]), MAX_BODY (characters, default 60000).
set -euo pipefail

dir="${1:?usage: post-plan-comments.sh <dir>}"
: "${GH_REPO:?}" "${HEAD_SHA:?}" "${HEAD_REPO:?}" "${HEAD_BRANCH:?}"
BOT_LOGIN="${BOT_LOGIN:-github-actions[bot]}"
MAX_BODY="${MAX_BODY:-60000}"
MAX_STACKS=50

# All pages of a list endpoint as one JSON array (gh prints one array per page).
list() { gh api --paginate "$1" | jq -s 'add // []'; }

# The pull request: filtered by head (GitHub's "user:ref-name" filter), then matched on the exact commit and
# repository, so neither a branch name nor anything in the artifact can point the bot at another pull request.
head_filter="$(jq -rn --arg owner "${HEAD_REPO%%/*}" --arg branch "$HEAD_BRANCH" '"\($owner):\($branch)" | @uri')"
pr="$(list "repos/$GH_REPO/pulls?state=open&per_page=100&head=$head_filter" |
  jq -r --arg sha "$HEAD_SHA" --arg repo "$HEAD_REPO" \
    '[.[] | select(.head.sha == $sha and .head.repo.full_name == $repo) | .number] | if length == 1 then .[0] else empty end')"
if [ -z "$pr" ]; then
  echo "::error::no single open pull request from $HEAD_REPO at $HEAD_SHA: nothing posted"
  exit 1
fi

comments="$(list "repos/$GH_REPO/issues/$pr/comments?per_page=100")"
posted=0
for file in "$dir"/*.md; do
  [ -e "$file" ] || continue
  stack="$(basename "$file" .md)"
  if ! [[ "$stack" =~ ^[a-z0-9][a-z0-9-]{0,62}$ ]]; then
    echo "::warning::skipped $file: not a stack name"
    continue
  fi
  if [ "$posted" -ge "$MAX_STACKS" ]; then
    echo "::warning::more than $MAX_STACKS stacks: the rest is not posted"
    break
  fi
  marker="<!-- platform-plan:$stack -->"
  payload="$(jq -n --rawfile content "$file" --arg marker "$marker" --argjson max "$MAX_BODY" '
    ($content | length) as $n
    | {body: ($marker + "\n"
        + (if $n > $max
           then $content[0:$max] + "\n\n… cut at \($max) of \($n) characters: the full plan is in the preview run'"'"'s artifacts."
           else $content end))}')"
  id="$(jq -r --arg marker "$marker" --arg bot "$BOT_LOGIN" \
    '[.[] | select(.user.login == $bot and (.body | startswith($marker + "\n"))) | .id] | first // empty' <<<"$comments")"
  if [ -n "$id" ]; then
    gh api --method PATCH "repos/$GH_REPO/issues/comments/$id" --input - <<<"$payload" >/dev/null
    echo "$stack: edited comment $id on #$pr"
  else
    gh api --method POST "repos/$GH_REPO/issues/$pr/comments" --input - <<<"$payload" >/dev/null
    echo "$stack: new comment on #$pr"
  fi
  posted=$((posted + 1))
done
